import datetime

import pytest

from newsroom.demo import build_reference_data
from newsroom.importing.recogniser import Recogniser
from newsroom.models import Appointment, Office, Organisation, Participant, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def recognise(db):
    build_reference_data()

    def run(text, **options):
        return Recogniser.from_database().recognise(text, **options)

    return run


def slugs(recognition):
    return [organisation.slug for organisation in recognition.organisations]


def people(recognition):
    return [
        (link.person.name if link.person else None, str(link.office) if link.office else None)
        for link in recognition.participants
    ]


def test_a_body_named_in_full_is_linked_and_not_only_its_parent(recognise):
    recognition = recognise("Experts of the SCO Regional Anti-Terrorist Structure met.")
    assert slugs(recognition) == ["sco-regional-anti-terrorist-structure"]


def test_name_short_name_and_the_other_spelling_all_link_the_organisation(recognise):
    for text in [
        "the SCO welcomed it",
        "the Shanghai Cooperation Organisation welcomed it",
        "the Shanghai Cooperation Organization welcomed it",
    ]:
        assert slugs(recognise(text)) == ["sco"], text


def test_names_are_matched_across_no_break_spaces_and_line_breaks(recognise):
    recognition = recognise("Secretary-General of\u00a0the\nCSTO Yury\u00a0Khachaturov spoke.")
    assert people(recognition) == [("Yury Khachaturov", "Secretary-General of the CSTO")]
    assert slugs(recognition) == ["csto"]


def test_an_office_title_matches_whichever_dash_the_text_types(recognise):
    recognition = recognise(
        "Chairman of the Executive Committee – Executive Secretary of the CIS opened the talks."
    )
    assert people(recognition) == [
        (None, "Chairman of the Executive Committee — Executive Secretary of the CIS")
    ]


def test_part_of_a_word_is_not_a_name(recognise):
    assert slugs(recognise("The SCOPE of the DISCO and UNESCO")) == []


def test_an_office_named_without_a_person_chairs_when_the_text_says_so(recognise):
    recognition = recognise("The SCO Secretary-General chaired a meeting.")
    assert [(link.person, str(link.office), link.role) for link in recognition.participants] == [
        (None, "Secretary-General of the SCO", Participant.Role.CHAIR)
    ]


def test_chaired_by_before_the_office_also_makes_it_the_chair(recognise):
    recognition = recognise("A meeting chaired by the CSTO Secretary-General was held.")
    assert [link.role for link in recognition.participants] == [Participant.Role.CHAIR]


def test_a_person_named_alone_takes_the_office_they_hold(recognise):
    recognition = recognise("Sergei Lebedev opened the session.")
    assert people(recognition) == [
        ("Sergei Lebedev", "Chairman of the Executive Committee — Executive Secretary of the CIS")
    ]
    assert [link.role for link in recognition.participants] == [Participant.Role.PARTICIPANT]


def test_an_office_and_its_named_holder_are_one_participant(recognise):
    recognition = recognise(
        "The CSTO Secretary-General spoke. Later, Yury Khachaturov, Secretary-General of the "
        "CSTO, answered questions."
    )
    assert people(recognition) == [("Yury Khachaturov", "Secretary-General of the CSTO")]


def test_unknown_organisation_like_names_are_suggested_and_never_created(recognise):
    before = Organisation.objects.count()
    recognition = recognise(
        "The SCO met the African Union, the League of Arab States and ASEAN in the Hall."
    )
    assert recognition.suggestions == ["African Union", "League of Arab States", "ASEAN"]
    assert slugs(recognition) == ["sco"]
    assert Organisation.objects.count() == before


def test_a_short_name_two_organisations_share_links_neither(recognise, make_organisation):
    make_organisation(name="Central Information Service", short_name="CIS", slug="cis-other")
    recognition = recognise("The CIS and the Commonwealth of Independent States")
    assert slugs(recognition) == ["cis"]


def test_a_person_named_alone_takes_the_office_held_on_the_texts_date(recognise):
    csto = Organisation.objects.get(slug="csto")
    deputy = Office.objects.create(organisation=csto, title="Deputy Secretary-General", slug="dsg")
    envoy = Office.objects.create(organisation=csto, title="Special Envoy", slug="envoy")
    person = Person.objects.create(name="Ivan Rotated", slug="ivan-rotated")
    Appointment.objects.create(
        person=person, office=deputy, start=datetime.date(2015, 1, 1), end=datetime.date(2018, 6, 9)
    )
    Appointment.objects.create(person=person, office=envoy, start=datetime.date(2018, 6, 10))
    text = "Ivan Rotated spoke."
    assert people(recognise(text, on=datetime.date(2018, 6, 9))) == [
        ("Ivan Rotated", "Deputy Secretary-General of the CSTO")
    ]
    assert people(recognise(text, on=datetime.date(2018, 6, 10))) == [
        ("Ivan Rotated", "Special Envoy of the CSTO")
    ]
    # Before any appointment, and without a date while two offices are possible: no office.
    assert people(recognise(text, on=datetime.date(2014, 12, 31))) == [("Ivan Rotated", None)]
    assert people(recognise(text)) == [("Ivan Rotated", None)]


def test_an_acronym_that_is_part_of_a_known_short_name_is_not_suggested(recognise):
    result = recognise("The SCO Regional Anti-Terrorist Structure (RATS) met the ASEAN delegation.")
    assert "RATS" not in result.suggestions
    assert "ASEAN" in result.suggestions
