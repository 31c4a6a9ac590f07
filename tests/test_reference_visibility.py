"""Reference records follow their releases (docs/architecture.md, "Visibility").

An organisation, document or person shows on the public site only while a public
release refers to it, or when an editor has listed it. While the only release naming
it is a draft or under embargo, no public page shows it, not even by name.
"""

import datetime
import re
from dataclasses import dataclass, field
from unittest import mock

import pytest
from django.utils import timezone

from newsroom.importing.recogniser import Recogniser
from newsroom.models import (
    Appointment,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Participant,
    Person,
    PressRelease,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
LATER = NOW + datetime.timedelta(hours=2)
AFTER = LATER + datetime.timedelta(minutes=1)
# The dateline of every release here (the ``make_release`` default).
DATELINE = datetime.date(2024, 1, 1)
DAY = datetime.timedelta(days=1)

HIDDEN_STATES = {
    "draft": {"status": PressRelease.Status.DRAFT, "publish_at": None},
    "in_review": {"status": PressRelease.Status.IN_REVIEW, "publish_at": None},
    "scheduled": {"status": PressRelease.Status.PUBLISHED, "publish_at": LATER},
}


# What the public site shows around a record: each a page and the part of it that
# names the record once it is public. While hidden, the whole page must not name it.


def whole(page):
    return page


def section(heading_id):
    def part(page):
        return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]

    return part


def diagram(page):
    return page.split('<svg class="relations-diagram"', 1)[1].split("</svg>", 1)[0]


def offices(page):
    return page.split('<ul class="offices">', 1)[1].split("</ul>", 1)[0]


def organisation_surfaces(slug):
    return [
        (f"/organisations/{slug}/", None),
        (f"/feeds/organisations/{slug}.rss", None),
        (f"/feeds/organisations/{slug}.atom", None),
        ("/organisations/", whole),
        ("/api/organisations/", whole),
        ("/sitemap.xml", whole),
        # The listed parent's page: its bodies and its diagram.
        ("/organisations/umbrella/", section("bodies-heading")),
        ("/organisations/umbrella/", diagram),
        # The listed counterpart's page: its relations and its diagram.
        ("/organisations/hub/", section("relations-heading")),
        ("/organisations/hub/", diagram),
        # A listed document the record is a party to.
        ("/documents/charter/", whole),
        # A listed person who holds an office of the record.
        ("/people/listed-envoy/", offices),
    ]


def document_surfaces(slug):
    return [
        (f"/documents/{slug}/", None),
        ("/sitemap.xml", whole),
        # The listed party's page: its documents, and the relation resting on the document.
        ("/organisations/hub/", section("documents-heading")),
        ("/organisations/hub/", section("relations-heading")),
    ]


def person_surfaces(slug):
    return [(f"/people/{slug}/", None), ("/sitemap.xml", whole)]


@dataclass
class Case:
    """A record, the word that names it, and how a release comes to refer to it."""

    record: object
    marker: str
    surfaces: list
    name_in: object
    # Records the release must never make public, whatever its state.
    never: list = field(default_factory=list)


@pytest.fixture
def listed(db):
    """Listed records around the one under test, public with no release at all."""
    umbrella = Organisation.objects.create(name="Umbrella Union", slug="umbrella", is_listed=True)
    hub = Organisation.objects.create(name="Hub Alliance", slug="hub", is_listed=True)
    partner = Organisation.objects.create(name="Partner League", slug="partner", is_listed=True)
    charter = Document.objects.create(title="Charter of Hubs", slug="charter", is_listed=True)
    envoy = Person.objects.create(name="Listed Envoy", slug="listed-envoy", is_listed=True)
    return {
        "umbrella": umbrella,
        "hub": hub,
        "partner": partner,
        "charter": charter,
        "envoy": envoy,
    }


def organisation_record(listed, marker, **fields):
    """An organisation named ``marker`` that every organisation surface could show."""
    record = Organisation.objects.create(
        name=f"{marker.title()} Council", slug=marker, parent=listed["umbrella"], **fields
    )
    # Stored from either side, a relation shows on both organisations' pages.
    OrganisationRelation.objects.create(
        organisation=record, other=listed["hub"], kind="partner", since=datetime.date(2010, 1, 1)
    )
    OrganisationRelation.objects.create(organisation=listed["hub"], other=record, kind="observer")
    listed["charter"].parties.add(record)
    envoy_office = Office.objects.create(organisation=record, title="Envoy", slug="envoy")
    Appointment.objects.create(person=listed["envoy"], office=envoy_office)
    return record


def body(name, parent):
    return Organisation.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), parent=parent
    )


def named_directly(listed):
    record = organisation_record(listed, "zorblax")
    return Case(
        record, "zorblax", organisation_surfaces("zorblax"), lambda r: r.organisations.add(record)
    )


def named_as_parent(listed):
    # The release names a body; the record is public only as that body's parent.
    record = organisation_record(listed, "quillmoor")
    working_group = body("Working Group", record)
    return Case(
        record,
        "quillmoor",
        organisation_surfaces("quillmoor"),
        lambda r: r.organisations.add(working_group),
    )


def named_as_grandparent(listed):
    record = organisation_record(listed, "vantrelle")
    leaf = body("Expert Panel", body("Steering Board", record))
    return Case(
        record, "vantrelle", organisation_surfaces("vantrelle"), lambda r: r.organisations.add(leaf)
    )


def named_through_an_office(listed):
    # A participant given only an office names the office's organisation.
    record = organisation_record(listed, "brastow")
    office = Office.objects.create(organisation=record, title="Rapporteur", slug="rapporteur")
    return Case(
        record,
        "brastow",
        organisation_surfaces("brastow"),
        lambda r: Participant.objects.create(release=r, office=office),
    )


def named_as_a_party(listed):
    record = organisation_record(listed, "ostravel")
    accord = Document.objects.create(title="Accord of Friends", slug="accord")
    accord.parties.add(record)
    return Case(
        record, "ostravel", organisation_surfaces("ostravel"), lambda r: r.documents.add(accord)
    )


def document_named(listed):
    record = Document.objects.create(title="Kelpwhistle Memorandum", slug="kelpwhistle")
    record.parties.add(listed["hub"])
    OrganisationRelation.objects.create(
        organisation=listed["hub"], other=listed["partner"], kind="observer", basis=record
    )
    return Case(
        record, "kelpwhistle", document_surfaces("kelpwhistle"), lambda r: r.documents.add(record)
    )


def person_participating(listed):
    record = Person.objects.create(name="Ysolde Marrowgate", slug="marrowgate")
    return Case(
        record,
        "marrowgate",
        person_surfaces("marrowgate"),
        lambda r: Participant.objects.create(release=r, person=record),
    )


def person_holding_the_office(listed):
    # The release names an office without a person: whoever held it on the dateline's
    # date is named. Their appointment ends that day; the successor's starts the next.
    office = Office.objects.create(organisation=listed["hub"], title="Chair", slug="chair")
    record = Person.objects.create(name="Odran Pellweather", slug="pellweather")
    Appointment.objects.create(
        person=record, office=office, start=datetime.date(2023, 1, 1), end=DATELINE
    )
    successor = Person.objects.create(name="Tamsin Grellow", slug="grellow")
    Appointment.objects.create(person=successor, office=office, start=DATELINE + DAY)
    return Case(
        record,
        "pellweather",
        person_surfaces("pellweather"),
        lambda r: Participant.objects.create(release=r, office=office),
        never=[("grellow", person_surfaces("grellow"))],
    )


WAYS = {
    "organisation named directly": named_directly,
    "body's parent": named_as_parent,
    "body's grandparent": named_as_grandparent,
    "office's organisation": named_through_an_office,
    "document's party": named_as_a_party,
    "document": document_named,
    "person taking part": person_participating,
    "person holding the office named": person_holding_the_office,
}


def fetch(client, url):
    response = client.get(url)
    assert response.status_code != 500, url
    return response.status_code, response.content.decode().lower()


def assert_hidden(client, marker, surfaces):
    for url, part in surfaces:
        status, page = fetch(client, url)
        if part is None:
            assert status == 404, f"{marker}: {url} answers {status}"
        else:
            assert status == 200, url
            assert marker not in page, f"{marker} shows on {url}"


def assert_visible(client, marker, surfaces):
    for url, part in surfaces:
        status, page = fetch(client, url)
        assert status == 200, f"{marker}: {url} answers {status}"
        if part is not None:
            assert marker in part(page), f"{marker} missing from {url} ({part.__name__})"


def assert_case(client, case, *, visible):
    check = assert_visible if visible else assert_hidden
    check(client, case.marker, case.surfaces)
    for marker, surfaces in case.never:
        assert_hidden(client, marker, surfaces)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_a_record_named_only_by_an_unpublished_release_is_invisible(
    client, listed, make_release, way, state
):
    case = WAYS[way](listed)
    case.name_in(make_release(**HIDDEN_STATES[state]))
    assert_case(client, case, visible=False)


@pytest.mark.parametrize("way", WAYS)
def test_a_record_appears_with_its_release_when_the_embargo_ends_and_goes_with_it(
    client, listed, make_release, editor, way
):
    case = WAYS[way](listed)
    release = make_release(**HIDDEN_STATES["scheduled"])
    case.name_in(release)
    # Fetched, and so cached, while the release is under embargo.
    assert_case(client, case, visible=False)
    with mock.patch("django.utils.timezone.now", return_value=AFTER):
        assert_case(client, case, visible=True)
        release.withdraw(editor, comment="Issued in error.")
        assert_case(client, case, visible=False)


@pytest.mark.parametrize("way", WAYS)
def test_a_listed_record_is_public_without_any_release(client, listed, way):
    case = WAYS[way](listed)
    type(case.record).objects.filter(pk=case.record.pk).update(is_listed=True)
    assert not PressRelease.objects.exists()
    assert_case(client, case, visible=True)


def test_listing_a_record_shows_it_at_once_on_cached_pages(client, listed):
    case = named_directly(listed)
    assert_case(client, case, visible=False)
    case.record.is_listed = True
    case.record.save()
    assert_case(client, case, visible=True)


def test_an_organisation_page_leaves_out_a_hidden_parent(client, listed, make_release):
    # Above a grandparent, the rule pulls in no more parents.
    great = Organisation.objects.create(name="Wexmoor Assembly", slug="wexmoor")
    grand = body("Grand Body", great)
    leaf = body("Leaf Body", body("Middle Body", grand))
    make_release().organisations.add(leaf)
    page = fetch(client, "/organisations/grand-body/")[1]
    assert "part of" not in page and "wexmoor" not in page
    assert fetch(client, "/organisations/wexmoor/")[0] == 404
    # The index still lists the body whose parent is hidden.
    assert 'href="/organisations/grand-body/"' in fetch(client, "/organisations/")[1]


def test_the_release_page_names_the_holder_of_the_office_that_day(client, listed, make_release):
    case = person_holding_the_office(listed)
    release = make_release()
    case.name_in(release)
    page = fetch(client, release.get_absolute_url())[1]
    assert '<a href="/people/pellweather/">odran pellweather</a>' in page
    assert "grellow" not in page


# Who held an office on a date: one answer for the recogniser and the pages.


def test_the_recogniser_and_the_pages_agree_on_who_held_an_office(client, listed, make_release):
    office = Office.objects.create(organisation=listed["hub"], title="Chair", slug="chair")
    first = Person.objects.create(name="Anna Firstholder", slug="anna")
    second = Person.objects.create(name="Boris Secondholder", slug="boris")
    Appointment.objects.create(
        person=first, office=office, start=datetime.date(2020, 1, 1), end=datetime.date(2022, 6, 30)
    )
    Appointment.objects.create(person=second, office=office, start=datetime.date(2022, 7, 1))
    days = [
        datetime.date(2019, 12, 31),
        datetime.date(2020, 1, 1),
        datetime.date(2022, 6, 30),
        datetime.date(2022, 7, 1),
        datetime.date(2030, 1, 1),
    ]
    releases = {}
    for day in days:
        releases[day] = make_release(title=f"Meeting of {day:%d %B %Y}", dateline_date=day)
        releases[day].participants.create(office=office)
    recogniser = Recogniser.from_database()
    for person in (first, second):
        status, page = fetch(client, f"/people/{person.slug}/")
        assert status == 200
        for day, release in releases.items():
            links = recogniser.recognise(f"{person.name} opened the meeting.", on=day).participants
            recognised = [link.office for link in links] == [office]
            listed_on_page = f">{release.title.lower()}</a>" in page
            held = office.holder_on(day) == person
            assert recognised == listed_on_page == held, (person.name, day)
    # Nobody held the office before the first appointment, and the page names nobody.
    before = fetch(client, releases[days[0]].get_absolute_url())[1]
    assert "firstholder" not in before and "secondholder" not in before


# Bad query input answers 4xx, never 500.

BAD_INPUT = [
    "/news/?year=0000",
    "/ru/news/?year=0000",
    "/zh-hans/news/?year=0000",
    "/news/?year=99999",
    "/news/?year=abcd",
    "/news/?year=-2024",
    "/news/?year=²⁰²⁴",
    "/news/?year=0001",
    "/news/?year=9999",
    "/news/2024/13/",
    "/news/2024/00/",
    "/news/0000/",
    "/news/0000/01/",
    "/news/0001/",
    "/news/9999/",
    "/news/9999/12/",
    "/ru/news/0000/",
]
PAGINATED = [
    "/",
    "/news/",
    "/news/?kind=press_release",
    "/news/2024/",
    "/news/2024/01/",
    "/topics/shared-topic/",
    "/search/?q=release",
]
BAD_PAGES = ["99999999999999999999", "-1", "abc", "0", "1.5", "%00"]


@pytest.fixture
def a_release(public_world, make_release):
    return public_world.attach(
        make_release(publish_at=datetime.datetime(2024, 1, 5, tzinfo=datetime.UTC))
    )


@pytest.mark.parametrize("url", BAD_INPUT)
def test_bad_dates_answer_404(client, a_release, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_years_at_the_ends_of_the_calendar_answer_404_in_any_time_zone(
    client, settings, a_release, zone
):
    settings.TIME_ZONE = zone
    for url in ["/news/0001/", "/news/9999/", "/news/?year=0001", "/news/?year=9999"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/news/?year=2024").status_code == 200


@pytest.mark.parametrize("page", BAD_PAGES)
@pytest.mark.parametrize("url", PAGINATED)
def test_bad_page_numbers_answer_404(client, a_release, url, page):
    separator = "&" if "?" in url else "?"
    assert client.get(f"{url}{separator}page={page}").status_code == 404


@pytest.mark.parametrize("page", BAD_PAGES)
def test_bad_api_page_numbers_answer_404_in_json(client, a_release, page):
    response = client.get(f"/api/releases/?page={page}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert re.fullmatch(r'\{"detail": "[^"]+"\}', response.content.decode())
