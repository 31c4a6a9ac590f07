"""What a request can make the site do: its method, and the host and scheme it names."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.test import Client, RequestFactory, override_settings

from pressoffice.security import client_ip

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
URLS = ["/", "/news/", "/feeds/news.rss", "/api/releases/", "/sitemap.xml", "/admin/login/"]


@pytest.fixture
def release(public_world, make_release):
    return public_world.attach(make_release(title="Leaders meet"))


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO", "BREW"])
@pytest.mark.parametrize("url", [*URLS, "/static/css/site.css", "/no/such/page/"])
def test_trace_and_unknown_methods_answer_405_everywhere(client, release, method, url):
    response = client.generic(method, url)
    assert response.status_code == 405
    assert "TRACE" not in response["Allow"] and "GET" in response["Allow"]


@pytest.mark.parametrize("url", URLS)
def test_known_methods_still_reach_the_site(client, release, url):
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200


def api_urls(client, **headers):
    data = client.get("/api/releases/", headers=headers).json()
    return [item["url"] for item in data["results"]]


SITE = {"SITE_URL": "https://news.example.org", "ALLOWED_HOSTS": ["news.example.org", "localhost"]}


@override_settings(**SITE)
def test_with_a_site_url_absolute_urls_name_the_public_address(client, release):
    assert api_urls(client, host="localhost") == ["https://news.example.org/news/release-1/"]
    assert api_urls(client, host="localhost", x_forwarded_proto="http") == [
        "https://news.example.org/news/release-1/"
    ]
    feed = feedparser.parse(client.get("/feeds/news.atom", headers={"host": "localhost"}).content)
    assert feed.entries[0].link == "https://news.example.org/news/release-1/"
    rss = feedparser.parse(client.get("/ru/feeds/news.rss", headers={"host": "localhost"}).content)
    assert rss.feed.link == "https://news.example.org/ru/news/"
    sitemap = ET.fromstring(client.get("/sitemap.xml", headers={"host": "localhost"}).content)
    locations = [loc.text for loc in sitemap.findall(".//sm:loc", SITEMAP_NS)]
    assert locations and all(loc.startswith("https://news.example.org/") for loc in locations)
    robots = client.get("/robots.txt", headers={"host": "localhost"}).content.decode()
    assert "Sitemap: https://news.example.org/sitemap.xml" in robots


@override_settings(**SITE)
def test_with_a_site_url_other_hosts_are_still_refused(client, release):
    assert client.get("/api/releases/", headers={"host": "evil.example"}).status_code == 400


@override_settings(**SITE)
def test_with_a_site_url_forms_keep_the_host_they_were_posted_to(editor):
    # CSRF compares the browser's Origin with the host the form was really posted to.
    browser = Client(enforce_csrf_checks=True, headers={"host": "localhost"})
    browser.get("/admin/login/")
    response = browser.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": "secret-pass-123",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
        headers={"origin": "http://localhost"},
    )
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (False, "203.0.113.9", "192.0.2.1"),
        (True, "203.0.113.9", "203.0.113.9"),
        # Only the entry the proxy added counts; the client wrote the ones before it.
        (True, "198.51.100.7, 203.0.113.9", "203.0.113.9"),
        (True, "not an address", "192.0.2.1"),
        (True, "", "192.0.2.1"),
    ],
)
def test_the_sign_in_address_is_read_from_the_proxy_only_when_trusted(trusted, forwarded, expected):
    request = RequestFactory().post(
        "/admin/login/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    with override_settings(TRUSTED_PROXY=trusted):
        assert client_ip(request) == expected
