"""Hostile input on every surface: what anyone types reaches readers as text, never as code.

Each vector goes into every text a person can enter — release title, lead, body, dateline,
correction note, photo caption, credit and alt text, withdrawal reason, topics, organisation,
office, person and document texts, imported documents and fixtures, search queries and
filters — and every surface that shows it is read back the way a browser or a feed reader
would: HTML parsed with html5lib, feeds parsed as XML with their HTML parts parsed again,
JSON-LD and the API parsed as JSON.
"""

import datetime
import html
import json
import re
import xml.etree.ElementTree as ElementTree

import html5lib
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from newsroom.editorial import editing
from newsroom.importing.service import DocumentImporter, Source
from newsroom.models import (
    Appointment,
    Document,
    Office,
    Organisation,
    Person,
    PressRelease,
)

pytestmark = pytest.mark.django_db

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '</script><img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<img src=javascript:alert(1)>",
    "<image src/onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<math href="javascript:alert(1)">click</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="java\tscript:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">link</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">link</a>',
    '<a href="vbscript:msgbox(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    '<a href="data:text/html,<script>alert(1)</script>">link</a>',
    '<a href="#" onclick="alert(1)">link</a>',
    '<a href="https://example.org" onmouseover="alert(1)">link</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<input autofocus onfocus="alert(1)">',
    '<select autofocus onfocus="alert(1)"></select>',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<audio src=x onerror="alert(1)">',
    '<marquee onstart="alert(1)">x</marquee>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<style>@import "javascript:alert(1)";</style>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    "<p><b><i>unclosed <script>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    '{{ 7*7 }}{% csrf_token %}<script>alert("template")</script>',
    "${alert(1)}<script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<template><script>alert(1)</script></template><img src=x onerror="alert(1)">',
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    '<isindex type=image src=1 onerror="alert(1)">',
    "\u202e<script>alert(1)</script>\u2066",
]
assert len(VECTORS) >= 60

FORBIDDEN_ELEMENTS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster"}
BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x20]")

NOW = timezone.now()


def marker(index, field):
    return f"mark{index}{field}x"


def public_script(kind, src):
    """The public site's own scripts: JSON-LD data and files from /static/."""
    return kind == "application/ld+json" or src.startswith("/static/")


def admin_script(kind, src):
    """The admin's own scripts besides files: its translations and the editor's import map."""
    return public_script(kind, src) or src == "/admin/jsi18n/" or kind == "importmap"


def unsafe_parts(document_html, *, own_scripts=public_script):
    """Elements and attributes in ``document_html`` that would run or load code.

    ``own_scripts(type, src)`` says which script elements the page itself brings;
    ``None`` allows none (feed texts).
    """
    found = []
    tree = html5lib.parse(document_html, namespaceHTMLElements=False)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag == "script":
            kind = (element.get("type") or "").lower()
            src = element.get("src") or ""
            if own_scripts is not None and own_scripts(kind, src):
                continue
            found.append(f"<script> {src or (element.text or '')[:60]!r}")
        elif tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}>")
        elif tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        for name, value in element.attrib.items():
            name = name.rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES or name.endswith("href"):
                cleaned = CONTROL.sub("", html.unescape(value or ""))
                if BAD_SCHEME.match(cleaned):
                    found.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and re.search(r"expression|javascript", value, re.IGNORECASE):
                found.append(f"<{tag} style={value[:40]!r}>")
    return found


class World:
    """Every vector in every field a person can enter, in public records."""

    def __init__(self, editor, tmp_path):
        self.releases = []
        self.withdrawn = []
        self.organisations = []
        self.people = []
        self.documents = []
        self.fields = set()
        for index, vector in enumerate(VECTORS):
            self._add(index, vector, editor)
        self._import(editor, tmp_path)

    def text(self, index, field, vector, limit=None):
        self.fields.add(field)
        value = f"{marker(index, field)} {vector}"
        return value[:limit] if limit else value

    def _add(self, index, vector, editor):
        text = lambda field, limit=None: self.text(index, field, vector, limit)  # noqa: E731
        organisation = Organisation.objects.create(
            name=text("organisation_name", 255),
            short_name=f"S{index}",
            slug=f"organisation-{index}",
            description=text("organisation_description"),
            website="https://example.org/",
        )
        office = Office.objects.create(
            organisation=organisation, title=text("office_title", 255), slug=f"office-{index}"
        )
        person = Person.objects.create(
            name=text("person_name", 255),
            slug=f"person-{index}",
            biography=text("person_biography"),
        )
        Appointment.objects.create(person=person, office=office)
        document = Document.objects.create(
            title=text("document_title", 500),
            slug=f"document-{index}",
            summary=text("document_summary"),
        )
        document.parties.add(organisation)
        release = PressRelease(
            title=text("title", 300),
            slug=f"release-{index}",
            lead=text("lead"),
            body=f"<p>{text('body')}</p>",
            dateline_place=text("dateline_place", 100),
            dateline_date=datetime.date(2024, 1, 1),
            correction_note=text("correction_note"),
            created_by=editor,
        )
        editing.save_release(
            release,
            by=editor,
            links=[
                editing.organisations([organisation]),
                editing.documents([document]),
                editing.topics([text("topic", 90)]),
                editing.participants(
                    [{"person_id": person.pk, "office_id": office.pk, "role": "chair", "order": 1}]
                ),
                editing.photos(
                    [
                        {
                            "image": f"photos/hostile-{index}.jpg",
                            "caption": text("photo_caption", 500),
                            "credit": text("photo_credit", 255),
                            "alt_text": text("photo_alt_text", 500),
                            "order": 0,
                        }
                    ]
                ),
            ],
        )
        release.publish(editor, now=NOW - datetime.timedelta(minutes=len(VECTORS) - index))
        withdrawn = PressRelease(
            title=text("withdrawn_title", 300),
            slug=f"withdrawn-{index}",
            lead=text("withdrawn_lead"),
            body="<p>Text.</p>",
            dateline_place="Qingdao",
            dateline_date=datetime.date(2024, 1, 1),
            created_by=editor,
        )
        editing.save_release(withdrawn, by=editor, links=[editing.organisations([organisation])])
        withdrawn.publish(editor, now=NOW - datetime.timedelta(hours=2))
        withdrawn.withdraw(editor, comment=text("withdrawal_reason"), now=NOW)
        self.releases.append(release)
        self.withdrawn.append(withdrawn)
        self.organisations.append(organisation)
        self.people.append(person)
        self.documents.append(document)

    def _import(self, editor, tmp_path):
        """Imported documents: the importer's text goes the same way."""
        importer = DocumentImporter(by=editor)
        self.imported = []
        for index, vector in enumerate(VECTORS):
            title = f"{marker(index, 'imported')} {vector}".replace("\n", " ")
            text = (
                f"{title}\n\nOn June 9, 2018, a meeting {vector} was held in Qingdao.\n\n"
                f"{marker(index, 'imported_body')} {vector}\n"
            )
            data = text.encode()
            result = importer.import_source(Source(f"{index}.txt", lambda limit, d=data: d))
            assert not result.failed, result.reason
            release = PressRelease.objects.get(slug=result.slug)
            editing.save_release(
                release, by=editor, links=[editing.organisations([self.organisations[index]])]
            )
            release.publish(editor, now=NOW - datetime.timedelta(days=1, minutes=index))
            self.imported.append(release)
        self.fields.update({"imported", "imported_body"})


@pytest.fixture
def world(editor, tmp_path):
    return World(editor, tmp_path)


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def check_html(url, text, problems):
    for problem in unsafe_parts(text):
        problems.append(f"{url}: {problem}")


def shown(text, index, fields):
    return {field for field in fields if marker(index, field) in text}


def check_json_ld(url, text, problems):
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
        try:
            json.loads(block)
        except ValueError:
            problems.append(f"{url}: JSON-LD does not parse")


def test_hostile_input_reaches_every_surface_as_text(world, client, login, editor, capsys):
    problems = []
    exercised = set()
    admin = login(editor)

    for index, release in enumerate(world.releases):
        urls = [
            release.get_absolute_url(),
            world.withdrawn[index].get_absolute_url(),
            world.imported[index].get_absolute_url(),
            world.organisations[index].get_absolute_url(),
            world.people[index].get_absolute_url(),
            world.documents[index].get_absolute_url(),
            reverse("newsroom:topic_detail", kwargs={"slug": release.tags.get().slug}),
            f"/search/?q={marker(index, 'title')}",
        ]
        for url in urls:
            status = 410 if url == world.withdrawn[index].get_absolute_url() else 200
            text = page(client, url, status)
            check_html(url, text, problems)
            check_json_ld(url, text, problems)
            for field in shown(text, index, world.fields):
                exercised.add((index, field, url.split("/")[1] or "home"))
        for url in [
            reverse("admin:newsroom_pressrelease_change", args=[release.pk]),
            reverse("admin:newsroom_organisation_change", args=[world.organisations[index].pk]),
            reverse("admin:newsroom_pressrelease_revisions", args=[release.pk]),
            reverse("admin:newsroom_pressrelease_preview", args=[release.pk]),
        ]:
            text = page(admin, url)
            problems += [f"{url}: {p}" for p in unsafe_parts(text, own_scripts=admin_script)]
            for field in shown(text, index, world.fields):
                exercised.add((index, field, "admin"))

    for url in ["/", "/news/", "/organisations/", "/admin/newsroom/pressrelease/"]:
        in_admin = url.startswith("/admin/")
        text = page(admin if in_admin else client, url)
        own = admin_script if in_admin else public_script
        problems += [f"{url}: {p}" for p in unsafe_parts(text, own_scripts=own)]
        for index in range(len(VECTORS)):
            for field in shown(text, index, world.fields):
                exercised.add((index, field, url))

    surfaces = {surface for _index, _field, surface in exercised}
    fields = {field for _index, field, _surface in exercised}
    print(
        f"\nhostile input: {len(VECTORS)} vectors × {len(fields)} fields × "
        f"{len(surfaces)} HTML surfaces: {len(exercised)} combinations shown and checked"
    )
    assert problems == [], "\n".join(problems[:40])
    # Every field a person can enter was shown somewhere, for every vector.
    assert fields == world.fields
    assert {index for index, _f, _s in exercised} == set(range(len(VECTORS)))


FEEDS = ["/feeds/news.rss", "/feeds/news.atom", "/ru/feeds/news.rss", "/zh-hans/feeds/news.atom"]


def feed_html_parts(xml_text):
    """(element name, text) of every feed element a reader treats as HTML.

    Atom says so per element (``type="html"``; ``text`` is shown as text). RSS has no
    such attribute and readers render both the description and, often, the title as HTML.
    """
    root = ElementTree.fromstring(xml_text.encode())
    atom = root.tag.endswith("}feed")
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        treated_as_html = (
            element.get("type") in ("html", "xhtml") if atom else name in ("title", "description")
        )
        if treated_as_html:
            yield name, element.text or ""


def test_hostile_input_in_feeds_stays_text(world, client, capsys):
    problems = []
    checked = 0
    scoped = [
        f"/feeds/organisations/{world.organisations[0].slug}.rss",
        f"/feeds/organisations/{world.organisations[1].slug}.atom",
        f"/feeds/topics/{world.releases[2].tags.get().slug}.rss",
        f"/feeds/topics/{world.releases[3].tags.get().slug}.atom",
    ]
    for url in FEEDS + scoped:
        xml_text = page(client, url)
        for name, text in feed_html_parts(xml_text):
            checked += 1
            for problem in unsafe_parts(text, own_scripts=None):
                problems.append(f"{url} <{name}>: {problem}")
    for url in ["/api/releases/", f"/api/releases/{world.releases[0].slug}/", "/sitemap.xml"]:
        response = client.get(url)
        assert response.status_code == 200
        if url.startswith("/api/"):
            assert response["Content-Type"].startswith("application/json")
            json.loads(response.content)
        else:
            ElementTree.fromstring(response.content)
    print(f"\nhostile input in feeds: {checked} feed texts parsed as HTML and checked")
    assert problems == [], "\n".join(problems[:40])
    assert checked >= len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS[:20] + VECTORS[-10:])
def test_hostile_search_queries_and_filters_are_text(client, make_release, vector):
    make_release(title="A release to find")
    for url, params in [
        ("/search/", {"q": vector}),
        ("/news/", {"topic": vector, "organisation": vector, "kind": vector}),
        ("/api/releases/", {"q": vector, "topic": vector}),
    ]:
        response = client.get(url, params)
        assert response.status_code in (200, 404), (url, response.status_code)
        if url.startswith("/api/"):
            json.loads(response.content)
        else:
            assert unsafe_parts(response.content.decode()) == []


def test_hostile_fixtures_are_sanitised_on_load(tmp_path, client):
    rows = []
    for index, vector in enumerate(VECTORS):
        rows.append(
            {
                "model": "newsroom.pressrelease",
                "fields": {
                    "title": f"{marker(index, 'fixture')} {vector}"[:300],
                    "slug": f"fixture-{index}",
                    "lead": vector,
                    "body": f"<p>{marker(index, 'fixture_body')}</p>{vector}",
                    "status": "published",
                    "publish_at": "2024-01-01T09:00:00Z",
                    "first_published_at": "2024-01-01T09:00:00Z",
                    "created_at": "2024-01-01T09:00:00Z",
                    "updated_at": "2024-01-01T09:00:00Z",
                    "translation_group": f"00000000-0000-4000-8000-{index:012d}",
                },
            }
        )
    fixture = tmp_path / "hostile.json"
    fixture.write_text(json.dumps(rows))
    call_command("loaddata", str(fixture), verbosity=0)
    problems = []
    for index in range(len(VECTORS)):
        text = page(client, f"/news/fixture-{index}/")
        assert marker(index, "fixture_body") in text
        problems += [f"fixture {index}: {problem}" for problem in unsafe_parts(text)]
    assert problems == [], "\n".join(problems[:40])
