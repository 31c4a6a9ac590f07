"""The demo data set, built from the source documents in ``fixtures/documents/``.

``manage.py build_demo_fixture`` runs ``build_demo()`` on an empty database and
dumps the result to ``fixtures/demo.json``. Reference data (organisations,
offices, people, relations, documents) carries only what the source documents
state; sample releases say in their titles and text that they are samples.
"""

import datetime
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import (
    Appointment,
    DatePrecision,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Participant,
    Person,
    PressRelease,
    PressReleaseTransition,
)

DOCUMENTS_DIR = Path(settings.BASE_DIR) / "fixtures" / "documents"
SEED_DOCUMENT = "000_7793fefd8a322438.txt"
SEED_SLUG = (
    "sco-secretary-general-meets-top-administrative-officials-of-the-cis-and-csto-in-qingdao"
)

ORGANISATIONS = [
    # slug, name, short name, kind, parent slug
    ("sco", "Shanghai Cooperation Organisation", "SCO", "intergovernmental", None),
    ("cis", "Commonwealth of Independent States", "CIS", "intergovernmental", None),
    ("csto", "Collective Security Treaty Organisation", "CSTO", "intergovernmental", None),
    ("united-nations", "United Nations", "UN", "intergovernmental", None),
    ("csto-secretariat", "CSTO Secretariat", "", "secretariat", "csto"),
    ("cis-anti-terrorism-centre", "CIS Anti-Terrorism Centre", "", "body", "cis"),
    (
        "sco-regional-anti-terrorist-structure",
        "SCO Regional Anti-Terrorist Structure",
        "SCO RATS",
        "body",
        "sco",
    ),
    ("cis-executive-committee", "CIS Executive Committee", "", "body", "cis"),
]

DOCUMENTS = [
    {
        "slug": "memorandum-csto-secretariat-cis-atc-sco-rats-2018",
        "title": (
            "Memorandum of Understanding on cooperation and interaction between the CSTO "
            "Secretariat, the CIS Anti-Terrorism Centre and the SCO Regional Anti-Terrorist "
            "Structure"
        ),
        "kind": Document.Kind.MEMORANDUM,
        "date": datetime.date(2018, 5, 1),
        "date_precision": DatePrecision.MONTH,
        "parties": [
            "csto-secretariat",
            "cis-anti-terrorism-centre",
            "sco-regional-anti-terrorist-structure",
        ],
        "summary": "Signed in May 2018 between the three anti-terrorism bodies.",
    },
    {
        "slug": "sco-heads-of-state-joint-appeal-to-youth",
        "title": "SCO Heads of State Joint Appeal to Youth",
        "kind": Document.Kind.JOINT_APPEAL,
        "date": None,
        "date_precision": DatePrecision.DAY,
        "parties": ["sco"],
        "summary": (
            "Aimed at preventing the involvement of youth in the activities of terrorist and "
            "extremist organisations; due for adoption at the SCO Summit in Qingdao in June 2018."
        ),
    },
    {
        "slug": "programme-of-action-joint-appeal-to-youth",
        "title": "Programme of Action for the Implementation of the SCO Heads of State Joint Appeal to Youth",
        "kind": Document.Kind.PROGRAMME,
        "date": None,
        "date_precision": DatePrecision.DAY,
        "parties": ["sco"],
        "summary": "The programme of action accompanying the Joint Appeal to Youth.",
    },
    {
        "slug": "memorandum-of-understanding-sco-cis",
        "title": "Memorandum of Understanding between the SCO and the CIS",
        "kind": Document.Kind.MEMORANDUM,
        "date": None,
        "date_precision": DatePrecision.DAY,
        "parties": ["sco", "cis"],
        "summary": "The basis of the partnership between the SCO and the CIS, partners since April 2005.",
    },
    {
        "slug": "memorandum-of-understanding-sco-csto",
        "title": "Memorandum of Understanding between the SCO and the CSTO",
        "kind": Document.Kind.MEMORANDUM,
        "date": None,
        "date_precision": DatePrecision.DAY,
        "parties": ["sco", "csto"],
        "summary": "The basis of the partnership between the SCO and the CSTO, partners since October 2007.",
    },
]

RELATIONS = [
    # organisation, other, since, precision, basis
    (
        "sco",
        "cis",
        datetime.date(2005, 4, 1),
        DatePrecision.MONTH,
        "memorandum-of-understanding-sco-cis",
    ),
    (
        "sco",
        "csto",
        datetime.date(2007, 10, 1),
        DatePrecision.MONTH,
        "memorandum-of-understanding-sco-csto",
    ),
]

OFFICES = [
    # organisation, slug, title
    ("sco", "secretary-general", "Secretary-General"),
    ("cis", "chairman-of-the-executive-committee-executive-secretary", "Chairman of the Executive Committee — Executive Secretary"),
    ("csto", "secretary-general", "Secretary-General"),
]  # fmt: skip

PEOPLE = [
    # slug, name, office (organisation, slug)
    ("sergei-lebedev", "Sergei Lebedev", ("cis", "chairman-of-the-executive-committee-executive-secretary")),
    ("yury-khachaturov", "Yury Khachaturov", ("csto", "secretary-general")),
]  # fmt: skip

SEED_TAGS = [
    "counterterrorism",
    "youth",
    "drug trafficking",
    "security",
    "trade and economic cooperation",
    "cultural and humanitarian cooperation",
]


def stable_translation_group(slug):
    """A translation group that stays the same each time the fixture is built."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pressoffice:release:{slug}")


SAMPLE_NOTE = (
    "This is a sample release that shows the editorial workflow in the demo; "
    "it reports no real event."
)

SAMPLES = [
    {
        "slug": "sample-draft-release",
        "title": "Sample: a draft release being written",
        "status": PressRelease.Status.DRAFT,
        "transitions": [],
    },
    {
        "slug": "sample-release-in-review",
        "title": "Sample: a release waiting for an editor's review",
        "status": PressRelease.Status.IN_REVIEW,
        "transitions": [("draft", "in_review", "Sample: submitted for review.")],
    },
    {
        "slug": "sample-scheduled-release",
        "title": "Sample: a release scheduled for publication",
        "status": PressRelease.Status.PUBLISHED,
        "publish_at": datetime.datetime(2099, 1, 1, 9, 0, tzinfo=datetime.UTC),
        "transitions": [
            ("draft", "in_review", "Sample: submitted for review."),
            ("in_review", "published", "Sample: scheduled under embargo."),
        ],
    },
    {
        "slug": "sample-withdrawn-release",
        "title": "Sample: a release that was published and then withdrawn",
        "status": PressRelease.Status.WITHDRAWN,
        "publish_at": datetime.datetime(2018, 6, 10, 9, 0, tzinfo=datetime.UTC),
        "withdrawn_at": datetime.datetime(2018, 6, 11, 9, 0, tzinfo=datetime.UTC),
        "withdrawal_reason": "Sample: withdrawn to show how a withdrawn release looks to readers.",
        "transitions": [
            ("draft", "in_review", "Sample: submitted for review."),
            ("in_review", "published", ""),
            ("published", "withdrawn", "Sample: withdrawn to show how a withdrawn release looks to readers."),
        ],
    },
]  # fmt: skip


def read_document(path):
    """Split a seed-form document into its title and paragraphs.

    The title line may be repeated as the next line; that repeat is dropped.
    """
    # Only ASCII white space is folded: the texts use no-break spaces on purpose.
    text = path.read_text(encoding="utf-8")
    blocks = [re.sub(r"[ \t\r\n]+", " ", block).strip(" ") for block in text.split("\n\n")]
    blocks = [block for block in blocks if block]
    title, paragraphs = blocks[0], blocks[1:]
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return title, paragraphs


def paragraphs_to_html(paragraphs):
    from django.utils.html import escape

    return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def build_reference_data():
    organisations = {}
    for slug, name, short_name, kind, parent_slug in ORGANISATIONS:
        organisations[slug] = Organisation.objects.create(
            slug=slug,
            name=name,
            short_name=short_name,
            kind=kind,
            parent=organisations.get(parent_slug),
        )
    documents = {}
    for spec in DOCUMENTS:
        spec = dict(spec)
        parties = spec.pop("parties")
        document = Document.objects.create(**spec)
        document.parties.set([organisations[slug] for slug in parties])
        documents[document.slug] = document
    for organisation, other, since, precision, basis in RELATIONS:
        OrganisationRelation.objects.create(
            organisation=organisations[organisation],
            other=organisations[other],
            kind=OrganisationRelation.Kind.PARTNER,
            since=since,
            since_precision=precision,
            basis=documents[basis],
        )
    offices = {}
    for organisation, slug, title in OFFICES:
        offices[(organisation, slug)] = Office.objects.create(
            organisation=organisations[organisation], slug=slug, title=title
        )
    people = {}
    for slug, name, office_key in PEOPLE:
        person = Person.objects.create(slug=slug, name=name)
        # The source names them in these offices; it gives no term dates.
        Appointment.objects.create(person=person, office=offices[office_key])
        people[slug] = person
    return organisations, documents, offices, people


def build_seed_release(organisations, documents, offices, people):
    title, paragraphs = read_document(DOCUMENTS_DIR / SEED_DOCUMENT)
    published_at = datetime.datetime(2018, 6, 9, 12, 0, tzinfo=datetime.UTC)
    release = PressRelease.objects.create(
        kind=PressRelease.Kind.PRESS_RELEASE,
        title=title,
        slug=SEED_SLUG,
        lead=paragraphs[0],
        body=paragraphs_to_html(paragraphs[1:]),
        dateline_place="Qingdao",
        dateline_date=datetime.date(2018, 6, 9),
        language="en",
        translation_group=stable_translation_group(SEED_SLUG),
        status=PressRelease.Status.PUBLISHED,
        publish_at=published_at,
        first_published_at=published_at,
        created_at=published_at,
        updated_at=published_at,
    )
    release.organisations.set(organisations.values())
    release.documents.set(documents.values())
    release.tags.set(SEED_TAGS)
    Participant.objects.create(
        release=release,
        office=offices[("sco", "secretary-general")],
        role=Participant.Role.CHAIR,
        order=1,
    )
    for order, (slug, _name, office_key) in enumerate(PEOPLE, start=2):
        Participant.objects.create(
            release=release,
            person=people[slug],
            office=offices[office_key],
            role=Participant.Role.PARTICIPANT,
            order=order,
        )
    for from_status, to_status in [("draft", "in_review"), ("in_review", "published")]:
        PressReleaseTransition.objects.create(
            release=release, from_status=from_status, to_status=to_status, at=published_at
        )
    return release


def build_samples(organisations):
    created_at = datetime.datetime(2018, 6, 9, 12, 0, tzinfo=datetime.UTC)
    for spec in SAMPLES:
        publish_at = spec.get("publish_at")
        release = PressRelease.objects.create(
            kind=PressRelease.Kind.NEWS,
            title=spec["title"],
            slug=spec["slug"],
            lead=SAMPLE_NOTE,
            body=f"<p>{SAMPLE_NOTE}</p>",
            dateline_place="Sample place",
            language="en",
            translation_group=stable_translation_group(spec["slug"]),
            status=spec["status"],
            publish_at=publish_at,
            first_published_at=publish_at if spec["status"] == "withdrawn" else None,
            withdrawn_at=spec.get("withdrawn_at"),
            withdrawal_reason=spec.get("withdrawal_reason", ""),
            created_at=created_at,
            updated_at=created_at,
        )
        release.organisations.set([organisations["sco"]])
        release.tags.set(["sample"])
        for from_status, to_status, comment in spec["transitions"]:
            PressReleaseTransition.objects.create(
                release=release,
                from_status=from_status,
                to_status=to_status,
                comment=comment,
                at=created_at,
            )


@transaction.atomic
def build_demo():
    organisations, documents, offices, people = build_reference_data()
    build_seed_release(organisations, documents, offices, people)
    build_samples(organisations)
