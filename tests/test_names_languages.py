"""Names in English, Russian and Chinese, with English where a translation is missing.

Organisations, offices, people, documents and topics carry their names in each
language; pages, feeds, the API, JSON-LD, the relations diagram and the name
recogniser use them. The demo holds the official names it is sure of and the
seed release's sample translations.
"""

import html
import json
import re

import feedparser
import pytest
from django.utils import translation

from newsroom.demo import SEED_SLUG
from newsroom.importing.recogniser import Recogniser
from newsroom.importing.service import DocumentImporter, sources_from_paths
from newsroom.models import Document, Office, Organisation, Person, PressRelease, Topic

from .test_import import write

pytestmark = pytest.mark.django_db

SCO_RU = "Шанхайская организация сотрудничества"
SCO_ZH = "上海合作组织"
CIS_RU = "Содружество Независимых Государств"
CIS_ZH = "独立国家联合体"
CSTO_RU = "Организация Договора о коллективной безопасности"
CSTO_ZH = "集体安全条约组织"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def heading(text):
    return re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1).strip()


# The demo's names and translations


def test_demo_has_the_official_names_of_the_organisations_it_names(demo):
    expected = {
        "sco": (SCO_RU, "ШОС", SCO_ZH, "上合组织"),
        "cis": (CIS_RU, "СНГ", CIS_ZH, "独联体"),
        "csto": (CSTO_RU, "ОДКБ", CSTO_ZH, ""),
        "united-nations": ("Организация Объединённых Наций", "ООН", "联合国", ""),
    }
    for slug, names in expected.items():
        organisation = Organisation.objects.get(slug=slug)
        assert (
            organisation.name_ru,
            organisation.short_name_ru,
            organisation.name_zh_hans,
            organisation.short_name_zh_hans,
        ) == names
    # Where an official name is not known it stays empty and the English shows.
    assert Organisation.objects.get(slug="csto-secretariat").name_zh_hans == ""
    assert Person.objects.get(slug="sergei-lebedev").name_ru == "Сергей Лебедев"
    assert Person.objects.get(slug="yury-khachaturov").name_zh_hans == ""


def test_demo_has_the_seed_in_russian_and_chinese_published_with_it(demo):
    seed = PressRelease.objects.get(slug=SEED_SLUG)
    group = PressRelease.objects.public().filter(translation_group=seed.translation_group)
    translations = {release.language: release for release in group.exclude(pk=seed.pk)}
    assert set(translations) == {"ru", "zh-hans"}
    russian, chinese = translations["ru"], translations["zh-hans"]
    assert russian.title.startswith("Генеральный секретарь ШОС встретился")
    assert chinese.title.startswith("上合组织秘书长在青岛会见")
    # Labelled as sample translations, in their own language, where readers see them.
    assert "Образец перевода для демонстрационных данных" in russian.lead
    assert "演示数据的翻译样例" in chinese.lead
    for release in (russian, chinese):
        assert release.publish_at == seed.publish_at
        assert release.status == PressRelease.Status.PUBLISHED
        # The text stays in English, after a note that says so.
        assert release.body.endswith(seed.body)
        assert release.body.startswith("<p><em>")
        assert set(release.organisations.all()) == set(seed.organisations.all())
        assert list(release.tags.names()) == list(seed.tags.names())
    assert "английском" in russian.body and "英文原文" in chinese.body


# Pages in each language


@pytest.mark.parametrize(
    ("path", "russian", "chinese"),
    [
        ("/organisations/sco/", SCO_RU, SCO_ZH),
        ("/organisations/csto-secretariat/", "Секретариат ОДКБ", "CSTO Secretariat"),
        ("/people/sergei-lebedev/", "Сергей Лебедев", "Sergei Lebedev"),
        ("/topics/counterterrorism/", "борьба с терроризмом", "反恐"),
    ],
)
def test_a_page_names_its_record_in_the_language_read_else_in_english(
    client, demo, path, russian, chinese
):
    english = heading(page(client, path))
    assert russian != english
    assert heading(page(client, f"/ru{path}")).startswith(russian)
    assert heading(page(client, f"/zh-hans{path}")).startswith(chinese)


def test_a_document_page_uses_its_translated_title_and_falls_back(client, demo):
    document = Document.objects.get(slug="memorandum-of-understanding-sco-cis")
    document.title_ru = "Меморандум о взаимопонимании между ШОС и СНГ"
    document.save()
    path = f"/documents/{document.slug}/"
    assert heading(page(client, f"/ru{path}")) == document.title_ru
    assert heading(page(client, f"/zh-hans{path}")) == document.title
    organisation_page = page(client, "/ru/organisations/cis/")
    assert document.title_ru in organisation_page


def test_offices_and_people_are_named_in_the_language_of_the_page(client, demo):
    russian = page(client, "/ru/people/sergei-lebedev/")
    assert "Председатель Исполнительного комитета — Исполнительный секретарь" in russian
    assert CIS_RU in russian
    # No official Chinese title is known: the English one shows, with the Chinese body name.
    chinese = page(client, "/zh-hans/people/sergei-lebedev/")
    assert "Chairman of the Executive Committee — Executive Secretary" in chinese
    assert CIS_ZH in chinese


def test_release_page_names_organisations_people_and_topics_in_its_language(client, demo):
    russian = page(client, f"/ru/news/{SEED_SLUG}/")
    for name in (SCO_RU, CIS_RU, CSTO_RU, "Сергей Лебедев", "Юрий Хачатуров", "молодёжь"):
        assert name in russian
    chinese = page(client, f"/zh-hans/news/{SEED_SLUG}/")
    for name in (SCO_ZH, CIS_ZH, CSTO_ZH, "Sergei Lebedev", "青年"):
        assert name in chinese


def test_an_organisation_without_translations_shows_its_english_name(
    client, make_organisation, make_release
):
    organisation = make_organisation(name="Organisation of Tests", short_name="OOT", slug="oot")
    make_release().organisations.add(organisation)
    for prefix in ("", "/ru", "/zh-hans"):
        assert heading(page(client, f"{prefix}/organisations/oot/")) == (
            "Organisation of Tests (OOT)"
        )


def test_display_name_prefers_the_languages_own_short_name_then_its_full_name(db):
    organisation = Organisation(
        name="Collective Security Treaty Organisation",
        short_name="CSTO",
        name_ru=CSTO_RU,
        short_name_ru="ОДКБ",
        name_zh_hans=CSTO_ZH,
    )
    with translation.override("en"):
        assert organisation.display_name == "CSTO"
    with translation.override("ru"):
        assert organisation.display_name == "ОДКБ"
    with translation.override("zh-hans"):
        # No Chinese abbreviation: the Chinese name, not the English abbreviation.
        assert organisation.display_name == CSTO_ZH


# Feeds, API, JSON-LD and the diagram


def test_feeds_carry_the_localised_names(client, demo):
    feed = feedparser.parse(client.get("/ru/feeds/topics/counterterrorism.rss").content)
    assert "борьба с терроризмом" in feed.feed.title
    categories = {tag.term for entry in feed.entries for tag in entry.get("tags", [])}
    assert {"борьба с терроризмом", "молодёжь"} <= categories
    feed = feedparser.parse(client.get("/zh-hans/feeds/organisations/sco.atom").content)
    assert SCO_ZH in feed.feed.title


def test_api_carries_the_localised_names(client, demo):
    release = client.get(f"/ru/api/releases/{SEED_SLUG}/").json()
    organisations = {o["slug"]: o for o in release["organisations"]}
    assert organisations["sco"]["name"] == SCO_RU
    assert organisations["sco"]["short_name"] == "ШОС"
    assert "борьба с терроризмом" in release["tags"]
    participants = {p["name"]: p for p in release["participants"]}
    assert participants["Юрий Хачатуров"]["office"] == "Генеральный секретарь"
    assert participants["Юрий Хачатуров"]["organisation"] == CSTO_RU
    listed = client.get("/zh-hans/api/organisations/").json()["results"]
    assert {o["slug"]: o["name"] for o in listed}["cis"] == CIS_ZH
    # English stays English.
    english = client.get(f"/api/releases/{SEED_SLUG}/").json()
    assert {o["slug"]: o["name"] for o in english["organisations"]}["sco"] == (
        "Shanghai Cooperation Organisation"
    )


def json_ld(text):
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)[1]
    )


def test_json_ld_names_the_organisations_and_topics_in_the_language_of_the_page(client, demo):
    data = json_ld(client.get(f"/zh-hans/news/{SEED_SLUG}/").content.decode())
    about = {entry["name"]: entry.get("alternateName") for entry in data["about"]}
    assert about[SCO_ZH] == "上合组织"
    assert about[CSTO_ZH] == "CSTO"
    assert "反恐" in data["keywords"]
    data = json_ld(client.get(f"/ru/news/{SEED_SLUG}/").content.decode())
    assert {entry["name"] for entry in data["about"]} >= {SCO_RU, CIS_RU, CSTO_RU}


def test_relations_diagram_names_the_partners_in_the_language_of_the_page(client, demo):
    for prefix, own, partner in (("/ru", SCO_RU, CIS_RU), ("/zh-hans", SCO_ZH, CIS_ZH)):
        text = page(client, f"{prefix}/organisations/sco/")
        svg = re.search(r"<svg.*?</svg>", text, re.S).group(0)
        assert f"<title>{partner}</title>" in svg
        assert own in re.search(r'<title id="diagram-title">(.*?)</title>', svg).group(1)


# The recogniser and the importer


@pytest.mark.parametrize(
    "text",
    [
        "Генеральный секретарь ШОС провёл встречу в Циндао.",
        "Встреча прошла в рамках Шанхайская организация сотрудничества.",
        "上海合作组织秘书长在青岛会见独联体代表。",
        "上合组织秘书长在青岛会见代表。",
        "The Shanghai Cooperation Organisation met in Qingdao.",
    ],
)
def test_recogniser_links_the_sco_by_any_of_its_names(demo, text):
    recognition = Recogniser.from_database().recognise(text)
    assert Organisation.objects.get(slug="sco") in recognition.organisations


def test_recogniser_finds_offices_and_people_in_russian_and_chinese(demo):
    recogniser = Recogniser.from_database()
    sco_office = Office.objects.get(organisation__slug="sco", slug="secretary-general")
    csto_office = Office.objects.get(organisation__slug="csto", slug="secretary-general")
    recognition = recogniser.recognise(
        "Генеральный секретарь ШОС встретился с Генеральный секретарь ОДКБ Юрий Хачатуров."
    )
    links = {(link.person, link.office) for link in recognition.participants}
    assert (None, sco_office) in links
    assert (Person.objects.get(slug="yury-khachaturov"), csto_office) in links
    recognition = recogniser.recognise("上合组织秘书长会见了独联体和集体安全条约组织的代表。")
    assert [link.office for link in recognition.participants] == [sco_office]
    assert {o.slug for o in recognition.organisations} == {"sco", "cis", "csto"}


def test_a_name_inside_a_longer_word_is_not_a_mention(demo):
    recognition = Recogniser.from_database().recognise("Слово ШОСС и слово ОДКБх ничего не значат.")
    assert recognition.organisations == []


def test_importer_links_organisations_named_in_russian_and_chinese(demo, tmp_path):
    write(
        tmp_path,
        "ru.txt",
        "Встреча в Циндао\n\n9 июня 2018 года Шанхайская организация сотрудничества и СНГ "
        "провели встречу.\n\nВ ней участвовал Генеральный секретарь ОДКБ.\n",
    )
    write(
        tmp_path,
        "zh.txt",
        "青岛会晤\n\n2018年6月9日，上海合作组织与独联体举行会晤。\n\n集体安全条约组织秘书长出席。\n",
    )
    results = DocumentImporter().import_all(sources_from_paths([tmp_path]))
    linked = {}
    for result in results:
        assert not result.failed, result.reason
        release = PressRelease.objects.get(slug=result.slug)
        linked[release.language] = {o.slug for o in release.organisations.all()}
    assert linked == {"ru": {"sco", "cis", "csto"}, "zh-hans": {"sco", "cis", "csto"}}


def test_topics_are_the_projects_own_and_keep_their_names_in_each_language(demo):
    topic = Topic.objects.get(slug="drug-trafficking")
    with translation.override("ru"):
        assert topic.local_name == "незаконный оборот наркотиков"
    with translation.override("zh-hans"):
        assert topic.local_name == "毒品贩运"
    topic.name_zh_hans = ""
    with translation.override("zh-hans"):
        assert topic.local_name == "drug trafficking"


def test_a_changed_translation_shows_at_once_on_cached_pages(client, demo):
    assert "борьба с терроризмом" in page(client, "/ru/topics/counterterrorism/")
    topic = Topic.objects.get(slug="counterterrorism")
    topic.name_ru = "противодействие терроризму"
    topic.save()
    assert heading(page(client, "/ru/topics/counterterrorism/")) == "противодействие терроризму"
    assert f">{SCO_ZH}</a>" in page(client, "/zh-hans/organisations/")
    sco = Organisation.objects.get(slug="sco")
    sco.name_zh_hans = ""
    sco.save()
    assert heading(page(client, "/zh-hans/organisations/sco/")).startswith(
        "Shanghai Cooperation Organisation"
    )
    assert f">{SCO_ZH}</a>" not in page(client, "/zh-hans/organisations/")
