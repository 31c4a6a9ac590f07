"""The public page cache: what one request caches must not depend on the host or scheme it named."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from newsroom.site.cache import page_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(public_world, make_release):
    return public_world.attach(make_release(title="Leaders meet"))


def api_urls(client, **headers):
    data = client.get("/api/releases/", headers=headers).json()
    return [item["url"] for item in data["results"]]


def test_a_foreign_host_or_scheme_does_not_change_what_later_readers_get(client, release):
    # Not behind a trusted proxy: X-Forwarded-Proto is the client's word, and means nothing.
    assert api_urls(client, host="localhost", x_forwarded_proto="https") == [
        "http://localhost/news/release-1/"
    ]
    assert api_urls(client) == ["http://testserver/news/release-1/"]


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_trusted_proxy_each_scheme_is_cached_apart(client, release):
    https = api_urls(client, host="testserver", x_forwarded_proto="https")
    assert https == ["https://testserver/news/release-1/"]
    assert api_urls(client) == ["http://testserver/news/release-1/"]


@override_settings(ALLOWED_HOSTS=["*"])
def test_only_hosts_that_allowed_hosts_names_are_cached(client, release):
    factory = RequestFactory()
    client.get("/api/releases/", headers={"host": "anything.example"})
    foreign = factory.get("/api/releases/", HTTP_HOST="anything.example")
    assert cache.get(page_key(foreign)) is None
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client.get("/api/releases/")
        assert cache.get(page_key(factory.get("/api/releases/"))) is not None
