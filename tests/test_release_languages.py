"""The public site in the release's language: datelines, the language links, hreflang,
per-language lists and feeds, the sitemap's alternates and the API's languages."""

import datetime
import json
import re
import uuid
from xml.etree import ElementTree

import feedparser
import pytest
from django.utils import timezone

from newsroom.models import Document, Organisation, Person, PressRelease

pytestmark = pytest.mark.django_db

PREFIXES = {"en": "", "ru": "/ru", "zh-hans": "/zh-hans"}
MENU = {"en": ">Organisations</a>", "ru": ">Организации</a>", "zh-hans": ">组织</a>"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
DAY = datetime.date(2018, 6, 9)


def text(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


@pytest.fixture
def versions(make_release):
    """One release in three languages, and a release in English only."""
    group = uuid.uuid4()
    english = make_release(
        title="Summit in Qingdao", slug="summit", translation_group=group, dateline_date=DAY
    )
    russian = make_release(
        title="Саммит в Циндао",
        slug="sammit",
        language="ru",
        dateline_place="Циндао",
        translation_group=group,
        dateline_date=DAY,
    )
    chinese = make_release(
        title="青岛峰会",
        slug="fenghui",
        language="zh-hans",
        dateline_place="青岛",
        translation_group=group,
        dateline_date=DAY,
    )
    alone = make_release(title="Only in English", slug="alone", dateline_date=DAY)
    return {"en": english, "ru": russian, "zh-hans": chinese, "alone": alone}


def switcher(page):
    footer = page.split('<footer class="site-footer">')[1]
    return dict(
        (language, (url, name))
        for url, language, name in re.findall(
            r'<a href="([^"]*)" lang="([^"]+)" hreflang="[^"]+"[^>]*>([^<]+)</a>', footer
        )
    )


def head_alternates(page):
    head = page.split("</head>")[0]
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head)


# Every page, every language


def public_pages():
    release = PressRelease.objects.public().first()
    topic = PressRelease.objects.public().topics().first()
    return [
        "/",
        "/news/",
        f"/news/{release.dateline_date:%Y}/",
        f"/news/{release.dateline_date:%Y/%m}/",
        f"/news/{release.slug}/",
        f"/topics/{topic.slug}/",
        "/organisations/",
        Organisation.objects.public().first().get_absolute_url(),
        Person.objects.public().first().get_absolute_url(),
        Document.objects.public().first().get_absolute_url(),
        "/search/?q=sco",
        "/feeds/",
    ]


@pytest.mark.parametrize("language", PREFIXES)
def test_every_public_page_answers_in_each_language(client, demo, language):
    prefix = PREFIXES[language]
    for path in public_pages():
        if language != "en":
            path = path if path.startswith(prefix + "/") else prefix + path
        page = text(client, path)
        assert f'<html lang="{language}">' in page, path
        assert MENU[language] in page, path
        # Every page names itself in the other languages and leads there; a
        # release names its versions (test_a_release_names_its_public_versions).
        if "/news/" + PressRelease.objects.public().first().slug not in path:
            assert [code for code, _url in head_alternates(page)] == list(PREFIXES), path
        assert set(switcher(page)) == set(PREFIXES), path


# The dateline


@pytest.mark.parametrize("prefix", PREFIXES.values())
def test_the_dateline_is_in_the_releases_language_whatever_the_page(client, versions, prefix):
    assert "QINGDAO, 9 June 2018 —" in text(client, f"{prefix}/news/summit/")
    assert "ЦИНДАО, 9 июня 2018 —" in text(client, f"{prefix}/news/sammit/")
    assert "青岛，2018年6月9日 —" in text(client, f"{prefix}/news/fenghui/")
    page = text(client, f"{prefix}/news/summit/")
    assert '<span class="dateline" lang="en">QINGDAO, 9 June 2018 —</span>' in page


def test_the_chinese_feed_writes_an_english_dateline_in_english(client, versions):
    feed = feedparser.parse(text(client, "/zh-hans/feeds/news.rss"))
    alone = next(entry for entry in feed.entries if entry.link.endswith("/news/alone/"))
    assert "QINGDAO, 9 June 2018 —" in alone.description
    assert "2018年6月9日" not in alone.description


# hreflang and the language links


def test_a_release_names_its_public_versions_with_hreflang(client, versions):
    page = text(client, "/ru/news/summit/")
    assert head_alternates(page) == [
        ("en", "http://testserver/news/summit/"),
        ("ru", "http://testserver/ru/news/sammit/"),
        ("zh-hans", "http://testserver/zh-hans/news/fenghui/"),
    ]
    # “Also in” names each language in itself, whatever the page's language.
    assert 'hreflang="ru" lang="ru">Русский</a>, ' in page
    assert 'hreflang="zh-hans" lang="zh-hans">简体中文</a></p>' in page


def test_the_language_links_lead_to_the_releases_versions(client, versions):
    links = switcher(text(client, "/news/summit/"))
    assert links == {
        "en": ("/news/summit/", "English"),
        "ru": ("/ru/news/sammit/", "Русский"),
        "zh-hans": ("/zh-hans/news/fenghui/", "简体中文"),
    }
    # The names stay in their own language on a page in another.
    assert [name for _url, name in switcher(text(client, "/zh-hans/news/sammit/")).values()] == [
        "English",
        "Русский",
        "简体中文",
    ]


def test_without_a_version_the_language_link_leads_to_that_languages_news(client, versions):
    links = switcher(text(client, "/ru/news/alone/"))
    assert links["en"][0] == "/news/alone/"
    assert links["ru"][0] == "/ru/news/"
    assert links["zh-hans"][0] == "/zh-hans/news/"


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/news/?kind=statement", "/ru/news/?kind=statement"),
        ("/search/?q=summit", "/ru/search/?q=summit"),
        ("/organisations/", "/ru/organisations/"),
        ("/feeds/", "/ru/feeds/"),
        ("/", "/ru/"),
    ],
)
def test_other_pages_link_to_themselves_in_each_language(client, versions, path, expected):
    assert switcher(text(client, path))["ru"][0] == expected
    assert switcher(text(client, expected))["en"][0] == path


def test_a_not_found_page_links_each_languages_home(client, versions):
    links = switcher(text(client, "/ru/news/no-such-release/", status=404))
    assert {language: url for language, (url, _name) in links.items()} == {
        "en": "/",
        "ru": "/ru/",
        "zh-hans": "/zh-hans/",
    }
    assert head_alternates(text(client, "/ru/news/no-such-release/", status=404)) == []


def test_scheduled_and_withdrawn_versions_are_never_named(client, make_release):
    group = uuid.uuid4()
    make_release(slug="live", translation_group=group)
    make_release(
        slug="embargoed",
        language="ru",
        translation_group=group,
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    make_release(
        slug="pulled",
        language="zh-hans",
        translation_group=group,
        status=PressRelease.Status.WITHDRAWN,
        first_published_at=timezone.now() - datetime.timedelta(days=2),
        withdrawn_at=timezone.now() - datetime.timedelta(days=1),
    )
    page = text(client, "/news/live/")
    assert "embargoed" not in page and "pulled" not in page
    assert head_alternates(page) == [("en", "http://testserver/news/live/")]
    assert switcher(page)["ru"][0] == "/ru/news/"
    sitemap = text(client, "/sitemap.xml")
    assert "embargoed" not in sitemap and "pulled" not in sitemap
    atom = text(client, "/feeds/news.atom")
    assert "embargoed" not in atom and "pulled" not in atom
    assert client.get("/api/releases/live/").json()["translations"] == []


def test_json_ld_names_the_language_and_the_translations(client, versions):
    page = text(client, "/zh-hans/news/summit/")
    data = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["inLanguage"] == "en"
    assert data["dateline"] == "QINGDAO, 9 June 2018"
    assert [(work["inLanguage"], work["url"]) for work in data["workTranslation"]] == [
        ("ru", "http://testserver/ru/news/sammit/"),
        ("zh-hans", "http://testserver/zh-hans/news/fenghui/"),
    ]


# Lists and feeds per language


@pytest.mark.parametrize("language", PREFIXES)
def test_lists_show_each_release_once_in_the_pages_language(client, versions, language):
    page = text(client, f"{PREFIXES[language]}/news/")
    shown = [versions[code].slug for code in PREFIXES if f"/news/{versions[code].slug}/" in page]
    assert shown == [versions[language].slug]
    # A release with no version in the language is shown as written.
    assert "/news/alone/" in page


def test_a_translation_without_the_topic_leaves_the_original_on_the_topic_page(client, versions):
    versions["en"].tags.add("Security")
    page = text(client, "/ru/topics/security/")
    assert "/ru/news/summit/" in page
    assert "sammit" not in page


@pytest.mark.parametrize("language", PREFIXES)
def test_each_languages_feed_carries_its_versions(client, versions, language):
    rss = feedparser.parse(text(client, f"{PREFIXES[language]}/feeds/news.rss"))
    assert rss.feed.language == language
    links = [entry.link for entry in rss.entries]
    assert versions[language].get_canonical_url() in [
        link[len("http://testserver") :] for link in links
    ]
    assert len(links) == 2
    assert "http://testserver/news/alone/" in links


def test_atom_entries_say_their_language_and_link_their_versions(client, versions):
    atom = ElementTree.fromstring(text(client, "/ru/feeds/news.atom"))
    namespace = "{http://www.w3.org/2005/Atom}"
    entries = {entry.find(f"{namespace}id").text: entry for entry in atom.iter(f"{namespace}entry")}
    russian = next(entry for key, entry in entries.items() if "sammit" in key)
    assert russian.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    alternates = [
        (link.get("hreflang"), link.get("href"))
        for link in russian.findall(f"{namespace}link")
        if link.get("hreflang")
    ]
    assert alternates == [
        ("en", "http://testserver/news/summit/"),
        ("zh-hans", "http://testserver/zh-hans/news/fenghui/"),
    ]


# The sitemap


def sitemap_urls(client):
    root = ElementTree.fromstring(text(client, "/sitemap.xml"))
    return {
        url.find(f"{SITEMAP}loc").text: [
            (link.get("hreflang"), link.get("href")) for link in url.findall(f"{XHTML}link")
        ]
        for url in root.iter(f"{SITEMAP}url")
    }


def test_sitemap_lists_each_version_with_its_public_alternates(client, versions):
    urls = sitemap_urls(client)
    expected = [
        ("en", "http://testserver/news/summit/"),
        ("ru", "http://testserver/ru/news/sammit/"),
        ("zh-hans", "http://testserver/zh-hans/news/fenghui/"),
    ]
    for _language, url in expected:
        assert urls[url] == expected
    assert urls["http://testserver/news/alone/"] == []
    # A release is listed at its canonical address only.
    assert "http://testserver/ru/news/summit/" not in urls


def test_sitemap_lists_the_other_pages_in_every_language(client, versions):
    urls = sitemap_urls(client)
    for home in ("http://testserver/", "http://testserver/ru/", "http://testserver/zh-hans/"):
        assert urls[home] == [
            ("en", "http://testserver/"),
            ("ru", "http://testserver/ru/"),
            ("zh-hans", "http://testserver/zh-hans/"),
            ("x-default", "http://testserver/"),
        ]


# The API


def test_api_filters_by_language_and_names_the_translations(client, versions):
    answer = client.get("/api/releases/", {"language": "ru"}).json()
    assert [item["slug"] for item in answer["results"]] == ["sammit"]
    assert answer["results"][0]["translations"] == [
        {"language": "en", "url": "http://testserver/news/summit/"},
        {"language": "zh-hans", "url": "http://testserver/zh-hans/news/fenghui/"},
    ]
    assert client.get("/api/releases/", {"language": "en"}).json()["count"] == 2
    assert client.get("/api/releases/").json()["count"] == 4


def test_api_refuses_an_unknown_language_clearly(client, versions):
    response = client.get("/api/releases/", {"language": "fr"})
    assert response.status_code == 400
    assert "fr" in response.json()["detail"] and "zh-hans" in response.json()["detail"]
    russian = client.get("/ru/api/releases/", {"language": "fr"}).json()["detail"]
    assert "Неизвестный язык" in russian
