"""Every public page costs the same number of queries for 1 release as for 200."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.models import Participant, Photo, PressRelease, TaggedTopic, Topic

pytestmark = pytest.mark.django_db

# Ceilings, so that a page doubling its queries is noticed even when both sizes agree.
# The first sitemap of a content version counts each of its six sections to decide whether
# it needs an index. An API entry carries everything a release page shows, photos and
# documents included; a list whose entries are not made yet reads its keys first.
API_MAX_QUERIES = 11
MAX_QUERIES = {
    "/": 8,
    "release": 9,
    "/sitemap.xml": 14,
    "/api/releases/": API_MAX_QUERIES,
    "/api/releases/?topic=shared-topic&q=release": API_MAX_QUERIES,
    "api-release": API_MAX_QUERIES,
}
DEFAULT_MAX_QUERIES = 12

PAGES = [
    "/",
    "/ru/",
    "/news/",
    "/news/?kind=press_release&topic=shared-topic&organisation=oot&year=2024",
    "/news/?page=2",
    "/news/2024/",
    "/news/2024/01/",
    "release",
    "/topics/shared-topic/",
    "/organisations/",
    "/organisations/oot/",
    "/people/ada-holder/",
    "/documents/memorandum/",
    "/search/?q=release",
    "/feeds/",
    "/feeds/news.rss",
    "/feeds/news.atom",
    "/feeds/topics/shared-topic.rss",
    "/feeds/organisations/oot.atom",
    "/sitemap.xml",
    "/api/releases/",
    "/api/releases/?topic=shared-topic&q=release",
    "api-release",
    "/api/organisations/",
]


def add_releases(public_world, make_release, count, start):
    """``count`` more public releases linked like the first, inserted in bulk."""
    first = PressRelease.objects.order_by("pk").first()
    shared_tag = Topic.objects.get(slug="shared-topic")
    releases = PressRelease.objects.bulk_create(
        PressRelease(
            title=f"Release {number}",
            slug=f"bulk-release-{number}",
            lead=f"Lead of release {number}.",
            body=f"<p>Body of release {number}.</p>",
            dateline_place="Qingdao",
            dateline_date=datetime.date(2024, 1, 1),
            status=first.status,
            publish_at=first.publish_at - datetime.timedelta(minutes=number),
            first_published_at=first.publish_at,
        )
        for number in range(start, start + count)
    )
    for release in releases:
        release.organisations.add(public_world.organisation)
        release.documents.add(public_world.document)
    TaggedTopic.objects.bulk_create(
        TaggedTopic(content_object=release, tag=shared_tag) for release in releases
    )
    Participant.objects.bulk_create(
        item
        for release in releases
        for item in (
            Participant(release=release, person=public_world.person, office=public_world.office),
            Participant(release=release, office=public_world.office, order=1),
        )
    )
    Photo.objects.bulk_create(
        Photo(release=release, image=f"photos/{release.slug}.jpg", alt_text="A photo")
        for release in releases
    )


def url_of(page, release):
    if page == "release":
        return release.get_absolute_url()
    if page == "api-release":
        return f"/api/releases/{release.slug}/"
    return page


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_public_page_costs_the_same_queries_for_1_and_200_releases(
    client, public_world, make_release, page
):
    release = public_world.attach(
        make_release(dateline_date=datetime.date(2024, 1, 1)), "topic one"
    )
    url = url_of(page, release)
    if page == "/news/?page=2":
        add_releases(public_world, make_release, 20, start=1000)
    if page in ("/", "/ru/"):
        # The home page leads with one release and lists the others below it.
        add_releases(public_world, make_release, 1, start=1000)
    with_one = count_queries(client, url)
    add_releases(public_world, make_release, 199, start=1)
    with_many = count_queries(client, url)
    assert with_one == with_many, f"{url}: {with_one} queries with 1 release, {with_many} with 200"
    assert with_many <= MAX_QUERIES.get(page, DEFAULT_MAX_QUERIES), url


def test_release_page_cost_does_not_grow_with_participants_and_topics(
    client, public_world, make_release
):
    from newsroom.models import Person

    release = public_world.attach(make_release())
    few = count_queries(client, release.get_absolute_url())
    for number in range(30):
        person = Person.objects.create(name=f"Person {number}", slug=f"person-{number}")
        Participant.objects.create(
            release=release, person=person, office=public_world.office, order=10
        )
        release.tags.add(f"extra {number}")
    many = count_queries(client, release.get_absolute_url())
    assert few == many
    assert "Person 29" in client.get(release.get_absolute_url()).content.decode()


def test_appointments_are_read_only_for_participants_named_alone(
    client, public_world, make_release
):
    # Who held an office, or which office a person held, is looked up only for a
    # participant the release names by one of the two.
    release = make_release()
    Participant.objects.create(
        release=release, person=public_world.person, office=public_world.office
    )
    url = release.get_absolute_url()

    def appointment_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return [q for q in context.captured_queries if "newsroom_appointment" in q["sql"]]

    assert appointment_queries() == []
    Participant.objects.create(release=release, office=public_world.office, order=1)
    assert len(appointment_queries()) == 1
    Participant.objects.filter(release=release, person=None).delete()
    Participant.objects.create(release=release, person=public_world.person, order=1)
    assert len(appointment_queries()) == 1
    # Both show the office: as named, and as the one the person held that day.
    shown = 'Secretary-General, <a href="/organisations/oot/">'
    assert client.get(url).content.decode().count(shown) == 2


def test_release_page_cost_does_not_grow_with_offices_held_in_other_organisations(
    client, public_world, make_release
):
    # A person named alone shows with the office held that day; whether the page may name
    # that office's organisation is one question for all of them.
    from newsroom.models import Appointment, Office, Organisation, Person

    release = public_world.attach(make_release())

    def add_speaker(number):
        organisation = Organisation.objects.create(
            name=f"Other {number}", slug=f"other-{number}", is_listed=True
        )
        office = Office.objects.create(organisation=organisation, title="Envoy", slug="envoy")
        person = Person.objects.create(name=f"Speaker {number}", slug=f"speaker-{number}")
        Appointment.objects.create(person=person, office=office)
        Participant.objects.create(release=release, person=person, order=10)

    add_speaker(0)
    few = count_queries(client, release.get_absolute_url())
    for number in range(1, 30):
        add_speaker(number)
    many = count_queries(client, release.get_absolute_url())
    assert few == many
    assert 'Envoy, <a href="/organisations/other-29/">Other 29</a>' in (
        client.get(release.get_absolute_url()).content.decode()
    )


def test_cached_page_is_served_without_any_query(client, public_world, make_release):
    public_world.attach(make_release())
    client.get("/")
    with CaptureQueriesContext(connection) as context:
        response = client.get("/")
    assert response.status_code == 200
    assert len(context.captured_queries) == 0


def test_the_archives_and_the_public_rule_have_their_indexes(db):
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "newsroom_pressrelease")
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    # public() in the lists' order; the archives by dateline; a release's versions.
    assert ("status", "publish_at", "dateline_date") in indexed
    assert ("status", "dateline_date", "publish_at") in indexed
    assert ("translation_group", "status", "publish_at") in indexed
    # What a search on SQLite reads of each match (newsroom/site/search.py), and only
    # there: PostgreSQL's planner took it to hash every release of a topic.
    searched = ("id", "status", "publish_at", "language") in indexed
    assert searched == (connection.vendor == "sqlite")


@pytest.mark.parametrize("page", PAGES)
def test_a_page_built_under_a_known_content_version_costs_at_most_eight_queries(
    client, public_world, make_release, settings, page
):
    settings.NEWSROOM_PAGE_CACHE = False
    release = public_world.attach(
        make_release(dateline_date=datetime.date(2024, 1, 1)), "topic one"
    )
    add_releases(public_world, make_release, 30, start=1)
    url = url_of(page, release)
    client.get(url)  # the content version and the fragments pages share
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    assert len(context.captured_queries) <= 8, url
