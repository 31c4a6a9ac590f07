"""Text is normalised on the way in, whichever path stores it (newsroom/text.py)."""

import json
import unicodedata

import html5lib
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from newsroom.demo import build_reference_data
from newsroom.models import Organisation, Person, PressRelease, Topic
from newsroom.text import normalise_html, normalise_text

from .test_import import run_import, write

pytestmark = pytest.mark.django_db

DECOMPOSED = "Cafe\u0301 de\u0301bats"  # "é" as "e" and a combining accent
COMPOSED = "Café débats"
C0_REMOVED = [chr(code) for code in range(0x20) if chr(code) not in "\t\n\x0b\x0c\r"]


@pytest.mark.parametrize("char", [*C0_REMOVED, "\x7f"])
def test_control_characters_are_removed(char):
    assert normalise_text(f"a{char}b") == "ab"


@pytest.mark.parametrize("breaks", ["\x0b", "\x0c", "\r", "\r\n", "\n"])
def test_line_breaks_of_every_kind_become_a_line_feed(breaks):
    assert normalise_text(f"one{breaks}two") == "one\ntwo"


def test_tabs_stay_text_becomes_nfc_and_lone_surrogates_are_replaced():
    assert normalise_text("a\tb") == "a\tb"
    assert normalise_text(DECOMPOSED) == COMPOSED
    assert normalise_text("a\ud800b") == "a\ufffdb"
    assert normalise_text("Секретарь 秘书长") == "Секретарь 秘书长"


def test_every_text_field_is_normalised_on_save(make_release, make_organisation):
    release = make_release(
        title=f"Title\x00 {DECOMPOSED}",
        lead="Lead\x0bsecond line\x07",
        body="<p>Body\x01 text\x0cmore</p>",
        correction_note="Note\x1b[31m",
        dateline_place="Qing\x08dao",
    )
    release.refresh_from_db()
    assert release.title == f"Title {COMPOSED}"
    assert release.lead == "Lead\nsecond line"
    assert release.body == "<p>Body text\nmore</p>"
    assert release.correction_note == "Note[31m"
    assert release.dateline_place == "Qingdao"
    organisation = make_organisation(name="Org\x02anisation", description=f"{DECOMPOSED}\r\nx")
    organisation.refresh_from_db()
    assert (organisation.name, organisation.description) == ("Organisation", f"{COMPOSED}\nx")


def test_topics_are_normalised_and_a_decomposed_name_finds_the_stored_topic(make_release):
    release = make_release()
    release.tags.add(f"youth\x03 {COMPOSED}")
    assert list(Topic.objects.values_list("name", flat=True)) == [f"youth {COMPOSED}"]
    tag = Topic.objects.create(name="Eco\x1fnomy")
    tag.refresh_from_db()
    assert tag.name == "Economy"
    # The admin's topic field parses "a, b" through TAGGIT_TAGS_FROM_STRING.
    from taggit.utils import parse_tags

    assert parse_tags(f"{DECOMPOSED}, Eco\x01nomy") == [COMPOSED, "Economy"]


def test_the_body_is_sanitised_after_normalising():
    # Removing \x01 would make this a script link if the sanitiser had run first.
    body = normalise_html('<p><a href="java\x01script:alert(1)">x</a></p>')
    assert "javascript" not in body.lower()
    # NFC composes ">" and U+0338 into "≯": the tag must not swallow what follows.
    body = normalise_html('<p><a href="https://example.org">&#x338; onmouseover=alert(1) x</a></p>')
    assert body == unicodedata.normalize("NFC", body)
    for element in html5lib.parse(body, namespaceHTMLElements=False).iter():
        if isinstance(element.tag, str):
            assert not [name for name in element.attrib if name.startswith("on")], element.tag


def test_a_saved_body_never_turns_into_a_script_link(make_release):
    release = make_release(body='<p><a href="java\x01script:alert(1)">x</a></p>')
    release.refresh_from_db()
    assert "javascript" not in release.body.lower()
    assert release.body == '<p><a rel="noopener noreferrer">x</a></p>'


@pytest.mark.parametrize(
    "website", ["ftp://example.org/", "javascript:alert(1)", "data:text/html,x", "example.org"]
)
def test_a_website_that_is_not_http_is_refused_on_save(make_organisation, website):
    with pytest.raises(ValidationError) as refused:
        make_organisation(website=website)
    assert "website" in refused.value.message_dict
    assert "http:// or https://" in refused.value.message_dict["website"][0]
    assert make_organisation(website="https://example.org/").website == "https://example.org/"


def fixture_file(tmp_path, records):
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_fixtures_are_normalised_and_their_bodies_sanitised(tmp_path, db):
    path = fixture_file(
        tmp_path,
        [
            {
                "model": "newsroom.organisation",
                "fields": {"name": "Org\x00 of\x0bTests", "slug": "oot", "website": ""},
            },
            {
                "model": "newsroom.pressrelease",
                "fields": {
                    "title": f"Fixture\x1f {DECOMPOSED}",
                    "slug": "fixture",
                    "lead": "Lead\ud800",
                    "body": '<p onclick="steal()">Text<script>alert(1)</script>\x07</p>',
                    "status": "draft",
                },
            },
        ],
    )
    call_command("loaddata", str(path), verbosity=0)
    assert Organisation.objects.get().name == "Org of\nTests"
    release = PressRelease.objects.get()
    assert release.title == f"Fixture {COMPOSED}"
    assert release.lead == "Lead\ufffd"
    assert release.body == "<p>Text</p>"


def test_a_fixture_with_a_script_website_is_refused_naming_the_field(tmp_path, db):
    path = fixture_file(
        tmp_path,
        [
            {
                "model": "newsroom.organisation",
                "fields": {"name": "Org", "slug": "org", "website": "javascript:alert(1)"},
            }
        ],
    )
    with pytest.raises(ValidationError, match="website"):
        call_command("loaddata", str(path), verbosity=0)
    assert not Organisation.objects.exists()


def test_imported_documents_are_normalised(tmp_path, db):
    # The importer refuses most control characters itself; a form feed it lets through.
    build_reference_data()
    text = (
        f"Secretaries-General discuss {DECOMPOSED}\n\n"
        "ASTANA, 9 June 2023 \u2014 The meeting\x0cwas held.\r\n\r\nThe end."
    )
    _out, _err, error = run_import(write(tmp_path, "a.txt", text))
    assert error is None
    release = PressRelease.objects.get()
    assert release.title == f"Secretaries-General discuss {COMPOSED}"
    assert release.lead.endswith("The meeting was held.")
    stored = release.title + release.lead + release.body
    assert not set(stored) & {*C0_REMOVED, "\x0b", "\x0c", "\r"}


def test_the_admin_stores_normalised_text_and_shows_a_bad_website_as_a_form_error(
    client, editor, login, rendered_form_data
):
    admin = login(editor)
    data = rendered_form_data(admin.get("/admin/newsroom/person/add/"))
    data.update(name=f"Ada\x07 {DECOMPOSED}", slug="ada", biography="Line\x0bbreak")
    assert admin.post("/admin/newsroom/person/add/", data).status_code == 302
    person = Person.objects.get()
    assert (person.name, person.biography) == (f"Ada {COMPOSED}", "Line\nbreak")

    data = rendered_form_data(admin.get("/admin/newsroom/organisation/add/"))
    data.update(name="Org", slug="org", website="ftp://files.example.org/")
    response = admin.post("/admin/newsroom/organisation/add/", data)
    assert response.status_code == 200
    assert "Enter an address that starts with http:// or https://." in response.content.decode()
    assert not Organisation.objects.exists()
