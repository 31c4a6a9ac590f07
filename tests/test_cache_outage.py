"""A cache that fails never fails a page or a save, and no renewal is lost to it."""

import logging

import pytest
from django.core.cache import cache as real_cache
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from newsroom.editorial import editing
from newsroom.site import cache as page_cache

from .test_admin_workflow import change_url, post_data

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connecting is refused at once.
DEAD_REDIS = {
    "default": {
        "BACKEND": "pressoffice.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}
PUBLIC_URLS = [
    "/",
    "/news/",
    "/news/release-1/",
    "/organisations/",
    "/search/?q=release",
    "/feeds/news.rss",
    "/feeds/news.atom",
    "/sitemap.xml",
    "/api/releases/",
    "/api/releases/release-1/",
    "/ru/",
]


@pytest.fixture(autouse=True)
def fresh_guard():
    page_cache.guard.reset()
    yield
    page_cache.guard.reset()


@pytest.fixture
def release(public_world, make_release):
    return public_world.attach(make_release())


def test_with_redis_down_every_public_page_is_built(client, release, caplog):
    with override_settings(CACHES=DEAD_REDIS), caplog.at_level(logging.WARNING):
        for url in PUBLIC_URLS:
            response = client.get(url)
            assert response.status_code == 200, url
    # Said once, not once per request.
    warnings = [r for r in caplog.records if "page cache is unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_with_redis_down_an_editor_saves_and_publishes(
    make_release, make_organisation, editor, login
):
    draft = make_release(status="in_review", publish_at=None)
    draft.organisations.add(make_organisation())
    with override_settings(CACHES=DEAD_REDIS):
        signed_in = login(editor)
        response = signed_in.post(change_url(draft), post_data(draft, title="Saved in an outage"))
        assert response.status_code == 302
        response = signed_in.post(change_url(draft), post_data(draft, _transition="publish"))
        assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Saved in an outage" and draft.is_public()


class FailingCache:
    """A cache whose every call fails, counting how often it was asked."""

    def __init__(self):
        self.calls = 0

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            self.calls += 1
            raise RedisConnectionError("Connection refused.")

        return fail


def test_a_dead_cache_is_asked_once_per_retry_window_not_once_per_call(
    client, release, monkeypatch
):
    failing = FailingCache()
    monkeypatch.setattr(page_cache, "cache", failing)
    for _ in range(5):
        for url in ("/", "/news/", "/api/releases/"):
            assert client.get(url).status_code == 200
    # One refused attempt; every later call within the window went straight to building.
    assert failing.calls == 1


def test_a_renewal_the_cache_missed_is_delivered_when_it_answers_again(
    client, release, editor, monkeypatch
):
    assert "Release 1" in client.get("/").content.decode()
    monkeypatch.setattr(page_cache, "cache", FailingCache())
    release.title = "Renamed while the cache was down"
    editing.save_release(release, by=editor)
    assert page_cache.guard.renewal_missed

    # The cache comes back with the page it held before the outage.
    monkeypatch.setattr(page_cache, "cache", real_cache)
    page_cache.guard.down_until = 0.0
    assert "Renamed while the cache was down" in client.get("/").content.decode()
    assert not page_cache.guard.renewal_missed


def test_a_record_changed_while_the_cache_was_down_is_on_every_card_when_it_answers(
    client, release, monkeypatch
):
    assert "OOT" in client.get("/news/").content.decode()
    monkeypatch.setattr(page_cache, "cache", FailingCache())
    organisation = release.organisations.get()
    organisation.short_name = "Renamed while the cache was down"
    organisation.save()
    assert page_cache.guard.renewal_missed

    # The cards kept before the outage were made with the organisation's old name.
    monkeypatch.setattr(page_cache, "cache", real_cache)
    page_cache.guard.down_until = 0.0
    assert "Renamed while the cache was down" in client.get("/news/").content.decode()


def test_the_redis_cache_reuses_its_client():
    from pressoffice.redis_cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/15", {})
    client = backend._cache.get_client()
    assert backend._cache.get_client() is client
    assert backend._cache.get_client(write=True) is client
