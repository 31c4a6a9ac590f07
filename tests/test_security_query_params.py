"""Whatever a query string holds, no public URL answers 500."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.demo import SEED_SLUG

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/news/",
    "/news/2018/",
    "/news/2018/06/",
    f"/news/{SEED_SLUG}/",
    "/news/sample-withdrawn-release/",
    "/topics/youth/",
    "/organisations/",
    "/organisations/sco/",
    "/people/sergei-lebedev/",
    "/documents/memorandum-of-understanding-sco-cis/",
    "/search/",
    "/feeds/news.rss",
    "/feeds/news.atom",
    "/feeds/topics/youth.rss",
    "/feeds/organisations/sco.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/api/releases/",
    f"/api/releases/{SEED_SLUG}/",
    "/api/organisations/",
    "/ru/news/",
    "/zh-hans/search/",
]
# The parameters the pages read, and some they do not.
NAMES = ["q", "page", "year", "month", "kind", "topic", "organisation", "language", "p", "x"]

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
    st.sampled_from(
        [
            "0",
            "0000",
            "-1",
            "13",
            "99999999999999999999999",
            "1e309",
            "NaN",
            "\x00",
            "\x00abc",
            "2018\x00",
            "' OR 1=1 --",
            "%",
            "..",
            "\ud800",
            "\uffff",
            "a" * 5000,
        ]
    ),
)
# Percent-escapes that decode to bytes which are not UTF-8.
invalid_utf8 = st.binary(min_size=1, max_size=8).map(
    lambda data: "".join(f"%{byte:02X}" for byte in data)
)


def encode(value):
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from(PUBLIC_URLS),
    params=st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.one_of(hostile_text.map(encode), invalid_utf8),
        ),
        max_size=4,
    ),
)
def test_no_query_string_makes_a_public_url_fail(demo, client, url, params):
    query = "&".join(f"{name}={value}" for name, value in params)
    response = client.get(f"{url}?{query}")
    assert response.status_code < 500, (url, query, response.status_code)


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize(
    "query",
    ["q=%00", "page=%00", "year=%FF%FE", "q=%C0%AF", "page=99999999999999999999", "year=0000"],
)
def test_each_public_url_refuses_the_usual_suspects_without_failing(demo, client, url, query):
    assert client.get(f"{url}?{query}").status_code < 500
