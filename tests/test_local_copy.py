"""Each process's copy of the version state and of the pages it served last.

A hit served from the copy asks Redis nothing; a change announced by any process
empties every copy at once; a process that cannot hear announcements asks Redis
every time; the copy stays within its budget.
"""

import os
import time

import pytest
import redis
from django.db.models import F
from django.test import override_settings

from newsroom.models import PressRelease
from newsroom.site import cache as page_cache

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
REDIS_CACHE = {
    "default": {
        "BACKEND": "pressoffice.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "local-copy-tests",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}


def wait_for(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def shared_cache():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.25).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"No Redis at {REDIS_URL}.")
    with override_settings(CACHES=REDIS_CACHE):
        from django.core.cache import cache

        cache.clear()
        page_cache.guard.reset()
        page_cache.local_copy.start(REDIS_URL)
        assert wait_for(lambda: page_cache.local_copy.live), "the copy never heard the channel"
        yield cache
        cache.clear()
    page_cache.local_copy.forget()


class CountingCache:
    """The cache, counting the calls made to it."""

    def __init__(self, cache):
        self.cache = cache
        self.calls = []

    def __getattr__(self, name):
        attribute = getattr(self.cache, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def counted(*args, **kwargs):
            self.calls.append(name)
            return attribute(*args, **kwargs)

        return counted


@pytest.fixture
def release(public_world, make_release):
    return public_world.attach(make_release(title="Before the change"))


def test_a_page_served_again_asks_redis_nothing(client, shared_cache, release, monkeypatch):
    # The first request starts the content version, the second keeps it.
    assert "Before the change" in client.get("/").content.decode()
    client.get("/")
    counting = CountingCache(shared_cache)
    monkeypatch.setattr(page_cache, "cache", counting)
    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 200
        assert "Before the change" in response.content.decode()
    assert counting.calls == []
    # Another address is read from Redis (and built) once, then kept too.
    client.get("/news/")
    assert counting.calls[0] == "get_many" and "set" in counting.calls
    built = len(counting.calls)
    client.get("/news/")
    assert len(counting.calls) == built


def another_process_announces_a_change(shared_cache):
    """What ``invalidate_public_pages`` does from a process other than this one."""
    other = redis.Redis.from_url(REDIS_URL)
    other.delete(shared_cache.make_key(page_cache.STATE_KEY))
    database = other.connection_pool.connection_kwargs.get("db", 0)
    other.publish(f"{shared_cache.make_key(page_cache.CHANGES_CHANNEL)}:{database}", b"changed")


def test_a_change_announced_by_another_process_empties_the_copy(client, shared_cache, release):
    assert "Before the change" in client.get("/").content.decode()
    # A change that reaches the database but no announcement: the copy keeps the page.
    PressRelease.objects.filter(pk=release.pk).update(title="After the change")
    assert "Before the change" in client.get("/").content.decode()
    another_process_announces_a_change(shared_cache)
    assert wait_for(lambda: page_cache.local_copy.state is None)
    assert "After the change" in client.get("/").content.decode()


def test_a_change_saved_here_shows_at_once(client, shared_cache, release, editor):
    from newsroom.editorial import editing

    assert "Before the change" in client.get("/").content.decode()
    release.title = "After the change"
    editing.save_release(release, by=editor)
    # No wait: the process that saved has emptied its own copy already.
    assert "After the change" in client.get("/").content.decode()


def test_without_the_subscription_every_hit_asks_redis(client, shared_cache, release, monkeypatch):
    client.get("/")
    other = redis.Redis.from_url(REDIS_URL)
    # The server drops the copy's subscription, as a restart or a network fault would.
    other.client_kill_filter(_type="pubsub")
    assert wait_for(lambda: not page_cache.local_copy.live)
    counting = CountingCache(shared_cache)
    monkeypatch.setattr(page_cache, "cache", counting)
    client.get("/")
    client.get("/")
    assert counting.calls == ["get_many", "get_many"]


def test_the_copy_keeps_pages_within_its_budget(client, shared_cache, public_world, make_release):
    for number in range(5):
        public_world.attach(make_release(slug=f"kept-{number}"))
    page_size = len(client.get("/news/kept-0/").content)
    # Room for eight pages, each well within the largest share one page may take.
    budget = page_size * 8 + page_size // 2
    with override_settings(NEWSROOM_LOCAL_PAGE_BYTES=budget):
        for number in range(5):
            client.get(f"/news/kept-{number}/")
            client.get(f"/news/kept-{number}/?again")
        assert 0 < page_cache.local_copy.page_bytes <= budget
        assert len(page_cache.local_copy.pages) < 10


def test_what_pages_share_is_kept_too(client, shared_cache, release, monkeypatch, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    client.get("/news/")
    client.get("/news/")
    counting = CountingCache(shared_cache)
    monkeypatch.setattr(page_cache, "cache", counting)
    # The count, the filters and the cards of the list come from the process's copy.
    assert "Before the change" in client.get("/news/").content.decode()
    assert counting.calls == []
    another_process_announces_a_change(shared_cache)
    assert wait_for(lambda: page_cache.local_copy.state is None)
    # As the write path saves it: a new version of the release's row.
    PressRelease.objects.filter(pk=release.pk).update(
        title="After the change", version=F("version") + 1
    )
    assert "After the change" in client.get("/news/").content.decode()
