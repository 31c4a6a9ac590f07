"""The demo data set, built from the source documents in ``fixtures/documents/``.

``manage.py build_demo_fixture`` runs ``build_demo()`` on an empty database and
dumps the result to ``fixtures/demo.json``. The curated reference data
(organisations, offices, people, relations, documents) carries only what the
source documents state. The releases come from the documents through the
importer, exactly as ``import_documents`` makes them; the curated extras an
editor would add (slug, kind, topics, documents, publication) are applied on
top. Sample releases say in their titles and text that they are samples.

Names in Russian and Chinese are the organisations' own where they are sure;
where not, they are left empty and the site shows the English. The seed
release's Russian and Chinese versions are sample translations of its title and
lead, and say so; their text stays in English with a note.
"""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .editorial import editing
from .importing.service import DocumentImporter, sources_from_paths
from .models import (
    Appointment,
    DatePrecision,
    Document,
    Office,
    Organisation,
    OrganisationRelation,
    Person,
    PressRelease,
    Topic,
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

# The official names in Russian and Chinese, by organisation; what is not here shows in English.
ORGANISATION_NAMES = {
    "sco": {
        "name_ru": "Шанхайская организация сотрудничества",
        "short_name_ru": "ШОС",
        "name_zh_hans": "上海合作组织",
        "short_name_zh_hans": "上合组织",
    },
    "cis": {
        "name_ru": "Содружество Независимых Государств",
        "short_name_ru": "СНГ",
        "name_zh_hans": "独立国家联合体",
        "short_name_zh_hans": "独联体",
    },
    "csto": {
        "name_ru": "Организация Договора о коллективной безопасности",
        "short_name_ru": "ОДКБ",
        "name_zh_hans": "集体安全条约组织",
    },
    "united-nations": {
        "name_ru": "Организация Объединённых Наций",
        "short_name_ru": "ООН",
        "name_zh_hans": "联合国",
    },
    "csto-secretariat": {"name_ru": "Секретариат ОДКБ"},
    "cis-anti-terrorism-centre": {
        "name_ru": "Антитеррористический центр государств — участников Содружества "
        "Независимых Государств",
        "short_name_ru": "АТЦ СНГ",
    },
    "sco-regional-anti-terrorist-structure": {
        "name_ru": "Региональная антитеррористическая структура ШОС",
        "short_name_ru": "РАТС ШОС",
        "name_zh_hans": "上海合作组织地区反恐怖机构",
    },
    "cis-executive-committee": {
        "name_ru": "Исполнительный комитет Содружества Независимых Государств",
        "short_name_ru": "Исполком СНГ",
    },
}

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
    # organisation, slug, title, in Russian and Chinese ("" shows the English)
    ("sco", "secretary-general", "Secretary-General", "Генеральный секретарь", "秘书长"),
    ("cis", "chairman-of-the-executive-committee-executive-secretary", "Chairman of the Executive Committee — Executive Secretary",
     "Председатель Исполнительного комитета — Исполнительный секретарь", ""),
    ("csto", "secretary-general", "Secretary-General", "Генеральный секретарь", "秘书长"),
]  # fmt: skip

PEOPLE = [
    # slug, name, name in Russian, office (organisation, slug)
    ("sergei-lebedev", "Sergei Lebedev", "Сергей Лебедев", ("cis", "chairman-of-the-executive-committee-executive-secretary")),
    ("yury-khachaturov", "Yury Khachaturov", "Юрий Хачатуров", ("csto", "secretary-general")),
]  # fmt: skip

SEED_TAGS = [
    "counterterrorism",
    "youth",
    "drug trafficking",
    "security",
    "trade and economic cooperation",
    "cultural and humanitarian cooperation",
]
# The topics' names in Russian and Chinese.
TOPIC_NAMES = {
    "counterterrorism": ("борьба с терроризмом", "反恐"),
    "youth": ("молодёжь", "青年"),
    "drug trafficking": ("незаконный оборот наркотиков", "毒品贩运"),
    "security": ("безопасность", "安全"),
    "trade and economic cooperation": ("торгово-экономическое сотрудничество", "经贸合作"),
    "cultural and humanitarian cooperation": ("культурно-гуманитарное сотрудничество", "人文合作"),
    "sample": ("пример", "示例"),
}

# The seed release in Russian and Chinese: its title and lead translated, labelled as
# sample translations; the text stays in English, after a note that says so.
SEED_TRANSLATIONS = {
    "ru": {
        "title": "Генеральный секретарь ШОС встретился с высшими административными "
        "должностными лицами СНГ и ОДКБ в Циндао",
        "lead": "9 июня 2018 года в Циндао Генеральный секретарь ШОС председательствовал на "
        "встрече в регулярном формате с высшими административными должностными лицами СНГ, "
        "ОДКБ и ШОС. (Образец перевода для демонстрационных данных: переведены только "
        "заголовок и этот абзац.)",
        "note": "Образец перевода для демонстрационных данных. Полный текст пресс-релиза "
        "приводится ниже на английском языке.",
        "dateline_place": "Циндао",
    },
    "zh-hans": {
        "title": "上合组织秘书长在青岛会见独联体和集体安全条约组织最高行政官员",
        "lead": "2018年6月9日，上合组织秘书长在青岛主持召开独联体、集体安全条约组织和上合组织"
        "最高行政官员例行会晤。（演示数据的翻译样例：仅翻译了标题和本段。）",
        "note": "演示数据的翻译样例。新闻稿全文以英文原文列于下方。",
        "dateline_place": "青岛",
    },
}


# What editors added to the imported drafts, by document file name.
CURATED_RELEASES = {
    SEED_DOCUMENT: {
        "slug": SEED_SLUG,
        "kind": PressRelease.Kind.PRESS_RELEASE,
        "tags": SEED_TAGS,
        "documents": [spec["slug"] for spec in DOCUMENTS],
        "published_at": datetime.datetime(2018, 6, 9, 12, 0, tzinfo=datetime.UTC),
    },
}
# Imported drafts carry this as their creation time so that every build is the same.
IMPORTED_AT = datetime.datetime(2018, 6, 9, 12, 0, tzinfo=datetime.UTC)


class DemoBuildError(Exception):
    """The source documents or curated data do not make a demo."""


def stable_translation_group(slug):
    """A translation group that stays the same each time the fixture is built."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pressoffice:release:{slug}")


SAMPLE_NOTE = (
    "This is a sample release that shows the editorial workflow in the demo; "
    "it reports no real event."
)

SAMPLE_CREATED_AT = datetime.datetime(2018, 6, 9, 12, 0, tzinfo=datetime.UTC)
SUBMITTED = ("submit", SAMPLE_CREATED_AT, {"comment": "Sample: submitted for review."})
WITHDRAWAL_REASON = "Sample: withdrawn to show how a withdrawn release looks to readers."

# Each sample is taken through the workflow by these steps: (transition, when, arguments).
SAMPLES = [
    {
        "slug": "sample-draft-release",
        "title": "Sample: a draft release being written",
        "steps": [],
    },
    {
        "slug": "sample-release-in-review",
        "title": "Sample: a release waiting for an editor's review",
        "steps": [SUBMITTED],
    },
    {
        "slug": "sample-scheduled-release",
        "title": "Sample: a release scheduled for publication",
        "steps": [
            SUBMITTED,
            ("publish", SAMPLE_CREATED_AT, {
                "at": datetime.datetime(2099, 1, 1, 9, 0, tzinfo=datetime.UTC),
                "comment": "Sample: scheduled under embargo.",
            }),
        ],
    },
    {
        "slug": "sample-withdrawn-release",
        "title": "Sample: a release that was published and then withdrawn",
        "steps": [
            SUBMITTED,
            ("publish", datetime.datetime(2018, 6, 10, 9, 0, tzinfo=datetime.UTC), {}),
            ("withdraw", datetime.datetime(2018, 6, 11, 9, 0, tzinfo=datetime.UTC), {"comment": WITHDRAWAL_REASON}),
        ],
    },
]  # fmt: skip


def build_reference_data():
    organisations = {}
    for slug, name, short_name, kind, parent_slug in ORGANISATIONS:
        organisations[slug] = Organisation.objects.create(
            slug=slug,
            name=name,
            short_name=short_name,
            kind=kind,
            parent=organisations.get(parent_slug),
            **ORGANISATION_NAMES.get(slug, {}),
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
    for organisation, slug, title, title_ru, title_zh_hans in OFFICES:
        offices[(organisation, slug)] = Office.objects.create(
            organisation=organisations[organisation],
            slug=slug,
            title=title,
            title_ru=title_ru,
            title_zh_hans=title_zh_hans,
        )
    people = {}
    for slug, name, name_ru, office_key in PEOPLE:
        person = Person.objects.create(slug=slug, name=name, name_ru=name_ru)
        # The source names them in these offices; it gives no term dates.
        Appointment.objects.create(person=person, office=offices[office_key])
        people[slug] = person
    return organisations, documents, offices, people


def import_source_documents():
    """Import every document in ``fixtures/documents/`` as the office would."""
    importer = DocumentImporter(now=IMPORTED_AT)
    releases = {}
    for result in importer.import_all(sources_from_paths([DOCUMENTS_DIR])):
        if result.failed:
            raise DemoBuildError(f"{result.name} could not be imported: {result.reason}")
        release = PressRelease.objects.get(slug=result.slug)
        # A fixture built twice must come out the same: no random translation groups.
        release.translation_group = stable_translation_group(release.slug)
        releases[Path(result.name).name] = editing.save_release(release, by=None, now=IMPORTED_AT)
    return releases


def create_fixture_editor():
    """An editor who moves the demo releases through the workflow while the data is built.

    It is deleted before the data is dumped, so the fixture holds no account.
    """
    editor = get_user_model().objects.create(username="demo-fixture-builder", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


def apply_curation(release, spec, documents, editor):
    """What editors did with an imported draft: slug, kind, topics, documents, publication."""
    release.slug = spec["slug"]
    release.kind = spec["kind"]
    release.translation_group = stable_translation_group(spec["slug"])
    editing.save_release(
        release,
        by=editor,
        comment="Curated: slug, kind, topics and documents.",
        links=[
            editing.documents([documents[slug] for slug in spec["documents"]]),
            editing.topics(spec["tags"]),
        ],
        now=IMPORTED_AT,
    )
    published_at = spec.get("published_at")
    if published_at is not None:
        release.submit(editor, now=published_at)
        release.publish(editor, now=published_at)


def name_topics():
    for topic in Topic.objects.filter(name__in=TOPIC_NAMES):
        topic.name_ru, topic.name_zh_hans = TOPIC_NAMES[topic.name]
        topic.save()


def build_seed_translations(seed, editor, published_at):
    """The seed release's sample translations, in its group, published with it."""
    for language, spec in SEED_TRANSLATIONS.items():
        release = PressRelease(
            kind=seed.kind,
            title=spec["title"],
            slug=f"{seed.slug}-{language}",
            lead=spec["lead"],
            body=f"<p><em>{spec['note']}</em></p>{seed.body}",
            dateline_place=spec["dateline_place"],
            dateline_date=seed.dateline_date,
            language=language,
            translation_group=seed.translation_group,
            translated_from=seed,
            created_at=published_at,
        )
        editing.save_release(
            release,
            by=editor,
            comment="Sample translation of the title and lead.",
            links=editing.content_links_of(seed),
            now=published_at,
            caught_up_with=seed.content_version,
        )
        release.submit(editor, now=published_at)
        release.publish(editor, now=published_at)


def build_samples(organisations, editor):
    for spec in SAMPLES:
        release = PressRelease(
            kind=PressRelease.Kind.NEWS,
            title=spec["title"],
            slug=spec["slug"],
            lead=SAMPLE_NOTE,
            body=f"<p>{SAMPLE_NOTE}</p>",
            dateline_place="Sample place",
            dateline_date=SAMPLE_CREATED_AT.date(),
            language="en",
            translation_group=stable_translation_group(spec["slug"]),
            created_at=SAMPLE_CREATED_AT,
        )
        editing.save_release(
            release,
            by=editor,
            comment="Sample release.",
            links=[editing.organisations([organisations["sco"]]), editing.topics(["sample"])],
            now=SAMPLE_CREATED_AT,
        )
        for step, now, arguments in spec["steps"]:
            getattr(release, step)(editor, now=now, **arguments)


@transaction.atomic
def build_demo():
    organisations, documents, _offices, _people = build_reference_data()
    releases = import_source_documents()
    editor = create_fixture_editor()
    for name, spec in CURATED_RELEASES.items():
        if name not in releases:
            raise DemoBuildError(f"The curated document {name} is missing from {DOCUMENTS_DIR}.")
        apply_curation(releases[name], spec, documents, editor)
    seed = releases[SEED_DOCUMENT]
    build_seed_translations(seed, editor, CURATED_RELEASES[SEED_DOCUMENT]["published_at"])
    build_samples(organisations, editor)
    name_topics()
    editor.delete()
