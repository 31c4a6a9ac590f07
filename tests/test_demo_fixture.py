import datetime
import html

import pytest
from django.core.management import call_command

from newsroom.demo import SEED_SLUG
from newsroom.models import (
    Document,
    Organisation,
    OrganisationRelation,
    Participant,
    PressRelease,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_release(demo):
    return PressRelease.objects.get(slug=SEED_SLUG)


def test_seed_release_is_a_published_press_release_from_qingdao(seed_release):
    assert seed_release.title == (
        "SCO Secretary-General meets with top administrative officials of the CIS and CSTO in Qingdao"
    )
    assert seed_release.kind == PressRelease.Kind.PRESS_RELEASE
    assert seed_release.dateline_place == "Qingdao"
    assert seed_release.dateline_date == datetime.date(2018, 6, 9)
    assert seed_release.status == PressRelease.Status.PUBLISHED
    assert PressRelease.objects.public().filter(pk=seed_release.pk).exists()


def test_seed_release_carries_every_paragraph_of_the_source(seed_release, settings):
    source = (settings.BASE_DIR / "fixtures/documents/000_7793fefd8a322438.txt").read_text()
    paragraphs = [p.strip() for p in source.split("\n\n") if p.strip()]
    title, paragraphs = paragraphs[0], paragraphs[1:]
    assert paragraphs[0] == title
    assert seed_release.lead == paragraphs[1]
    body_text = html.unescape(seed_release.body)
    for paragraph in paragraphs[2:]:
        assert f"<p>{paragraph}</p>" in body_text
    # The repeated title line is not part of the text.
    assert title not in seed_release.body


def test_every_named_organisation_exists_with_its_parent(demo):
    expected_parents = {
        "Shanghai Cooperation Organisation": None,
        "Commonwealth of Independent States": None,
        "Collective Security Treaty Organisation": None,
        "United Nations": None,
        "CSTO Secretariat": "CSTO",
        "CIS Anti-Terrorism Centre": "CIS",
        "SCO Regional Anti-Terrorist Structure": "SCO",
        "CIS Executive Committee": "CIS",
    }
    for name, parent in expected_parents.items():
        organisation = Organisation.objects.get(name=name)
        assert (organisation.parent.short_name if organisation.parent else None) == parent


SEED_PARTICIPANTS = [
    (None, "Secretary-General of the SCO", Participant.Role.CHAIR),
    (
        "Sergei Lebedev",
        "Chairman of the Executive Committee — Executive Secretary of the CIS",
        Participant.Role.PARTICIPANT,
    ),
    ("Yury Khachaturov", "Secretary-General of the CSTO", Participant.Role.PARTICIPANT),
]


def participant_rows(release):
    """(person's name or None, office, role) of each participant, in order."""
    return [
        (p.person.name if p.person else None, str(p.office), p.role)
        for p in release.participants.select_related("person", "office__organisation")
    ]


def test_participants_are_the_offices_and_people_named(seed_release):
    assert participant_rows(seed_release) == SEED_PARTICIPANTS


def test_partnerships_are_dated_to_the_month_and_based_on_memoranda(demo):
    sco_cis = OrganisationRelation.objects.get(
        organisation__short_name="SCO", other__short_name="CIS"
    )
    sco_csto = OrganisationRelation.objects.get(
        organisation__short_name="SCO", other__short_name="CSTO"
    )
    assert sco_cis.kind == sco_csto.kind == OrganisationRelation.Kind.PARTNER
    assert sco_cis.since_display == "April 2005"
    assert sco_csto.since_display == "October 2007"
    assert sco_cis.basis.kind == sco_csto.basis.kind == Document.Kind.MEMORANDUM


def test_documents_named_in_the_release(seed_release):
    memorandum = Document.objects.get(date=datetime.date(2018, 5, 1))
    assert memorandum.date_display == "May 2018"
    assert set(memorandum.parties.values_list("name", flat=True)) == {
        "CSTO Secretariat",
        "CIS Anti-Terrorism Centre",
        "SCO Regional Anti-Terrorist Structure",
    }
    kinds = set(seed_release.documents.values_list("kind", flat=True))
    assert {Document.Kind.MEMORANDUM, Document.Kind.JOINT_APPEAL, Document.Kind.PROGRAMME} <= kinds


def test_seed_release_is_tagged_with_its_topics(seed_release):
    names = {tag.name for tag in seed_release.tags.all()}
    assert {"counterterrorism", "youth", "drug trafficking", "security"} <= names


def test_samples_cover_every_other_state_and_say_they_are_samples(demo, seed_release):
    samples = PressRelease.objects.exclude(translation_group=seed_release.translation_group)
    states = {(r.status, r.is_scheduled()) for r in samples}
    assert states == {
        (PressRelease.Status.DRAFT, False),
        (PressRelease.Status.IN_REVIEW, False),
        (PressRelease.Status.PUBLISHED, True),
        (PressRelease.Status.WITHDRAWN, False),
    }
    for sample in samples:
        assert sample.title.startswith("Sample")
        assert "sample" in sample.lead


def test_loading_the_demo_twice_duplicates_nothing(demo):
    counts = {model: model.objects.count() for model in [PressRelease, Organisation, Participant]}
    call_command("loaddata", "demo", verbosity=0)
    assert {model: model.objects.count() for model in counts} == counts


@pytest.mark.django_db(transaction=True, reset_sequences=True, serialized_rollback=True)
def test_committed_fixture_matches_a_fresh_build(tmp_path, settings):
    output = tmp_path / "demo.json"
    call_command("build_demo_fixture", str(output), verbosity=0)
    committed = (settings.BASE_DIR / "fixtures/demo.json").read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == committed
