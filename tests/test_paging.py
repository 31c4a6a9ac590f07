"""Deep pages of a list start from their first release's sort key, not from an offset.

Whatever way a page is found, it must hold exactly the releases the plain offset
would give, in the same order, through ties of publication time and date, versions
in other languages, and releases readers cannot see; and the pages' starts must
follow a public change at once.
"""

import datetime
import uuid

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from newsroom.editorial import editing
from newsroom.models import PressRelease
from newsroom.site import paging
from newsroom.site.paging import DIRECT_OFFSET_ROWS
from newsroom.site.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

BASE = datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC)
PUBLISHED = PressRelease.Status.PUBLISHED
# Enough pages that those in the middle lie beyond where offsets are used from either end.
RELEASES = 2 * DIRECT_OFFSET_ROWS + 6 * PAGE_SIZE + 7


@pytest.fixture
def archive(db):
    """Releases whose publication times and dates tie in threes and fives, with Russian
    versions of some and releases of every other state between them."""

    def release(title, slug, **fields):
        return PressRelease(
            title=title, slug=slug, lead="Lead.", body="<p>Body.</p>", dateline_place="Qingdao",
            **fields,
        )  # fmt: skip

    releases = []
    for number in range(RELEASES):
        public = number % 11 != 5
        releases.append(
            release(
                f"Release {number}",
                f"release-{number}",
                dateline_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=number // 5),
                status=PUBLISHED if public else PressRelease.Status.DRAFT,
                publish_at=BASE - datetime.timedelta(hours=number // 3) if public else None,
                first_published_at=BASE if public else None,
            )
        )
    # Scheduled ones, hidden until their time.
    releases += [
        release(
            f"Embargoed {number}",
            f"embargoed-{number}",
            dateline_date=datetime.date(2024, 3, 1),
            status=PUBLISHED,
            publish_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
        )
        for number in range(3)
    ]
    created = PressRelease.objects.bulk_create(releases)
    # Every seventh public release has a Russian version, published with it.
    versions = [
        PressRelease(
            title=f"Версия {release.pk}",
            slug=f"versiia-{release.pk}",
            lead="Лид.",
            body="<p>Текст.</p>",
            dateline_place="Циндао",
            dateline_date=release.dateline_date,
            status=PUBLISHED,
            publish_at=release.publish_at,
            first_published_at=BASE,
            language="ru",
            translation_group=release.translation_group,
        )
        for release in created[::7]
        if release.status == PUBLISHED and release.publish_at < BASE + datetime.timedelta(1)
    ]
    PressRelease.objects.bulk_create(versions)
    assert len({release.translation_group for release in created}) == len(created)
    assert uuid.UUID(str(created[0].translation_group))
    return created


def pages_by_offset(queryset, language):
    with translation.override(language):
        listed = queryset.in_language(language)
        paginator = Paginator(listed, PAGE_SIZE)
        return [
            [release.pk for release in paginator.page(number).object_list]
            for number in paginator.page_range
        ]


def pages_served(client, url, count, prefix=""):
    """The pages as built now: each address is new, so no cached page answers."""
    separator = "&" if "?" in url else "?"
    fresh = uuid.uuid4().hex
    return [
        [
            release.pk
            for release in client.get(
                f"{prefix}{url}{separator}page={number}&fresh={fresh}"
            ).context["page_obj"]
        ]
        for number in range(1, count + 1)
    ]


@pytest.mark.parametrize(("language", "pages_a_piece"), [("en", 100), ("ru", 100), ("en", 3)])
def test_every_page_of_the_news_list_holds_what_the_offset_gives(
    client, archive, language, pages_a_piece, monkeypatch
):
    monkeypatch.setattr(paging, "PAGE_STARTS_CHUNK", pages_a_piece)
    expected = pages_by_offset(PressRelease.objects.public(), language)
    assert len(expected) * PAGE_SIZE > DIRECT_OFFSET_ROWS + 2 * PAGE_SIZE
    prefix = "" if language == "en" else f"/{language}"
    assert pages_served(client, "/news/", len(expected), prefix) == expected


def test_every_page_of_a_year_archive_holds_what_the_offset_gives(client, archive):
    ordered = PressRelease.objects.public().filter(dateline_date__year=2024)
    expected = pages_by_offset(ordered.order_by("-dateline_date", "-publish_at", "-pk"), "en")
    assert pages_served(client, "/news/2024/", len(expected)) == expected


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [query["sql"].upper() for query in context.captured_queries]


def test_a_page_in_the_middle_costs_what_a_near_one_does_and_skips_no_offset(client, archive):
    pages = len(pages_by_offset(PressRelease.objects.public(), "en"))
    middle = pages // 2
    assert (middle - 1) * PAGE_SIZE > DIRECT_OFFSET_ROWS
    assert (pages - middle) * PAGE_SIZE > DIRECT_OFFSET_ROWS + PAGE_SIZE
    # The first page in the middle learns where every page starts.
    client.get(f"/news/?page={middle}")
    deep = queries(client, f"/news/?page={middle + 1}")
    assert len(deep) == len(queries(client, "/news/?page=2"))
    assert not [sql for sql in deep if "OFFSET" in sql]


def test_the_last_pages_are_read_from_the_end_without_learning_where_pages_start(client, archive):
    pages = len(pages_by_offset(PressRelease.objects.public(), "en"))
    for number in (pages, pages - 1):
        found = queries(client, f"/news/?page={number}")
        assert not [sql for sql in found if "ROW_NUMBER" in sql]


def test_the_pages_starts_follow_a_publication_at_once(
    client, archive, make_staff, make_organisation
):
    editor = make_staff("editor", "Editors")
    before = pages_by_offset(PressRelease.objects.public(), "en")
    last = len(before)
    assert pages_served(client, "/news/", last)[-1] == before[-1]
    draft = PressRelease.objects.filter(status=PressRelease.Status.DRAFT).first()
    draft.dateline_date = datetime.date(2024, 2, 1)
    draft.publish_at = BASE + datetime.timedelta(hours=1)
    draft.organisations.add(make_organisation())
    editing.save_release(draft, by=editor)
    assert pages_served(client, "/news/", last)[-1] == before[-1]
    editing.take_step(draft, "publish", by=editor)
    after = pages_by_offset(PressRelease.objects.public(), "en")
    assert after != before
    assert pages_served(client, "/news/", len(after)) == after


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_a_list_is_counted_by_translation_group_as_it_lists_them(client, archive, language):
    """``listed_count`` is the number of releases ``in_language`` lists, whatever the
    language, the list's filters, or which versions of a group are public."""
    hidden_english = next(release for release in archive if release.status != PUBLISHED)
    PressRelease.objects.create(
        title="Только по-русски", slug="tolko-po-russki", lead="Лид.", body="<p>Текст.</p>",
        dateline_place="Циндао", dateline_date=datetime.date(2024, 2, 2), status=PUBLISHED,
        publish_at=BASE, first_published_at=BASE, language="ru",
        translation_group=hidden_english.translation_group,
    )  # fmt: skip
    public = PressRelease.objects.public()
    lists = {
        "/news/": public,
        "/news/?year=2024": public.filter(dateline_date__year=2024),
        "/news/?kind=press_release": public.filter(kind="press_release"),
    }
    prefix = "" if language == "en" else f"/{language}"
    for url, releases in lists.items():
        expected = releases.in_language(language).count()
        assert releases.listed_count() == expected, url
        with translation.override(language):
            served = client.get(prefix + url).context["paginator"].count
        assert served == expected, url
    assert public.listed_count() < public.count()
