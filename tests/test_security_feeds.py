"""Feeds carry titles and leads as text, never as live markup, and never fail on stored text."""

import json
import xml.etree.ElementTree as ET

import feedparser
import html5lib
import pytest

from newsroom.models import PressRelease, Topic

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = "<script>alert(1)</script> Leaders & partners"
LEAD = "<img src=x onerror=alert(1)> The ministers met."
ORGANISATION = '<b onmouseover="alert(1)">Organisation</b>'
# Every C0 control character and DEL; a Python str cannot hold a lone surrogate for long
# enough to matter here, the database refuses to encode one.
CONTROLS = "".join(chr(code) for code in [*range(0x20), 0x7F])


@pytest.fixture
def controls(db):
    """Every control character the database can hold: PostgreSQL refuses NUL in any text,
    even as a query parameter, so there no row can carry one."""
    from django.db import connection

    return CONTROLS.replace("\x00", "") if connection.vendor == "postgresql" else CONTROLS


def live_markup(html):
    """Script elements and event-handler attributes a browser would make of ``html``."""
    found = []
    for element in html5lib.parse(html, namespaceHTMLElements=False).iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {"script", "img", "iframe", "object", "embed"}:
            found.append(element.tag)
        found += [name for name in element.attrib if name.lower().startswith("on")]
    return found


def text_of(html):
    return "".join(html5lib.parse(html, namespaceHTMLElements=False).itertext())


@pytest.fixture
def hostile(public_world, make_release):
    release = public_world.attach(make_release(title=TITLE, lead=LEAD), "<i>topic</i>")
    public_world.organisation.name = ORGANISATION
    public_world.organisation.save()
    return release


def test_atom_titles_and_summaries_are_text(client, hostile):
    feed = ET.fromstring(client.get("/feeds/news.atom").content)
    [entry] = feed.findall(f"{ATOM}entry")
    title = entry.find(f"{ATOM}title")
    assert title.get("type", "text") == "text" and title.text == TITLE
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text" and summary.text == LEAD
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert live_markup(content.text) == []
    assert LEAD in text_of(content.text)


def test_rss_titles_and_descriptions_carry_escaped_text(client, hostile):
    channel = ET.fromstring(client.get("/feeds/news.rss").content).find("channel")
    [item] = channel.findall("item")
    for html in (item.findtext("title"), item.findtext("description")):
        assert live_markup(html) == []
    assert text_of(item.findtext("title")) == TITLE
    assert LEAD in text_of(item.findtext("description"))
    parsed = feedparser.parse(client.get("/feeds/news.rss").content)
    assert not parsed.bozo
    assert live_markup(parsed.entries[0].title) == []


@pytest.mark.parametrize("extension", ["rss", "atom"])
def test_scoped_feed_titles_escape_the_names_they_carry(client, hostile, extension):
    response = client.get(f"/feeds/organisations/oot.{extension}")
    root = ET.fromstring(response.content)
    title = root.findtext("channel/title") if extension == "rss" else root.findtext(f"{ATOM}title")
    if extension == "rss":
        assert live_markup(title) == []
        assert text_of(title) == f"Press office: {ORGANISATION}"
    else:
        assert title == f"Press office: {ORGANISATION}"
    topic = Topic.objects.get(name="<i>topic</i>")
    assert client.get(f"/feeds/topics/{topic.slug}.{extension}").status_code == 200


def test_an_ampersand_in_a_title_reads_as_one_for_a_feed_reader(client, make_release):
    make_release(title="SCO & ASEAN")
    entry = feedparser.parse(client.get("/feeds/news.rss").content).entries[0]
    assert text_of(entry.title) == "SCO & ASEAN"


def feed_urls(release):
    topic = release.tags.get(name__startswith="topic")
    urls = []
    for prefix in ("", "/ru", "/zh-hans"):
        for extension in ("rss", "atom"):
            urls += [
                f"{prefix}/feeds/news.{extension}",
                f"{prefix}/feeds/topics/{topic.slug}.{extension}",
                f"{prefix}/feeds/organisations/oot.{extension}",
            ]
    return urls


def assert_every_surface_answers(client, release):
    for url in feed_urls(release):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        assert feed.entries, url
    for url in ("/sitemap.xml", "/sitemap-releases.xml", "/sitemap-topics.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)
    for url in ("/api/releases/", f"/api/releases/{release.slug}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        json.loads(response.content)


def test_control_characters_saved_through_the_orm_never_break_a_surface(
    client, public_world, make_release, controls
):
    release = public_world.attach(
        make_release(
            title=f"Title {controls} end",
            lead=f"Lead {controls} end",
            body=f"<p>Body {controls} end</p>",
            correction_note=f"Note {controls} end",
        ),
        f"topic {controls}",
    )
    assert_every_surface_answers(client, release)


def test_control_characters_written_past_save_never_break_a_surface(
    client, public_world, make_release, controls
):
    # QuerySet.update() sends no signal: rows written before normalisation existed, or
    # by such a path, must not make a feed answer 500 either.
    release = public_world.attach(make_release(), "topic")
    PressRelease.objects.filter(pk=release.pk).update(
        title=f"Title {controls} end",
        lead=f"Lead {controls} end",
        body=f'<p>Body {controls} <a href="java\x01script:alert(1)">end</a></p>',
        correction_note=f"Note {controls} end",
        dateline_place=f"Place {controls}",
    )
    Topic.objects.filter(name="shared topic").update(name=f"shared {controls}")
    public_world.organisation.__class__.objects.update(name=f"Organisation {controls}")
    assert_every_surface_answers(client, release)
    atom = client.get("/feeds/news.atom").content.decode()
    assert "javascript" not in atom.lower()
