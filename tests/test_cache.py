"""Cached public pages: conditional GET, and never a stale page after a change."""

import datetime
from unittest import mock

import pytest
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from newsroom.editorial import editing
from newsroom.models import Document, Organisation, Person
from newsroom.site import cache as page_cache

pytestmark = pytest.mark.django_db


def test_pages_carry_etag_and_last_modified_and_answer_304(client, make_release):
    make_release(title="Cached release")
    first = client.get("/")
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get("/", HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/news/release-1/", "/feeds/news.rss", "/api/releases/", "/sitemap.xml", "/search/?q=release"],
)
def test_every_kind_of_public_response_answers_conditional_gets(client, make_release, url):
    make_release()
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("url", ["/", "/news/release-1/", "/feeds/news.rss", "/api/releases/"])
def test_a_page_from_the_cache_is_sent_as_when_it_was_built(client, make_release, url):
    make_release()
    built, kept = client.get(url), client.get(url)
    assert kept.content == built.content
    assert dict(kept.items()) | {"X-Request-ID": ""} == dict(built.items()) | {"X-Request-ID": ""}
    assert kept["Cache-Control"] == "public, max-age=0"
    # Content-Language, Vary and X-Frame-Options come from middleware a hit skips.
    assert {"ETag", "Last-Modified", "Content-Type", "Content-Language"} <= set(kept.headers)
    assert {"Vary", "X-Frame-Options", "Content-Security-Policy"} <= set(kept.headers)


def test_a_readers_language_does_not_decide_what_the_next_reader_gets(client, make_release):
    make_release()
    client.get("/news/", headers={"accept-language": "ru"})
    client.cookies["django_language"] = "zh-hans"
    assert '<html lang="en">' in client.get("/news/").content.decode()
    assert '<html lang="ru">' in client.get("/ru/news/").content.decode()


def test_paths_of_no_cached_page_are_not_asked_of_the_cache_again(client, make_release):
    make_release()
    with mock.patch.object(
        page_cache, "state_and_page", wraps=page_cache.state_and_page
    ) as looked_up:
        for path in ["/robots.txt", "/no-such-page/", "/robots.txt", "/no-such-page/"]:
            client.get(path)
        assert looked_up.call_count == 2
        client.get("/news/release-1/")
        client.get("/news/release-1/")
        client.get("/news/no-such-release/")
        client.get("/news/no-such-release/")
        # A cached page's view that finds nothing at its path may find something later.
        assert looked_up.call_count == 6


def test_the_kept_cache_control_is_what_django_writes():
    response = HttpResponse()
    patch_cache_control(response, public=True, max_age=page_cache.BROWSER_MAX_AGE)
    assert response["Cache-Control"] == page_cache.CACHE_CONTROL


def test_an_edit_shows_at_once_and_changes_the_etag(client, make_release):
    release = make_release(title="First title")
    first = client.get(release.get_absolute_url())
    assert "First title" in first.content.decode()
    release.title = "Second title"
    editing.save_release(release, by=None)
    second = client.get(release.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "Second title" in second.content.decode()
    assert "Second title" in client.get("/").content.decode()
    assert "Second title" in client.get("/feeds/news.rss").content.decode()


def test_a_new_topic_shows_at_once(client, make_release):
    release = make_release()
    client.get(release.get_absolute_url())
    editing.save_release(release, by=None, links=[editing.topics(["desertification"])])
    assert "desertification" in client.get(release.get_absolute_url()).content.decode()


def test_renaming_a_topic_shows_at_once(client, make_release):
    release = make_release()
    release.tags.add("desertification")
    client.get(release.get_absolute_url())
    tag = release.tags.get()
    tag.name = "land degradation"
    tag.save()
    assert "land degradation" in client.get(release.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("model", "field", "url"),
    [
        (Organisation, "name", "/organisations/oot/"),
        (Person, "name", "/people/ada-holder/"),
        (Document, "title", "/documents/memorandum/"),
    ],
)
def test_editing_an_organisation_person_or_document_refreshes_pages(
    client, public_world, make_release, model, field, url
):
    release = public_world.attach(make_release())
    client.get(url)
    client.get(release.get_absolute_url())
    record = model.objects.get()
    setattr(record, field, "Renamed Record")
    record.save()
    assert "Renamed Record" in client.get(url).content.decode()
    assert "Renamed Record" in client.get(release.get_absolute_url()).content.decode()


def test_a_scheduled_release_appears_when_due_without_any_save(client, make_release):
    now = timezone.now()
    make_release(title="Out already", publish_at=now - datetime.timedelta(hours=1))
    make_release(title="Embargoed until noon", publish_at=now + datetime.timedelta(hours=1))
    before = client.get("/")
    assert "Embargoed until noon" not in before.content.decode()
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(hours=2)):
        after = client.get("/", HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200
        assert "Embargoed until noon" in after.content.decode()
        assert "Embargoed until noon" in client.get("/feeds/news.rss").content.decode()


def test_pages_are_cached_per_language(client, make_release):
    make_release()
    english = client.get("/").content.decode()
    russian = client.get("/ru/").content.decode()
    assert '<html lang="en">' in english
    assert '<html lang="ru">' in russian


def test_query_strings_are_cached_separately(client, make_release):
    make_release(title="Press release item", kind="press_release")
    make_release(title="Statement item", kind="statement")
    statements = client.get("/news/", {"kind": "statement"}).content.decode()
    releases = client.get("/news/", {"kind": "press_release"}).content.decode()
    assert "Statement item" in statements and "Press release item" not in statements
    assert "Press release item" in releases and "Statement item" not in releases


def test_not_found_pages_are_not_cached(client, make_release):
    assert client.get("/news/later-release/").status_code == 404
    make_release(slug="later-release")
    assert client.get("/news/later-release/").status_code == 200
