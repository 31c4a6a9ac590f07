"""A query's ranked list, kept once per content version: the same releases in the same
order as the search itself, renewed by a public change and not by a draft, agreeing with
its count, and read page by page by id."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.editorial import editing
from newsroom.models import PressRelease
from newsroom.site import search
from newsroom.site.search import SearchResults, search_releases
from newsroom.site.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

START = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def summits(make_release, count, **fields):
    """``count`` public releases matching "summit", ranked apart by where it appears."""
    places = [
        {"title": "Summit {n}"},
        {"lead": "A summit lead {n}."},
        {"body": "<p>The summit body {n}.</p>"},
    ]
    return [
        make_release(
            **{key: value.format(n=number) for key, value in places[number % 3].items()},
            publish_at=START + datetime.timedelta(hours=number % 7),
            **fields,
        )
        for number in range(count)
    ]


def shown(client, query, pages):
    releases = []
    for page in range(1, pages + 1):
        response = client.get("/search/", {"q": query, "page": page})
        assert response.status_code == 200
        releases += response.context["results"]
    return releases


def queries_of(client, url, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in context.captured_queries]


def ranking_queries(sqls):
    """The queries that search the index (the ranking and its count)."""
    return [sql for sql in sqls if "MATCH" in sql or "to_tsquery" in sql]


@pytest.mark.parametrize("kept", [1000, 30])
def test_every_page_shows_the_search_order(client, make_release, monkeypatch, settings, kept):
    # With 30 kept, the second page runs past the kept list and the third lies beyond it.
    settings.NEWSROOM_PAGE_CACHE = False
    monkeypatch.setattr(search, "KEPT_RESULTS", kept)
    summits(make_release, 2 * PAGE_SIZE + 5)
    summits(make_release, 5, language="ru")
    make_release(title="Unrelated")
    expected = list(search_releases(PressRelease.objects.public(), "summit", "en"))
    assert shown(client, "summit", 3) == expected
    response = client.get("/search/", {"q": "summit"})
    assert response.context["paginator"].count == len(expected) == 2 * PAGE_SIZE + 10
    assert client.get("/search/", {"q": "summit", "page": 4}).status_code == 404


def test_the_ranked_list_is_kept_for_every_page_and_reader(client, make_release, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    summits(make_release, PAGE_SIZE + 1)
    _, first = queries_of(client, "/search/", q="summit")
    assert ranking_queries(first)
    # Another page of the same query, and the same words written otherwise, rank nothing.
    for params in ({"q": "summit", "page": 2}, {"q": "SUMMIT,"}, {"q": " Summit "}):
        response, sqls = queries_of(client, "/search/", **params)
        assert ranking_queries(sqls) == [], params
        # The releases of the page, then their organisations.
        assert len(sqls) == 2, params
    assert len(response.context["results"]) == PAGE_SIZE


def test_each_language_and_query_keeps_its_own_list(client, make_release, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    english = make_release(title="Summit", publish_at=START)
    russian = make_release(title="Summit", language="ru", publish_at=START)
    assert list(client.get("/search/?q=summit").context["results"]) == [english, russian]
    assert list(client.get("/ru/search/?q=summit").context["results"]) == [russian, english]
    assert list(client.get("/search/?q=summit+russian").context["results"]) == []


def test_a_draft_keeps_the_list_and_publishing_renews_it(
    client, make_release, make_staff, make_organisation, settings
):
    settings.NEWSROOM_PAGE_CACHE = False
    editor = make_staff("editor", "Editors")
    older = make_release(body="<p>A summit in the body.</p>")
    draft = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    draft.organisations.add(make_organisation())
    draft.title = "Summit in the title"
    editing.save_release(draft, by=None)
    response, sqls = queries_of(client, "/search/", q="summit")
    assert list(response.context["results"]) == [older]
    # Another draft save announces nothing: the kept list stays, and is still right.
    draft.lead = "A summit lead."
    editing.save_release(draft, by=None)
    response, sqls = queries_of(client, "/search/", q="summit")
    assert ranking_queries(sqls) == []
    assert list(response.context["results"]) == [older]
    assert response.context["paginator"].count == 1
    # Published, it is found at once, ranked first by its title.
    draft = editing.take_step(draft, "publish", by=editor)
    response, sqls = queries_of(client, "/search/", q="summit")
    assert ranking_queries(sqls)
    assert list(response.context["results"]) == [draft, older]
    assert response.context["paginator"].count == 2
    assert "2 releases found." in response.content.decode()
    # Withdrawn, it is gone from the list and its count.
    editing.take_step(draft, "withdraw", by=editor, comment="Issued in error.")
    response = client.get("/search/", {"q": "summit"})
    assert list(response.context["results"]) == [older]
    assert "1 release found." in response.content.decode()


def test_past_the_kept_list_the_count_stays_the_whole_match(make_release, monkeypatch):
    monkeypatch.setattr(search, "KEPT_RESULTS", 4)
    summits(make_release, 10)
    results = SearchResults(PressRelease.objects.public(), "summit", "en", scope="test")
    expected = list(search_releases(PressRelease.objects.public(), "summit", "en"))
    assert results.count() == len(results) == 10
    assert len(results.kept["ids"]) == 4
    assert results[0:3] + results[3:7] + results[7:10] == expected
    assert results[9] == results[-1] == expected[9]
    with pytest.raises(IndexError):
        results[10]
    assert results[10:20] == []


def test_a_query_without_words_keeps_nothing_and_finds_nothing(make_release):
    make_release(title="Summit")
    results = SearchResults(PressRelease.objects.public(), " ** ", "en", scope="test")
    with CaptureQueriesContext(connection) as context:
        assert results.count() == 0
        assert results[0:20] == []
    assert context.captured_queries == []


def test_the_api_search_counts_and_lists_the_kept_list(client, make_release, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    releases = summits(make_release, PAGE_SIZE + 3)
    summits(make_release, 2, language="ru")
    expected = [r.slug for r in search_releases(PressRelease.objects.public(), "summit")]
    first = client.get("/api/releases/", {"q": "summit"}).json()
    second = client.get("/api/releases/", {"q": "summit", "page": 2}).json()
    assert first["count"] == second["count"] == len(expected) == PAGE_SIZE + 5
    assert [entry["slug"] for entry in first["results"] + second["results"]] == expected
    # A filter is a list of its own, not a slice of the unfiltered one.
    russian = client.get("/api/releases/", {"q": "summit", "language": "ru"}).json()
    assert russian["count"] == 2
    assert {entry["language"] for entry in russian["results"]} == {"ru"}
    assert releases[0].slug not in {entry["slug"] for entry in russian["results"]}
