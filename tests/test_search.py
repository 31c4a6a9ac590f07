"""Full-text search: ranked, highlighted, public only, calm with odd queries, on either database."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.models import PressRelease
from newsroom.site.search import SearchResults, highlight, query_terms, search_releases

pytestmark = pytest.mark.django_db


def results(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response


def test_search_finds_words_in_title_lead_and_body(make_release):
    in_title = make_release(title="Counterterrorism cooperation expands")
    in_lead = make_release(lead="Ministers discussed counterterrorism today.")
    in_body = make_release(body="<p>A long text that mentions counterterrorism once.</p>")
    make_release(title="Unrelated trade news")
    found = list(search_releases(PressRelease.objects.public(), "counterterrorism"))
    assert set(found) == {in_title, in_lead, in_body}
    # A match in the title outranks one in the lead, which outranks one in the body.
    assert found == [in_title, in_lead, in_body]


def test_every_word_must_match_and_prefixes_count(make_release):
    both = make_release(title="Youth appeal adopted", body="<p>Signed in Qingdao.</p>")
    make_release(title="Youth festival")
    assert list(search_releases(PressRelease.objects.public(), "youth qingd")) == [both]


def test_search_reads_no_html_markup_as_words(make_release):
    release = make_release(body="<p><strong>Security</strong> council</p>")
    assert list(search_releases(PressRelease.objects.public(), "security council")) == [release]


def test_search_sees_edits_and_deletions_at_once(make_release):
    release = make_release(title="Old heading")
    release.title = "Fresh heading"
    release.save()
    everything = PressRelease.objects.all()
    assert list(search_releases(everything, "fresh")) == [release]
    assert not search_releases(everything, "old").exists()
    draft = make_release(title="Unwanted draft", status="draft", publish_at=None)
    assert list(search_releases(everything, "unwanted")) == [draft]
    draft.delete()
    assert not search_releases(everything, "unwanted").exists()


def test_sqlite_reads_what_it_asks_of_each_match_from_an_index(make_release):
    """A release's row holds its text: read for each match, a word found in every
    release took nearly three times as long to rank and count."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's full-text search")
    ranked = make_release(title="Cooperation expands", language="ru")
    make_release(body="<p>Cooperation.</p>")
    make_release(title="Cooperation draft", status="draft", publish_at=None)
    results = SearchResults(PressRelease.objects.public(), "cooperation", "en", scope="test")
    with CaptureQueriesContext(connection) as context:
        assert len(list(results.ranked_ids())) == results.matches().count() == 2
    with connection.cursor() as cursor:
        for ranked_or_counted in context.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + ranked_or_counted["sql"])
            plan = " ".join(str(step) for step in cursor.fetchall())
            # Through the index alone at scale; with statistics of a few rows SQLite
            # may read the rows as well, but finds them through the index.
            assert "INDEX newsroom_pr_search_rows_idx" in plan
            assert "INTEGER PRIMARY KEY" not in plan
    # The index reads the same for a search inside another query, as the API's are.
    nested = PressRelease.objects.filter(pk__in=results.matches().values("pk"))
    assert ranked in nested and nested.count() == 2


def test_search_page_lists_only_public_releases(client, make_release):
    make_release(title="Visible summit news")
    make_release(title="Hidden summit draft", status=PressRelease.Status.DRAFT, publish_at=None)
    page = results(client, "summit").content.decode()
    assert "Visible <mark>summit</mark> news" in page
    assert "Hidden" not in page
    assert "1 release found." in page


def test_search_page_highlights_matches_in_a_snippet(client, make_release):
    make_release(
        title="Meeting in Qingdao",
        lead="The Secretary-General met officials.",
        body="<p>" + "Filler words here. " * 30 + "They discussed drug trafficking at length.</p>",
    )
    page = results(client, "trafficking").content.decode()
    assert "<mark>trafficking</mark> at length" in page
    assert "…" in page


def test_snippets_escape_text_that_looks_like_markup(make_release):
    snippet = highlight("<p>Compare a &lt;b&gt; b: tags</p>", ["tags"])
    assert "&lt;b&gt;" in snippet
    assert "<b>" not in snippet
    assert "<mark>tags</mark>" in snippet


def test_cyrillic_words_are_found_and_highlighted(client, make_release):
    make_release(title="Встреча генеральных секретарей", language="ru")
    page = results(client, "Встреча").content.decode()
    assert "<mark>Встреча</mark>" in page


def test_chinese_text_is_found_by_substring(client, make_release):
    make_release(title="上海合作组织秘书长会见独联体和集安组织负责人", language="zh-hans")
    page = results(client, "秘书长").content.decode()
    assert "<mark>秘书长</mark>" in page


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "***",
        '"',
        "'",
        "NEAR(",
        "a AND OR NOT",
        "title:x",
        "-x",
        "\\",
        "x" * 5000,
        " ".join(f"word{n}" for n in range(300)),
        "%_%",
        "\x00",
        "<script>alert(1)</script>",
    ],
)
def test_odd_queries_answer_calmly(client, make_release, query):
    make_release(title="A release")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get("/api/releases/", {"q": query}).status_code == 200


def test_empty_query_shows_no_results_and_asks_for_words(client, make_release):
    make_release(title="A release")
    page = results(client, "  ").content.decode()
    assert "release-card" not in page
    assert "Type a word or two" in page


def test_query_terms_are_bounded():
    assert query_terms("A a B, c!") == ["a", "b", "c"]
    assert len(query_terms(" ".join(f"w{n}" for n in range(100)))) == 8


def test_search_results_paginate_and_bad_pages_answer_404(client, make_release):
    for number in range(25):
        make_release(title=f"Summit number {number}")
    assert "Page 1 of 2" in results(client, "summit").content.decode()
    assert client.get("/search/", {"q": "summit", "page": 2}).status_code == 200
    assert client.get("/search/", {"q": "summit", "page": 9}).status_code == 404
    assert client.get("/search/", {"q": "summit", "page": "x"}).status_code == 404


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=300))
def test_any_text_is_a_safe_query(make_release, text):
    make_release(slug=f"release-{uuid.uuid4().hex}", title="Fixed title")
    found = list(search_releases(PressRelease.objects.public(), text))
    assert all(release.is_public() for release in found)
    if not query_terms(text):
        assert found == []
