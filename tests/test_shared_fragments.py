"""What pages share under one content version: the news list's facets and the lists' counts.

Computed once per content version, they must still change the moment a public change is
announced, stay when only a draft changes, and agree with what the lists show.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.editorial import editing
from newsroom.models import PressRelease
from newsroom.site.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def queries_of(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(context.captured_queries)


def test_a_second_list_page_reuses_the_facets_and_the_count(client, make_release):
    for _ in range(PAGE_SIZE + 1):
        make_release(publish_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    _, first = queries_of(client, "/news/")
    _, second = queries_of(client, "/news/?page=2")
    # The second page asks only for its releases and what they show.
    assert second < first
    _, again = queries_of(client, "/news/?page=2&kind=press_release")
    assert again < first


def test_a_new_topic_and_year_reach_the_list_filters_at_once(
    client, make_release, make_staff, make_organisation
):
    editor = make_staff("editor", "Editors")
    make_release(title="Old news", dateline_date=datetime.date(2019, 5, 1))
    page = client.get("/news/").content.decode()
    assert "desertification" not in page
    assert ">2026<" not in page
    release = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    release.organisations.add(make_organisation())
    release.dateline_date = datetime.date(2026, 3, 1)
    editing.save_release(release, by=None, links=[editing.topics(["desertification"])])
    # A draft changes nothing readers see.
    assert "desertification" not in client.get("/news/").content.decode()
    editing.take_step(release, "publish", by=editor)
    page = client.get("/news/?page=1").content.decode()
    assert "desertification" in page
    assert ">2026<" in page


def test_the_count_follows_publication_and_withdrawal(
    client, make_release, make_staff, make_organisation
):
    editor = make_staff("editor", "Editors")
    releases = [make_release() for _ in range(PAGE_SIZE)]
    assert client.get("/news/?page=2").status_code == 404
    extra = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    extra.organisations.add(make_organisation())
    editing.take_step(extra, "publish", by=editor)
    assert client.get("/news/?page=2").status_code == 200
    editing.take_step(releases[0], "withdraw", by=editor, comment="Issued in error.")
    assert client.get("/news/?page=2").status_code == 404


def test_each_filter_is_counted_apart(client, make_release, public_world):
    for _ in range(PAGE_SIZE + 1):
        public_world.attach(make_release())
    for _ in range(3):
        make_release()
    assert client.get("/news/?organisation=oot&page=2").status_code == 200
    assert client.get("/news/?topic=shared-topic&page=2").status_code == 200
    assert client.get("/news/?organisation=oot&page=3").status_code == 404
    assert client.get("/topics/shared-topic/?page=2").status_code == 200
    assert client.get("/topics/shared-topic/?page=3").status_code == 404


def test_a_deep_page_shows_the_same_releases_as_the_list_order(client, make_release):
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for number in range(3 * PAGE_SIZE):
        make_release(
            title=f"Numbered {number:03d}",
            publish_at=start + datetime.timedelta(hours=number // 2),
            dateline_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=number % 5),
        )
    expected = list(PressRelease.objects.public().values_list("title", flat=True))
    shown = []
    for page in (1, 2, 3):
        response = client.get(f"/news/?page={page}")
        shown += [release.title for release in response.context["releases"]]
    assert shown == expected


def test_dateline_years_match_a_pass_over_every_release(make_release):
    for year in (2006, 2009, 2010, 2025):
        make_release(dateline_date=datetime.date(year, 6, 1))
    make_release(dateline_date=datetime.date(2015, 1, 1), status=PressRelease.Status.DRAFT)
    public = PressRelease.objects.public()
    assert public.dateline_years() == list(public.dates("dateline_date", "year", order="DESC"))
    assert [day.year for day in public.dateline_years()] == [2025, 2010, 2009, 2006]
    assert PressRelease.objects.none().dateline_years() == []


def test_dateline_months_match_a_pass_over_the_year(client, make_release):
    for month in (1, 3, 12):
        make_release(dateline_date=datetime.date(2019, month, 5))
    make_release(dateline_date=datetime.date(2020, 2, 1))
    public = PressRelease.objects.public()
    expected = list(public.filter(dateline_date__year=2019).dates("dateline_date", "month"))
    assert public.dateline_months(2019) == expected
    assert [day.month for day in expected] == [1, 3, 12]
    assert list(client.get("/news/2019/").context["date_list"]) == expected
    assert client.get("/news/2018/").status_code == 404


def test_the_home_pages_lead_follows_a_publication_at_once(
    client, make_release, make_staff, make_organisation
):
    from newsroom.models import Photo

    editor = make_staff("editor", "Editors")
    older = make_release(title="Older with a photo")
    Photo.objects.create(release=older, image="photos/older.jpg", alt_text="Older")
    make_release(title="Newer without a photo", publish_at=older.publish_at + datetime.timedelta(1))
    page = client.get("/").content.decode()
    assert page.index("Older with a photo") < page.index("Newer without a photo")
    draft = make_release(title="Draft with a photo", status=PressRelease.Status.DRAFT)
    draft.publish_at = None
    draft.organisations.add(make_organisation())
    editing.save_release(draft, by=editor)
    Photo.objects.create(release=draft, image="photos/draft.jpg", alt_text="Draft")
    assert "Draft with a photo" not in client.get("/").content.decode()
    editing.take_step(draft, "publish", by=editor)
    page = client.get("/").content.decode()
    lead = page[page.index('class="featured"') : page.index("</section>")]
    assert "Draft with a photo" in lead and "Older with a photo" not in lead
