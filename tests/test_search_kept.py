"""A query's ranked list, kept once per content version: the same releases in the same
order as the search itself, renewed by a public change and not by a draft, agreeing with
its count, and read page by page by id."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify

from newsroom.editorial import editing
from newsroom.models import Organisation, PressRelease, TaggedTopic, Topic
from newsroom.models.releases import PressReleaseQuerySet
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
    # The second page reads its keys, then the rows and organisations of its card, not
    # kept yet; the first page's cards were kept, so the same words written otherwise
    # read only the page's keys.
    for params, count in (
        ({"q": "summit", "page": 2}, 3),
        ({"q": "SUMMIT,"}, 1),
        ({"q": " Summit "}, 1),
    ):
        response, sqls = queries_of(client, "/search/", **params)
        assert ranking_queries(sqls) == [], params
        assert len(sqls) == count, params
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
    assert [*results[0:3], *results[3:7], *results[7:10]] == expected
    assert results[9] == results[-1] == expected[9]
    with pytest.raises(IndexError):
        results[10]
    assert list(results[10:20]) == []


def test_a_query_without_words_keeps_nothing_and_finds_nothing(make_release):
    make_release(title="Summit")
    results = SearchResults(PressRelease.objects.public(), " ** ", "en", scope="test")
    with CaptureQueriesContext(connection) as context:
        assert results.count() == 0
        assert list(results[0:20]) == []
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
    # Asked again, a page whose entries are kept reads only its keys, in the ranking's order.
    with CaptureQueriesContext(connection) as context:
        again = client.get("/api/releases/", {"q": "summit", "page": 2}).json()
    assert again == second
    assert len(context.captured_queries) == 1


# After a public change -----------------------------------------------------------------


@pytest.fixture
def renewed(monkeypatch):
    """Lists brought up to date on either database: SQLite ranks anew by default
    (``RENEWED_ON``), but what a renewal keeps is the same on both."""
    monkeypatch.setattr(search, "RENEWED_ON", {"postgresql", "sqlite"})


def ranked_once(client, make_release, settings, count):
    """``count`` releases matching "summit", saved long ago, and their list ranked once."""
    settings.NEWSROOM_PAGE_CACHE = False
    summits(make_release, count, updated_at=START)
    client.get("/search/", {"q": "summit"})


def full_rankings(sqls):
    """The rankings of the whole index: a ranking of named releases says which."""
    return [
        sql
        for sql in ranking_queries(sqls)
        if ("bm25" in sql or "ts_rank" in sql) and '"newsroom_pressrelease"."id" IN (' not in sql
    ]


def publish_new(make_release, editor):
    draft = make_release(title="Summit opens", status=PressRelease.Status.DRAFT, publish_at=None)
    organisation, _ = Organisation.objects.get_or_create(slug="sco", defaults={"name": "SCO"})
    draft.organisations.add(organisation)
    editing.take_step(draft, "publish", by=editor)


def edit_away(make_release, editor):
    release = PressRelease.objects.get(title="Summit 3", language="en")
    release.title = "Meeting 3"
    editing.save_release(release, by=editor)


def edit_in(make_release, editor):
    # Found in its body only: in a cut list, it ranks past the list's end.
    release = PressRelease.objects.get(title="Unrelated")
    release.body = "<p>A summit after all.</p>"
    editing.save_release(release, by=editor)


def withdraw(make_release, editor):
    release = PressRelease.objects.get(title="Summit 6", language="en")
    editing.take_step(release, "withdraw", by=editor, comment="Issued in error.")


def comes_due(make_release, monkeypatch):
    """A release saved long before the list is ranked and public only half a minute
    later; returns what moves the clock past that."""
    due = timezone.now() + datetime.timedelta(seconds=30)
    make_release(title="Summit at last", publish_at=due, updated_at=START)
    real_now = timezone.now
    return lambda: monkeypatch.setattr(
        timezone, "now", lambda: real_now() + datetime.timedelta(seconds=45)
    )


CHANGES = {
    "published": publish_new,
    "edited away": edit_away,
    "edited in": edit_in,
    "withdrawn": withdraw,
}


@pytest.mark.parametrize("kept", [1000, 30])
@pytest.mark.parametrize("change", [*CHANGES, "come due"])
def test_a_public_change_brings_the_kept_list_up_to_date_without_ranking_the_archive(
    renewed, client, make_release, make_staff, monkeypatch, settings, kept, change
):
    # With 30 kept, the list is cut: it is counted again, and read past its end.
    settings.NEWSROOM_PAGE_CACHE = False
    monkeypatch.setattr(search, "KEPT_RESULTS", kept)
    editor = make_staff("editor", "Editors")
    # Saved long ago: a change since is the test's own.
    summits(make_release, 2 * PAGE_SIZE + 5, updated_at=START)
    summits(make_release, 5, language="ru", updated_at=START)
    make_release(title="Unrelated", updated_at=START)
    due = comes_due(make_release, monkeypatch) if change == "come due" else None
    _, sqls = queries_of(client, "/search/", q="summit")
    assert full_rankings(sqls)
    if due is not None:
        due()
    else:
        CHANGES[change](make_release, editor)
    response, sqls = queries_of(client, "/search/", q="summit")
    assert ranking_queries(sqls) and full_rankings(sqls) == []
    expected = list(search_releases(PressRelease.objects.public(), "summit", "en"))
    assert response.context["paginator"].count == len(expected)
    # The kept list is the ranking's beginning: all of it, or as far as it is known.
    kept_ids = response.context["paginator"].object_list.kept["ids"]
    assert kept_ids == [release.pk for release in expected][: len(kept_ids)]
    assert len(kept_ids) == len(expected) if kept == 1000 else len(kept_ids) >= kept // 2
    assert shown(client, "summit", 3) == expected
    if change in ("published", "edited in", "come due"):
        assert len(expected) == 2 * PAGE_SIZE + 11
    else:
        assert len(expected) == 2 * PAGE_SIZE + 9


@pytest.mark.parametrize("kept", [1000, 8])
def test_each_change_is_carried_into_the_next(
    renewed, client, make_release, make_staff, monkeypatch, settings, kept
):
    settings.NEWSROOM_PAGE_CACHE = False
    monkeypatch.setattr(search, "KEPT_RESULTS", kept)
    editor = make_staff("editor", "Editors")
    summits(make_release, 12, updated_at=START)
    make_release(title="Unrelated", updated_at=START)
    client.get("/search/", {"q": "summit"})
    for change in CHANGES.values():
        change(make_release, editor)
        response, sqls = queries_of(client, "/search/", q="summit")
        # A page longer than a cut list is read past it, from the whole index.
        assert full_rankings(sqls) == [] or kept < PAGE_SIZE
        expected = list(search_releases(PressRelease.objects.public(), "summit", "en"))
        assert list(response.context["results"]) == expected
        kept_ids = response.context["paginator"].object_list.kept["ids"]
        assert kept_ids == [release.pk for release in expected][: len(kept_ids)]


def test_a_cut_list_left_short_by_its_changes_is_ranked_anew(
    renewed, client, make_release, make_staff, monkeypatch, settings
):
    monkeypatch.setattr(search, "KEPT_RESULTS", 6)
    editor = make_staff("editor", "Editors")
    ranked_once(client, make_release, settings, 12)
    # The last four of the six held are changed: what ranks below the first two, which
    # are all that is known, would be ranked again for every page.
    for release in search_releases(PressRelease.objects.public(), "summit", "en")[2:6]:
        release.correction_note = "Corrected."
        editing.save_release(release, by=editor)
    response = client.get("/search/", {"q": "summit"})
    expected = list(search_releases(PressRelease.objects.public(), "summit", "en"))
    assert list(response.context["results"]) == expected[:PAGE_SIZE]
    kept_ids = response.context["paginator"].object_list.kept["ids"]
    assert kept_ids == [release.pk for release in expected[:6]]


def test_more_changes_than_the_list_holds_rank_the_archive_anew(
    renewed, client, make_release, make_staff, monkeypatch, settings
):
    monkeypatch.setattr(search, "KEPT_RESULTS", 4)
    editor = make_staff("editor", "Editors")
    ranked_once(client, make_release, settings, 6)
    for _ in range(5):
        publish_new(make_release, editor)
    response, sqls = queries_of(client, "/search/", q="summit")
    assert full_rankings(sqls)
    assert response.context["paginator"].count == 11


def test_a_list_is_ranked_anew_every_so_often(
    renewed, client, make_release, make_staff, monkeypatch, settings
):
    monkeypatch.setattr(search, "FULL_RANKING_EVERY", datetime.timedelta(0))
    ranked_once(client, make_release, settings, 3)
    publish_new(make_release, make_staff("editor", "Editors"))
    response, sqls = queries_of(client, "/search/", q="summit")
    assert full_rankings(sqls)
    assert response.context["paginator"].count == 4


def bulk_rows(title, organisation, **fields):
    """Two rows for ``create_releases_in_bulk``: public releases titled ``title``."""
    return [
        {
            "title": f"{title} {number}",
            "slug": slugify(f"{title} {number}"),
            "lead": "Made in bulk.",
            "body": "<p>Made in bulk.</p>",
            "dateline_place": "Qingdao",
            "dateline_date": datetime.date(2020, 1, 1),
            "status": PressRelease.Status.PUBLISHED,
            "publish_at": START,
            "organisations": [organisation],
            **fields,
        }
        for number in range(2)
    ]


def test_a_change_that_names_no_release_ranks_the_archive_anew(
    renewed, client, make_release, settings
):
    ranked_once(client, make_release, settings, 3)
    # Created in bulk, and backdated: nothing says these releases changed lately.
    editor = get_user_model().objects.create_superuser("bulk", "bulk@example.org", "x")
    organisation = Organisation.objects.create(name="SCO", slug="sco")
    editing.create_releases_in_bulk(bulk_rows("Summit in bulk", organisation), by=editor)
    response, sqls = queries_of(client, "/search/", q="summit")
    assert full_rankings(sqls)
    assert response.context["paginator"].count == 5


def test_a_search_by_links_is_ranked_anew_after_every_change(
    renewed, client, make_release, make_staff, settings
):
    settings.NEWSROOM_PAGE_CACHE = False
    releases = summits(make_release, 3, updated_at=START)
    topic = Topic.objects.create(name="Security", slug="security")
    for release in releases:
        TaggedTopic.objects.create(content_object=release, tag=topic)
    client.get("/api/releases/", {"q": "summit", "topic": "security"})
    # The topic's links change without the releases: only a new ranking sees it.
    TaggedTopic.objects.filter(content_object=releases[0]).delete()
    publish_new(make_release, make_staff("editor", "Editors"))
    with CaptureQueriesContext(connection) as context:
        found = client.get("/api/releases/", {"q": "summit", "topic": "security"}).json()
    assert full_rankings([query["sql"] for query in context.captured_queries])
    assert found["count"] == 2


def test_where_ranking_named_releases_reads_every_match_a_list_is_ranked_anew(
    client, make_release, make_staff, settings
):
    ranked_once(client, make_release, settings, 3)
    publish_new(make_release, make_staff("editor", "Editors"))
    response, sqls = queries_of(client, "/search/", q="summit")
    assert bool(full_rankings(sqls)) == (connection.vendor not in search.RENEWED_ON)
    assert response.context["paginator"].count == 4


def test_a_cut_list_is_counted_again_by_the_parts_of_the_changed_releases(
    renewed, client, make_release, make_staff, monkeypatch, settings
):
    monkeypatch.setattr(search, "KEPT_RESULTS", 4)
    asked = []
    count_by_part = PressReleaseQuerySet.count_by_part

    def spied(self, parts=None):
        asked.append(parts)
        return count_by_part(self, parts)

    monkeypatch.setattr(PressReleaseQuerySet, "count_by_part", spied)
    editor = make_staff("editor", "Editors")
    ranked_once(client, make_release, settings, 12)
    for publication in range(3):
        publish_new(make_release, editor)
        response = client.get("/search/", {"q": "summit"})
        assert response.context["paginator"].count == 13 + publication
    # Counted whole when ranked, then every part once, then the parts of the releases
    # changed since (within a minute) alone.
    assert asked[0] is None and len(asked) == 3
    published = {
        release.translation_group.hex[:2]
        for release in PressRelease.objects.filter(title="Summit opens")
    }
    assert all(parts and set(parts) <= published for parts in asked[1:])


@pytest.mark.skipif(
    connection.vendor not in search.RANKED_BY_OWN_ROW, reason="Ranks here weigh the whole index."
)
@pytest.mark.parametrize("kept", [1000, 30])
def test_where_ranks_are_the_rows_own_a_renewal_ranks_the_changed_releases_alone(
    client, make_release, make_staff, monkeypatch, settings, kept
):
    monkeypatch.setattr(search, "KEPT_RESULTS", kept)
    ranked = []
    ranked_keys = SearchResults.ranked_keys

    def spied(self, queryset=None, limit=None):
        ranked.append(None if queryset is None else sorted(queryset.values_list("pk", flat=True)))
        return ranked_keys(self, queryset, limit)

    monkeypatch.setattr(SearchResults, "ranked_keys", spied)
    editor = make_staff("editor", "Editors")
    ranked_once(client, make_release, settings, 2 * PAGE_SIZE + 5)
    publish_new(make_release, editor)
    response = client.get("/search/", {"q": "summit"})
    new = PressRelease.objects.get(title="Summit opens")
    # The whole index once, then the release published alone.
    assert ranked == [None, [new.pk]]
    expected = list(search_releases(PressRelease.objects.public(), "summit", "en"))
    kept_ids = response.context["paginator"].object_list.kept["ids"]
    assert kept_ids == [release.pk for release in expected][: len(kept_ids)]
    assert response.context["paginator"].count == len(expected) == 2 * PAGE_SIZE + 6
