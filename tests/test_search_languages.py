"""Search in each language: Russian words in any grammatical form, Chinese inside sentences
without spaces, the page's language first, ranked inside the index, on either database."""

import datetime
from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.editorial import editing
from newsroom.models import Organisation, PressRelease
from newsroom.searchtext import analyse, analyse_html, search_fields
from newsroom.site.search import highlight, query_terms, search_releases

pytestmark = pytest.mark.django_db

RUSSIAN_SUMMIT = "Генеральный секретарь ШОС принял участие в работе саммита организации"
RUSSIAN_BODY = "<p>Шанхайская организация сотрудничества провела заседание.</p>"
CHINESE = "上海合作组织秘书长会见独联体和集安组织负责人"


def found(text, queryset=None, language=None):
    queryset = PressRelease.objects.public() if queryset is None else queryset
    return list(search_releases(queryset, text, language))


# The analysis both databases index


def test_russian_words_are_indexed_by_their_stems():
    assert analyse("Саммита") == analyse("саммита") == "саммит"
    assert analyse("организации") == analyse("организация") == "организац"
    # ё is written е first, as many Russian texts do.
    assert analyse("объединённых") == analyse("объединенных")


def test_chinese_is_split_into_characters_and_other_words_keep_their_form():
    assert analyse("秘书长会见") == "秘 书 长 会 见"
    assert analyse("2018年6月9日") == "2018 年 6 月 9 日"
    assert analyse("Chișinău, Qingdao!") == "chisinau qingdao"
    assert analyse_html("<p><strong>Security</strong>&nbsp;council</p>") == "security council"


def test_search_text_is_written_with_every_save(make_release):
    release = make_release(title="Саммит в Циндао", language="ru")
    release.refresh_from_db()
    assert release.search_title == analyse("Саммит в Циндао")
    release.title = "Заседание"
    release.save()
    release.refresh_from_db()
    assert release.search_title == analyse("Заседание")


# Russian


def test_a_russian_word_finds_its_other_forms(make_release):
    summit = make_release(title=RUSSIAN_SUMMIT, language="ru", slug="sammit")
    body = make_release(title="Заседание", body=RUSSIAN_BODY, language="ru", slug="zasedanie")
    make_release(title="Встреча министров", language="ru", slug="vstrecha")
    assert found("саммит") == [summit]
    assert found("саммиту") == [summit]
    # “организация” in the body, “организации” in the title: both are found, title first.
    assert found("организации") == [summit, body]
    assert found("Организация") == [summit, body]


def test_russian_words_are_highlighted_in_the_form_the_text_has(client, make_release):
    make_release(title=RUSSIAN_SUMMIT, language="ru", slug="sammit")
    page = client.get("/ru/search/", {"q": "саммит организация"}).content.decode()
    assert "<mark>саммита</mark>" in page
    assert "<mark>организации</mark>" in page
    assert "<mark>организации</mark>" in highlight(RUSSIAN_SUMMIT, query_terms("организация"))


# Chinese


def test_a_chinese_term_is_found_inside_a_sentence_without_spaces(client, make_release):
    release = make_release(title=CHINESE, language="zh-hans", slug="huijian")
    make_release(title="秘密会议", language="zh-hans", slug="mimi")
    # The demo's Chinese sample translation says 秘书长 too.
    assert release in found("秘书长")
    assert found("集安组织") == [release]
    # The characters in a row: “秘” and “长” both appear, not as “秘长”.
    assert found("秘长") == []
    page = client.get("/zh-hans/search/", {"q": "独联体"}).content.decode()
    assert "<mark>独联体</mark>" in page


def test_chinese_and_other_words_combine(make_release):
    release = make_release(title=f"{CHINESE} SCO 2018年", language="zh-hans", slug="huijian")
    make_release(title="SCO summit", slug="summit")
    assert found("SCO 秘书长") == [release]
    assert found("2018年") == [release]


# Languages on the site


def test_search_lists_the_pages_language_first(client, make_release):
    english = make_release(title="Qingdao summit", slug="qingdao-en")
    russian = make_release(title="Саммит в Qingdao", language="ru", slug="qingdao-ru")
    chinese = make_release(title="Qingdao 峰会", language="zh-hans", slug="qingdao-zh")
    assert found("qingdao", language="ru")[0] == russian
    assert found("qingdao", language="zh-hans")[0] == chinese
    assert found("qingdao", language="en")[0] == english
    page = client.get("/ru/search/", {"q": "qingdao"}).content.decode()
    assert page.index("/ru/news/qingdao-ru/") < page.index("/news/qingdao-en/")
    assert "Найдено 3 материала." in page


def test_api_search_and_language_filter_combine(client, make_release):
    make_release(title=RUSSIAN_SUMMIT, language="ru", slug="sammit")
    make_release(title="Summit", slug="summit")
    answer = client.get("/api/releases/", {"q": "саммит", "language": "ru"}).json()
    assert [item["slug"] for item in answer["results"]] == ["sammit"]
    assert client.get("/api/releases/", {"q": "саммит", "language": "en"}).json()["count"] == 0


# Every writer keeps the index current


def test_releases_created_in_bulk_are_searchable(demo, editor):
    organisation = Organisation.objects.first()
    row = {
        "title": RUSSIAN_SUMMIT,
        "slug": "bulk-sammit",
        "lead": "Лид.",
        "body": f"<p>{CHINESE}</p>",
        "language": "ru",
        "dateline_place": "Циндао",
        "dateline_date": datetime.date(2018, 6, 9),
        "status": PressRelease.Status.PUBLISHED,
        "organisations": [organisation],
    }
    [release] = editing.create_releases_in_bulk([row], by=editor)
    assert found("саммитом") == [release]
    # The demo's Chinese sample translation says 秘书长 too.
    assert release in found("秘书长")


def test_loaded_fixtures_are_searchable(demo):
    seed = PressRelease.objects.public().get(title__startswith="SCO Secretary-General meets")
    assert seed.search_body == search_fields(seed.title, seed.lead, seed.body)["search_body"]
    assert seed in found("counterterrorism cooperat")


def test_the_migration_writes_the_search_text_of_stored_releases(make_release):
    from django.apps import apps

    migration = import_module("newsroom.migrations.0012_search_languages")
    release = make_release(title=RUSSIAN_SUMMIT, language="ru", slug="sammit")
    # As before the migration: releases without search text, an index without them.
    PressRelease.objects.filter(pk=release.pk).update(
        search_title="", search_lead="", search_body=""
    )
    assert found("саммит") == []
    migration.write_search_text(apps, None)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(migration.SQLITE_CREATE[-1])  # the index's rebuild
    assert found("саммит") == [release]


# Ranked inside the index


def test_a_search_is_one_query_ranked_inside_the_index(make_release):
    for number in range(5):
        make_release(title=f"Summit {number}", body="<p>summit summit</p>")
    with CaptureQueriesContext(connection) as captured:
        results = found("summit")
    assert len(results) == 5
    [query] = [q["sql"] for q in captured.captured_queries]
    if connection.vendor == "sqlite":
        # The full-text table is joined once; bm25 is not run again per release.
        assert query.count("MATCH") == 1
        assert query.count("bm25(") == 1
        assert "SELECT -bm25" not in query
    elif connection.vendor == "postgresql":
        # The stored tsvector is read; none is built per release.
        assert "search_vector" in query
        assert "to_tsvector" not in query


def test_title_outranks_lead_outranks_body_in_russian(make_release):
    in_body = make_release(body="<p>Итоги саммита.</p>", language="ru", slug="body")
    in_title = make_release(title="Саммит", language="ru", slug="title")
    in_lead = make_release(lead="Перед саммитом.", language="ru", slug="lead")
    assert found("саммит") == [in_title, in_lead, in_body]
