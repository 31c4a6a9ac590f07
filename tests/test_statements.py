"""Statements compiled once give what their queryset gives, whatever the values."""

import datetime
import threading
import uuid

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.models import Organisation, Participant, PressRelease
from newsroom.models.statements import Statement
from newsroom.site.context import LINKED_RELEASES, linked_query

pytestmark = pytest.mark.django_db

PK = PressRelease._meta.pk
PUBLISH_AT = PressRelease._meta.get_field("publish_at")


def counting(build):
    """``build``, counting its calls in ``calls``."""

    def counted(**values):
        counted.calls += 1
        return build(**values)

    counted.calls = 0
    return counted


def test_each_shape_of_values_is_built_and_compiled_once(make_release):
    releases = [make_release() for _ in range(4)]
    build = counting(lambda keys, now: PressRelease.objects.public(now=now).filter(pk__in=keys))
    statement = Statement(build, keys=PK, now=PUBLISH_AT)
    now = timezone.now()

    assert statement.rows(keys=[releases[0].pk], now=now) == [releases[0]]
    assert statement.rows(keys=[releases[1].pk], now=now) == [releases[1]]
    assert build.calls == 1
    # Two keys make another statement (IN with two parameters).
    pair = statement.rows(keys=[releases[2].pk, releases[3].pk], now=now)
    assert sorted(release.pk for release in pair) == [releases[2].pk, releases[3].pk]
    assert build.calls == 2
    # The values are the run's own: a moment before the releases' publication finds none.
    assert (
        statement.rows(keys=[releases[0].pk], now=releases[0].publish_at.replace(year=2000)) == []
    )
    assert build.calls == 2


def test_a_statement_that_can_match_nothing_runs_no_query(make_release):
    make_release()
    statement = Statement(lambda keys: PressRelease.objects.filter(pk__in=keys), keys=PK)
    with CaptureQueriesContext(connection) as queries:
        assert statement.rows(keys=[]) == []
    assert len(queries) == 0


def test_a_value_the_query_does_not_take_is_refused():
    statement = Statement(
        lambda slug, now: PressRelease.objects.filter(slug=slug),
        slug=PressRelease._meta.get_field("slug"),
        now=PUBLISH_AT,
    )
    with pytest.raises(ValueError, match="now"):
        statement.rows(slug="any", now=timezone.now())


def test_each_kind_of_value_is_put_in_place(make_release):
    """Text, keys, moments, days and identifiers are each the database's own parameters."""
    group = uuid.uuid4()
    wanted = make_release(translation_group=group, dateline_date=datetime.date(2023, 5, 6))
    make_release(dateline_date=datetime.date(2023, 5, 6))
    statement = Statement(
        lambda slug, group, day, after, key: PressRelease.objects.filter(
            slug=slug, translation_group=group, dateline_date=day, publish_at__gt=after
        ).exclude(pk=key),
        slug=PressRelease._meta.get_field("slug"),
        group=PressRelease._meta.get_field("translation_group"),
        day=PressRelease._meta.get_field("dateline_date"),
        after=PUBLISH_AT,
        key=PK,
    )
    values = {
        "slug": wanted.slug,
        "group": group,
        "day": datetime.date(2023, 5, 6),
        "after": wanted.publish_at - datetime.timedelta(seconds=1),
        "key": 0,
    }
    assert statement.rows(**values) == [wanted]
    assert statement.rows(**values | {"group": uuid.uuid4()}) == []
    assert statement.rows(**values | {"day": datetime.date(2023, 5, 7)}) == []
    assert statement.rows(**values | {"after": wanted.publish_at}) == []
    assert statement.rows(**values | {"key": wanted.pk}) == []


def test_related_objects_come_back_with_their_rows(make_release, public_world):
    release = public_world.attach(make_release())
    statement = Statement(
        lambda release: Participant.objects.filter(release=release).select_related(
            "person", "office__organisation"
        ),
        release=PK,
    )
    participants = statement.rows(release=release.pk)
    with CaptureQueriesContext(connection) as queries:
        assert [p.office.organisation for p in participants] == [public_world.organisation] * 2
        assert participants[0].person == public_world.person
    assert len(queries) == 0


def test_the_release_page_reads_what_the_prefetch_reads(make_release, public_world):
    """``read_page_relations`` keeps each relation as ``prefetch_related`` keeps it."""
    release = public_world.attach(make_release(), "second topic")
    # Named with an office, with a person alone (the office they held), and with an office
    # alone (who held it): only the last two read appointments.
    Participant.objects.create(release=release, person=public_world.person, order=2)
    prefetched = PressRelease.objects.prefetch_related(
        "tags",
        "organisations",
        "documents",
        "photos",
        Prefetch("participants", queryset=Participant.objects.with_offices_held()),
    ).get(pk=release.pk)
    read = PressRelease.objects.public_by_slug(release.slug)
    read.read_page_relations()

    with CaptureQueriesContext(connection) as queries:
        for name in ("tags", "organisations", "documents", "photos", "participants"):
            assert list(getattr(read, name).all()) == list(getattr(prefetched, name).all()), name
        for photo in read.photos.all():
            assert photo.release is read
        for participant in read.participants.all():
            assert participant.release is read
            assert participant.resolved_person == public_world.person
            if participant.office is None:
                assert participant.person.office_on(release.dateline_date) == public_world.office
    assert len(queries) == 0


def test_public_by_slug_keeps_public_rule(make_release):
    public = make_release()
    draft = make_release(status=PressRelease.Status.DRAFT)
    embargoed = make_release(publish_at=timezone.now() + datetime.timedelta(hours=1))

    assert PressRelease.objects.public_by_slug(public.slug) == public
    assert PressRelease.objects.public_by_slug(draft.slug) is None
    assert PressRelease.objects.public_by_slug(embargoed.slug) is None
    assert (
        PressRelease.objects.public_by_slug(embargoed.slug, now=embargoed.publish_at) == embargoed
    )


def linked_values(release, now, *, hidden=None, other_groups=(), organisations=(), topics=()):
    return {
        "now": now,
        "release": release.pk,
        "publish_at": release.publish_at,
        "group": release.translation_group,
        "other_groups": list(other_groups),
        "hidden": hidden,
        "organisations": list(organisations),
        "topics": list(topics),
    }


def parts(releases):
    return sorted((release.part, release.pk) for release in releases)


def test_the_linked_releases_are_the_querys_for_every_shape(make_release, make_organisation):
    """The page's one statement against its queryset evaluated as Django builds it."""
    base = timezone.now() - datetime.timedelta(days=30)
    organisations = [make_organisation() for _ in range(2)]
    topic_release = make_release(publish_at=base)
    topic_release.tags.add("shared", "other")
    topics = [tag.pk for tag in topic_release.tags.all()]
    releases = []
    for day in range(1, 8):
        release = make_release(publish_at=base + datetime.timedelta(days=day))
        release.organisations.add(organisations[day % 2])
        release.tags.add("shared")
        releases.append(release)
    translation = make_release(
        publish_at=base + datetime.timedelta(days=3),
        translation_group=releases[3].translation_group,
        language="ru",
    )
    now = timezone.now()
    shapes = [
        linked_values(releases[3], now),
        linked_values(releases[3], now, organisations=[organisations[1].pk]),
        linked_values(releases[3], now, organisations=[o.pk for o in organisations]),
        linked_values(releases[3], now, topics=topics[:1], organisations=[organisations[0].pk]),
        linked_values(releases[3], now, topics=topics),
        linked_values(releases[0], now, hidden=releases[1].pk, topics=topics),
        linked_values(
            releases[5], now, other_groups=[translation.translation_group], topics=topics
        ),
        linked_values(releases[6], base + datetime.timedelta(days=4, hours=1), topics=topics),
        linked_values(releases[2], now) | {"publish_at": None},
    ]
    for values in shapes:
        expected = parts(linked_query(**values))
        assert parts(LINKED_RELEASES.rows(**values)) == expected
        assert expected, values
    # Twice over, now from the kept statements.
    for values in shapes:
        assert parts(LINKED_RELEASES.rows(**values)) == parts(linked_query(**values))
    assert ("versions", translation.pk) in parts(LINKED_RELEASES.rows(**shapes[0]))


def test_an_organisation_key_is_not_a_release_key(make_release, make_organisation):
    """Values of different slots never stand for each other, even when equal."""
    release = make_release()
    organisation = make_organisation()
    assert isinstance(organisation, Organisation)
    statement = Statement(
        lambda release, organisation: PressRelease.objects.filter(
            pk=release, organisations=organisation
        ),
        release=PK,
        organisation=Organisation._meta.pk,
    )
    assert statement.rows(release=release.pk, organisation=organisation.pk) == []
    release.organisations.add(organisation)
    assert statement.rows(release=release.pk, organisation=organisation.pk) == [release]


def test_a_statement_keeps_a_bounded_number_of_shapes(make_release, monkeypatch):
    from newsroom.models import statements

    monkeypatch.setattr(statements, "MAX_SHAPES", 2)
    releases = [make_release() for _ in range(3)]
    statement = Statement(lambda keys: PressRelease.objects.filter(pk__in=keys), keys=PK)
    for count in (1, 2, 3):
        keys = [release.pk for release in releases[:count]]
        assert sorted(release.pk for release in statement.rows(keys=keys)) == keys
    assert [shape[-1] for shape in statement.compiled] == [2, 3]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Prepared statements are PostgreSQL's."
)
def test_postgresql_keeps_statements_prepared_and_nothing_else(make_release):
    release = make_release()
    PressRelease.objects.public_by_slug(release.slug)
    list(PressRelease.objects.filter(slug=release.slug))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        kept = [statement for (statement,) in cursor.fetchall()]
    assert any('"newsroom_pressrelease"."slug" = $' in statement for statement in kept), kept
    assert len(kept) == 1, kept


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_compiled_in_one_thread_runs_in_another(make_release):
    """A threaded server's threads each have their connection: a statement compiled
    in one runs on the connection of the thread that runs it."""
    release = make_release()
    assert PressRelease.objects.public_by_slug(release.slug) == release
    found, failures = [], []

    def read():
        try:
            found.append(PressRelease.objects.public_by_slug(release.slug))
        except Exception as error:  # reported below, with the thread's own traceback gone
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert failures == []
    assert found == [release]


def read_ahead(release):
    read = PressRelease.objects.public_by_slug(release.slug)
    read.read_page_relations()
    return read


def test_rows_read_ahead_are_read_without_a_query(make_release, public_world):
    release = read_ahead(public_world.attach(make_release()))
    with CaptureQueriesContext(connection) as queries:
        tags = release.tags.all()
        assert [tag.name for tag in tags] == ["shared topic"]
        assert (len(tags), tags.count(), tags.exists(), bool(tags)) == (1, 1, True, True)
        assert tags[0].name == "shared topic"
        assert release.photos.all()[0].release is release
        assert list(release.organisations.all()) == [public_world.organisation]
    assert len(queries) == 0


def test_a_query_made_from_rows_read_ahead_reaches_only_their_relation(make_release, public_world):
    """A filter, an update or an iterator over a relation read ahead is the relation's
    own: it never reaches another release's rows."""
    first = public_world.attach(make_release(), "first only")
    second = public_world.attach(make_release(), "second only")
    release = read_ahead(first)

    assert [tag.name for tag in release.tags.filter(name__endswith="only")] == ["first only"]
    assert sorted(tag.name for tag in release.tags.all().iterator()) == [
        "first only",
        "shared topic",
    ]
    assert release.photos.all().update(caption="Changed") == 1
    assert second.photos.get().caption == f"Caption of {second.title}"
    assert release.photos.get().caption == "Changed"
    assert release.organisations.all().values_list("slug", flat=True).get() == "oot"
    assert release.participants.all().first().release == first


def test_rows_read_ahead_survive_a_copy_and_pickling(make_release, public_world):
    import copy
    import pickle

    release = read_ahead(public_world.attach(make_release()))
    restored = pickle.loads(pickle.dumps(release))
    with CaptureQueriesContext(connection) as queries:
        assert [tag.name for tag in restored.tags.all()] == ["shared topic"]
    assert len(queries) == 0
    assert [tag.name for tag in restored.tags.filter(name="shared topic")] == ["shared topic"]
    assert list(copy.deepcopy(release.organisations.all())) == [public_world.organisation]
    copied = copy.copy(release.tags.all())
    assert [tag.name for tag in copied] == ["shared topic"]
    assert copied is not release.tags.all().relation()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Prepared statements are PostgreSQL's."
)
def test_a_statement_left_unprepared_is_planned_on_each_run(make_release):
    from newsroom.site.views import PUBLIC_TOPIC_BY_SLUG

    make_release().tags.add("security")
    # More runs than PostgreSQL's five before it may settle on a generic plan.
    for _ in range(7):
        [topic] = PUBLIC_TOPIC_BY_SLUG.rows(slug="security", now=timezone.now())
        assert topic.name == "security"
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        kept = [statement for (statement,) in cursor.fetchall()]
    assert not any("newsroom_topic" in statement for statement in kept), kept


def prepared_plans(table):
    """(generic plans, custom plans) of the prepared statements that read ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(generic_plans), sum(custom_plans) FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f'%FROM "{table}"%'],
        )
        return cursor.fetchone()


def plan_cache_mode():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Prepared statements are PostgreSQL's."
)
def test_a_generic_statement_runs_by_its_generic_plan(make_release, public_world):
    """The rule of public organisations took PostgreSQL far longer to plan than to run,
    and the server went on planning it anew: the sitemap's statement of it runs by its
    generic plan from the first run, and leaves the connection's setting as it was."""
    from newsroom.site.sitemaps import OrganisationSitemap

    public_world.attach(make_release())
    for _ in range(3):
        assert OrganisationSitemap().items() == [public_world.organisation]
    assert prepared_plans("newsroom_organisation") == (3, 0)
    assert plan_cache_mode() == "auto"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Prepared statements are PostgreSQL's."
)
def test_a_generic_statement_that_fails_in_a_transaction_leaves_no_setting(make_release):
    from django.db import DatabaseError, transaction

    statement = Statement(
        lambda slug: PressRelease.objects.filter(slug=slug).extra(where=["1/0 = 1"]),
        slug=PressRelease._meta.get_field("slug"),
        generic=True,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        statement.rows(slug="any")
    assert plan_cache_mode() == "auto"


def test_the_public_organisations_statement_gives_what_the_rule_gives(make_release, public_world):
    """Listed, named, a body's parent, hidden: the statement's keys are the rule's, for
    every organisation and for some of them."""
    from newsroom.site.public_ids import PUBLIC_ORGANISATION_KEYS

    parent = Organisation.objects.create(name="Parent of Tests", slug="parent")
    public_world.organisation.parent = parent
    public_world.organisation.save()
    listed = Organisation.objects.create(name="Listed", slug="listed", is_listed=True)
    hidden = Organisation.objects.create(name="Hidden", slug="hidden")
    draft = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    draft.organisations.add(hidden)
    public_world.attach(make_release())

    now = timezone.now()
    everything = [public_world.organisation.pk, parent.pk, listed.pk, hidden.pk]
    rule = list(Organisation.objects.public(now=now).order_by("pk").values_list("pk", flat=True))
    assert hidden.pk not in rule and {parent.pk, listed.pk} <= set(rule)
    assert PUBLIC_ORGANISATION_KEYS.rows(now=now, keys=None) == rule
    assert PUBLIC_ORGANISATION_KEYS.rows(now=now, keys=sorted(everything)) == rule
    assert PUBLIC_ORGANISATION_KEYS.rows(now=now, keys=[hidden.pk]) == []
