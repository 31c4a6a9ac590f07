"""The public interface in Russian (/ru/) and Simplified Chinese (/zh-hans/).

English pages stay exactly as they were; the catalogues are complete and the
committed .mo files say what the .po files say.
"""

import ast
import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from newsroom.demo import SEED_SLUG

pytestmark = pytest.mark.django_db

BASE = datetime.datetime(2024, 3, 10, 9, 0, tzinfo=datetime.UTC)
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUES = ["ru", "zh_Hans"]
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def text(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# Pages


@pytest.mark.parametrize(
    "prefix, lang, strings",
    [
        ("", "en", ["Latest news", "Search the news", ">Search</button>", ">Organisations</a>"]),
        ("/ru", "ru", ["Последние новости", "Поиск по новостям", ">Поиск</button>", ">Организации</a>"]),
        ("/zh-hans", "zh-hans", ["最新消息", "搜索新闻", ">搜索</button>", ">组织</a>"]),
    ],
)  # fmt: skip
def test_home_page_speaks_the_language_of_its_prefix(client, make_release, prefix, lang, strings):
    make_release()
    page = text(client, f"{prefix}/")
    assert f'<html lang="{lang}">' in page
    for string in strings:
        assert string in page


def test_english_home_page_keeps_its_english_interface(client, make_release):
    make_release()
    page = text(client, "/")
    assert "Press office of the secretariat" in page
    assert "Последние новости" not in page and "最新消息" not in page


@pytest.mark.parametrize(
    "prefix, strings",
    [
        ("", ["Participants", "QINGDAO, 9 June 2018 —", "Published", "(chair)", "Press release"]),
        ("/ru", ["Участники", "QINGDAO, 9 June 2018 —", "Опубликовано", "(председательствующий)", "Пресс-релиз"]),
        ("/zh-hans", ["与会者", "QINGDAO, 9 June 2018 —", "发布于", "(主持人)", "新闻稿"]),
    ],
)  # fmt: skip
def test_release_page_interface_follows_the_language_and_the_dateline_the_release(
    client, demo, prefix, strings
):
    page = text(client, f"{prefix}/news/{SEED_SLUG}/")
    for string in strings:
        assert string in page
    # The release itself is not translated: its title stays as written.
    assert "SCO Secretary-General meets" in page


@pytest.mark.parametrize(
    "prefix, strings",
    [
        ("/ru", ["<h1>Все новости</h1>", "Тип", "Тема", ">Пресс-релиз</option>", ">Новость</option>", ">Показать</button>"]),
        ("/zh-hans", ["<h1>全部新闻</h1>", "类型", "主题", ">新闻稿</option>", ">新闻</option>", ">显示</button>"]),
    ],
)  # fmt: skip
def test_news_list_filters_are_translated(client, make_release, prefix, strings):
    make_release()
    page = text(client, f"{prefix}/news/")
    for string in strings:
        assert string in page


@pytest.mark.parametrize(
    "prefix, heading, found",
    [
        ("", "Search the news", "2 releases found."),
        ("/ru", "Поиск по новостям", "Найдено 2 материала."),
        ("/zh-hans", "搜索新闻", "找到 2 篇新闻稿。"),
    ],
)
def test_search_page_is_translated_with_plural_forms(client, make_release, prefix, heading, found):
    make_release(title="Qingdao summit one")
    make_release(title="Qingdao summit two", slug="second")
    page = text(client, f"{prefix}/search/?q=summit")
    assert f"<h1>{heading}</h1>" in page
    assert found in page


@pytest.mark.parametrize(
    "count, expected",
    [
        (1, "Найден 1 материал."),
        (3, "Найдено 3 материала."),
        (5, "Найдено 5 материалов."),
        (11, "Найдено 11 материалов."),
        (21, "Найден 21 материал."),
        (24, "Найдено 24 материала."),
    ],
)
def test_russian_result_count_uses_the_right_plural_form(count, expected):
    with translation.override("ru"):
        message = translation.ngettext(
            "%(counter)s release found.", "%(counter)s releases found.", count
        )
    assert message % {"counter": count} == expected


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("", "partner since April 2005"),
        ("/ru", "партнёр с апреля 2005"),
        ("/zh-hans", "自2005年4月起为合作伙伴，依据"),
    ],
)
def test_organisation_relations_read_naturally_in_each_language(client, demo, prefix, expected):
    assert expected in text(client, f"{prefix}/organisations/cis/")


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("", "This release was withdrawn on <time"),
        ("/ru", "Этот материал отозван <time"),
        ("/zh-hans", "本新闻稿已于<time"),
    ],
)
def test_withdrawal_notice_is_translated_with_its_date(client, make_release, prefix, expected):
    release = make_release(
        status="withdrawn", first_published_at=BASE, withdrawn_at=BASE + datetime.timedelta(1)
    )
    page = text(client, f"{prefix}/news/{release.slug}/", status=410)
    assert expected in page
    date = {"": "11 March 2024", "/ru": "11 марта 2024", "/zh-hans": "2024年3月11日"}[prefix]
    assert f">{date}</time>" in page


@pytest.mark.parametrize(
    "prefix, expected", [("/ru", "Страница не найдена"), ("/zh-hans", "页面未找到")]
)
def test_not_found_page_is_translated(client, db, prefix, expected):
    assert expected in text(client, f"{prefix}/news/no-such-release/", status=404)


@pytest.mark.parametrize(
    "prefix, expected", [("", "Not found."), ("/ru", "Не найдено."), ("/zh-hans", "未找到。")]
)
def test_api_errors_are_translated(client, db, prefix, expected):
    response = client.get(f"{prefix}/api/releases/no-such-release/")
    assert response.status_code == 404
    assert response.json() == {"detail": expected}


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("", "Press office: latest news"),
        ("/ru", "Пресс-служба: последние новости"),
        ("/zh-hans", "新闻办公室：最新消息"),
    ],
)
def test_feed_title_is_translated(client, make_release, prefix, expected):
    make_release()
    assert f"<title>{expected}</title>" in text(client, f"{prefix}/feeds/news.rss")


def test_choice_labels_follow_the_active_language():
    from newsroom.models import Document, Organisation, Participant, PressRelease

    with translation.override("ru"):
        assert str(Organisation.Kind.INTERGOVERNMENTAL.label) == "Межправительственная организация"
        assert str(Document.Kind.MEMORANDUM.label) == "Меморандум о взаимопонимании"
        assert str(Participant.Role.PARTICIPANT.label) == "Участник"
    with translation.override("zh-hans"):
        assert str(PressRelease.Kind.STATEMENT.label) == "声明"
        assert str(Document.Kind.MEMORANDUM.label) == "谅解备忘录"
    with translation.override("en"):
        assert str(PressRelease.Kind.PRESS_RELEASE.label) == "Press release"


# Catalogues


def parse_po(path):
    """The entries of a .po file: msgid, msgid_plural, msgstr (list of forms), flags."""
    entries, entry, key = [], None, None
    for line in [*Path(path).read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {
                "flags": set(),
                "msgctxt": None,
                "msgid": "",
                "msgid_plural": None,
                "msgstr": {},
            }
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#~"):
            entry["flags"].add("obsolete")
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            else:
                entry[key[0]] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            if match:
                key = ("msgstr", int(match.group(1) or 0))
                entry["msgstr"][key[1]] = value
            else:
                key = (keyword, None)
                entry[keyword] = value
    for entry in entries:
        # gettext's own key: a context, when there is one, joined to the msgid by EOT.
        context = entry["msgctxt"]
        entry["key"] = entry["msgid"] if context is None else f"{context}\x04{entry['msgid']}"
    return [entry for entry in entries if entry["msgid"]], entries[0]


def plural_count(header):
    match = re.search(r"nplurals=(\d+)", header["msgstr"][0])
    return int(match.group(1))


@pytest.mark.parametrize("locale", CATALOGUES)
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(locale):
    entries, header = parse_po(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po")
    assert "fuzzy" not in header["flags"]
    assert len(entries) > 50
    forms = plural_count(header)
    for entry in entries:
        assert not entry["flags"] & {"fuzzy", "obsolete"}, entry["msgid"]
        expected_forms = forms if entry["msgid_plural"] is not None else 1
        assert len(entry["msgstr"]) == expected_forms, entry["msgid"]
        assert all(form.strip() for form in entry["msgstr"].values()), entry["msgid"]
        # The placeholders of the English text all reappear in the translation.
        placeholders = set(re.findall(r"%\(\w+\)s", entry["msgid"]))
        for form in entry["msgstr"].values():
            assert set(re.findall(r"%\(\w+\)s", form)) == placeholders, entry["msgid"]


def test_both_catalogues_hold_the_same_messages():
    msgids = [
        {entry["key"] for entry in parse_po(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po")[0]}
        for locale in CATALOGUES
    ]
    assert msgids[0] == msgids[1]


def test_every_translate_tag_of_the_public_templates_is_in_the_catalogues():
    entries, _ = parse_po(LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.po")
    msgids = {entry["key"] for entry in entries}
    tag = re.compile(r"""{%\s*translate\s+(?:"([^"]*)"|'([^']*)')""")
    missing = []
    for path in TEMPLATES_DIR.rglob("*.html"):
        if "admin" in path.relative_to(TEMPLATES_DIR).parts:
            continue
        for match in tag.finditer(path.read_text(encoding="utf-8")):
            msgid = match.group(1) if match.group(1) is not None else match.group(2)
            if msgid not in msgids:
                missing.append((path.name, msgid))
    assert missing == [], "run manage.py makemessages and translate these"


@pytest.mark.parametrize("locale", CATALOGUES)
def test_compiled_catalogue_matches_its_po_file(locale):
    """The committed .mo says exactly what the .po says: compilemessages was run."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    entries, _ = parse_po(folder / "django.po")
    with open(folder / "django.mo", "rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog
    expected = {}
    for entry in entries:
        if entry["msgid_plural"] is None:
            expected[entry["key"]] = entry["msgstr"][0]
        else:
            for index, form in entry["msgstr"].items():
                expected[(entry["key"], index)] = form
    compiled = {key: value for key, value in catalogue.items() if key != ""}
    assert compiled == expected
