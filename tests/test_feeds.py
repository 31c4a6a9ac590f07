"""Feeds as a feed reader sees them; the sitemap and robots.txt as a crawler does."""

import datetime
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.contrib.sitemaps import Sitemap

from newsroom.models import PressRelease

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def releases(public_world, make_release):
    corrected = public_world.attach(
        make_release(
            title="Corrected release",
            body="<p>The full text of the corrected release.</p>",
            correction_note="The date of the meeting was wrong.",
        ),
        "youth",
    )
    other = make_release(
        title="Release of another organisation",
        publish_at=corrected.publish_at - datetime.timedelta(days=1),
    )
    draft = make_release(title="Draft release", status=PressRelease.Status.DRAFT, publish_at=None)
    return {"corrected": corrected, "other": other, "draft": draft}


@pytest.mark.parametrize("url", ["/feeds/news.rss", "/feeds/news.atom"])
def test_main_feeds_carry_public_releases_with_full_text_and_corrections(client, releases, url):
    feed = parse(client, url)
    assert feed.version in {"rss20", "atom10"}
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Corrected release", "Release of another organisation"]
    entry = feed.entries[0]
    full_text = entry.content[0].value if "content" in entry else entry.description
    assert "The full text of the corrected release." in full_text
    assert "The date of the meeting was wrong." in full_text
    assert entry.link.endswith("/news/release-1/")
    assert {tag.term for tag in entry.tags} == {"shared topic", "youth"}
    assert entry.published_parsed is not None


def test_atom_keeps_the_lead_as_summary(client, releases):
    entry = parse(client, "/feeds/news.atom").entries[0]
    assert entry.summary == releases["corrected"].lead


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/topics/youth.rss",
        "/feeds/topics/youth.atom",
        "/feeds/organisations/oot.rss",
        "/feeds/organisations/oot.atom",
    ],
)
def test_topic_and_organisation_feeds_carry_only_their_releases(client, releases, url):
    feed = parse(client, url)
    assert [entry.title for entry in feed.entries] == ["Corrected release"]


def test_unknown_topic_or_organisation_feed_answers_404(client, releases):
    assert client.get("/feeds/topics/no-such-topic.rss").status_code == 404
    assert client.get("/feeds/organisations/no-such-organisation.atom").status_code == 404


def sitemap_locations(client, url="/sitemap.xml"):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return root, {
        node.find("sm:loc", SITEMAP_NS).text: node.find("sm:lastmod", SITEMAP_NS)
        for node in root.findall("sm:url", SITEMAP_NS)
    }


def test_sitemap_lists_public_releases_with_lastmod_and_the_public_pages(client, releases):
    root, locations = sitemap_locations(client)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    release_url = "http://testserver/news/release-1/"
    assert release_url in locations
    assert locations[release_url].text.startswith(f"{releases['corrected'].updated_at:%Y-%m-%d}")
    for path in ["/", "/organisations/oot/", "/people/ada-holder/", "/documents/memorandum/",
                 "/topics/youth/"]:  # fmt: skip
        assert f"http://testserver{path}" in locations
    assert "http://testserver/news/release-3/" not in locations


def test_the_sitemap_is_the_text_djangos_own_template_writes(client, releases, settings):
    """The site's sitemap template is Django's, rewritten to render faster: every
    section, in whole and in parts, reads the same, days of last change included in a
    time zone where the day differs from UTC's."""
    from django.contrib.sitemaps import views as sitemap_views
    from django.template import loader
    from django.test import RequestFactory

    from newsroom.site.sitemaps import SITEMAPS

    settings.TIME_ZONE = "Pacific/Kiritimati"
    stock = loader.get_template("sitemap.xml")
    written = {}
    for path, section in [("/sitemap.xml", None), ("/sitemap-releases.xml", "releases")]:
        request = RequestFactory().get(path)
        urls = sitemap_views.sitemap(request, SITEMAPS, section=section).context_data["urlset"]
        written[path] = client.get(path).content.decode()
        assert written[path] == stock.render({"urlset": urls}), path
        assert "<lastmod>" in written[path]
    assert "<xhtml:link" in written["/sitemap.xml"]


def test_a_day_of_last_change_is_written_as_the_date_filter_writes_it(settings):
    from django.template import Context, Template
    from django.utils import timezone

    from newsroom.site.sitemaps import day_written

    settings.TIME_ZONE = "America/Anchorage"
    late = datetime.datetime(2024, 3, 1, 5, 0, tzinfo=datetime.UTC)
    values = [late, late.replace(tzinfo=None), datetime.date(987, 6, 5), None]
    template = Template('{{ value|date:"Y-m-d" }}')
    with timezone.override("America/Anchorage"):
        for value in values:
            assert (day_written(value) or "") == template.render(Context({"value": value}))
    assert day_written(late) == "2024-02-29"


def test_sitemap_becomes_an_index_beyond_its_url_limit(client, releases, monkeypatch):
    monkeypatch.setattr(Sitemap, "limit", 2)
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [
        node.find("sm:loc", SITEMAP_NS).text for node in root.findall("sm:sitemap", SITEMAP_NS)
    ]
    assert "http://testserver/sitemap-releases.xml" in parts
    listed = set()
    for part in parts:
        listed |= set(sitemap_locations(client, part.removeprefix("http://testserver"))[1])
    assert "http://testserver/news/release-1/" in listed
    assert "http://testserver/news/release-2/" in listed
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-releases.xml?p=99").status_code == 404


def test_the_sitemap_index_dates_the_releases_by_their_newest_change(client, releases, monkeypatch):
    from newsroom.site.sitemaps import ReleaseSitemap

    monkeypatch.setattr(Sitemap, "limit", 2)
    expected = max(
        max(release.updated_at, release.publish_at) for release in PressRelease.objects.public()
    )
    assert ReleaseSitemap().get_latest_lastmod() == expected
    root = ET.fromstring(client.get("/sitemap.xml").content)
    [releases_part] = [
        node
        for node in root.findall("sm:sitemap", SITEMAP_NS)
        if node.find("sm:loc", SITEMAP_NS).text == "http://testserver/sitemap-releases.xml"
    ]
    lastmod = releases_part.find("sm:lastmod", SITEMAP_NS).text
    assert lastmod.startswith(expected.date().isoformat())


def test_a_sitemap_built_again_counts_no_section(
    client, releases, make_release, editor, monkeypatch, settings
):
    """The sections are counted once per content version: the index asks each for its
    number of pages, and a section's file checks the page asked for."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.NEWSROOM_PAGE_CACHE = False
    monkeypatch.setattr(Sitemap, "limit", 2)
    third = make_release(title="A third release")
    client.get("/sitemap.xml")
    for path in ("/sitemap.xml", "/sitemap-releases.xml", "/sitemap-releases.xml?p=2"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        assert not [query for query in queries if "SELECT COUNT(" in query["sql"]], path
    # Two releases left: the count of the new content version has no second page.
    third.withdraw(editor, comment="Issued in error.")
    assert client.get("/sitemap-releases.xml?p=2").status_code == 404


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /search/" in response.content.decode()


def test_sitemap_keeps_its_headers_when_served_from_the_cache(client, releases):
    first = client.get("/sitemap.xml")
    second = client.get("/sitemap.xml")
    for response in (first, second):
        assert response["Content-Type"].startswith("application/xml")
        assert response["X-Robots-Tag"].startswith("noindex")


# The feeds page


def feed_page_links(page):
    return re.findall(r'<a href="([^"]+)" type="application/(?:rss|atom)\+xml">', page)


def test_feeds_page_lists_every_feed_with_its_full_address(client, releases, make_organisation):
    hidden = make_organisation(name="Hidden body", slug="hidden-body")
    response = client.get("/feeds/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Feeds</h1>" in page and "A feed is a list of the latest releases" in page
    links = feed_page_links(page)
    for path in [
        "/feeds/news.rss",
        "/feeds/news.atom",
        "/ru/feeds/news.rss",
        "/ru/feeds/news.atom",
        "/zh-hans/feeds/news.rss",
        "/zh-hans/feeds/news.atom",
        "/feeds/topics/youth.rss",
        "/feeds/topics/shared-topic.atom",
        "/feeds/organisations/oot.rss",
        "/feeds/organisations/oot.atom",
    ]:
        assert f"http://testserver{path}" in links, path
    # The address shown is the address linked, whole.
    shown = re.sub(r"<wbr>", "", page)
    assert ">http://testserver/feeds/topics/youth.rss</a>" in shown
    assert hidden.slug not in page and "draft" not in page.lower()
    # Every address listed is a feed that answers.
    for link in links:
        parse(client, link.removeprefix("http://testserver"))


@pytest.mark.parametrize(
    "prefix, title, own, others",
    [
        ("", "Feeds", "/feeds/news.rss", ["/ru/feeds/news.rss", "/zh-hans/feeds/news.rss"]),
        ("/ru", "Ленты новостей", "/ru/feeds/news.rss", ["/feeds/news.rss", "/zh-hans/feeds/news.rss"]),
        ("/zh-hans", "订阅源", "/zh-hans/feeds/news.rss", ["/feeds/news.rss", "/ru/feeds/news.rss"]),
    ],
)  # fmt: skip
def test_feeds_page_speaks_its_language_and_offers_the_others(
    client, releases, prefix, title, own, others
):
    page = client.get(f"{prefix}/feeds/").content.decode()
    assert f"<h1>{title}</h1>" in page
    own_section, languages = page.split('id="language-feeds-heading"')
    assert feed_page_links(own_section) == [
        f"http://testserver{own}",
        f"http://testserver{own.replace('.rss', '.atom')}",
    ]
    in_other_languages = [link for link in feed_page_links(languages) if "/news." in link]
    assert in_other_languages == [
        f"http://testserver{path}{suffix}"
        for path in (other.removesuffix(".rss") for other in others)
        for suffix in (".rss", ".atom")
    ]


def test_menu_and_footer_lead_to_the_feeds_page_not_to_raw_xml(client, releases):
    for prefix in ("", "/ru", "/zh-hans"):
        page = client.get(f"{prefix}/").content.decode()
        menu = page.split('<nav aria-label="')[1].split("</nav>")[0]
        assert f'href="{prefix}/feeds/"' in menu, prefix
        assert "news.rss" not in menu and "news.atom" not in menu, prefix
        footer = page.split('<footer class="site-footer">')[1]
        assert f'href="{prefix}/feeds/"' in footer, prefix


def test_feeds_page_without_releases_still_offers_the_news_feed(client, db):
    page = client.get("/feeds/").content.decode()
    assert "http://testserver/feeds/news.rss" in feed_page_links(page)
    assert 'id="topic-feeds-heading"' not in page
    assert 'id="organisation-feeds-heading"' not in page


def test_sitemap_lists_the_feeds_page(client, releases):
    _root, locations = sitemap_locations(client)
    assert "http://testserver/feeds/" in locations


def test_robots_txt_does_not_name_the_admin_and_keeps_one_record(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "admin" not in text
    # A blank line would end the record and leave the rules that follow without a crawler.
    assert "\n\n" not in text.strip()
    assert "Disallow: /preview/" in text


# Authorship


@pytest.mark.parametrize(
    "prefix, author", [("", "Press office"), ("/ru", "Пресс-служба"), ("/zh-hans", "新闻办公室")]
)
@pytest.mark.parametrize(
    "url", ["/feeds/news.atom", "/feeds/topics/youth.atom", "/feeds/organisations/oot.atom"]
)
def test_atom_feeds_name_the_press_office_as_author(client, releases, prefix, author, url):
    feed = parse(client, prefix + url)
    assert feed.feed.author_detail.name == author
    assert feed.entries and all(entry.author_detail.name == author for entry in feed.entries)


@pytest.mark.parametrize("prefix, author", [("", "Press office"), ("/ru", "Пресс-служба")])
@pytest.mark.parametrize("url", ["/feeds/news.rss", "/feeds/organisations/oot.rss"])
def test_rss_items_name_the_press_office_as_creator(client, releases, prefix, author, url):
    response = client.get(prefix + url)
    root = ET.fromstring(response.content)
    creators = [node.text for node in root.iter("{http://purl.org/dc/elements/1.1/}creator")]
    assert creators and set(creators) == {author}
    # RSS's own <author> must be an e-mail address, which the office does not publish.
    assert root.find("channel/item/author") is None
    assert all(entry.author == author for entry in parse(client, prefix + url).entries)
