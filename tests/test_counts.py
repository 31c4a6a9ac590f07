"""A list's count, made whole, then kept part by part and brought up to date after a
public change: the same as counting the list anew after every kind of change, while only
the parts of the releases that changed are counted again."""

import datetime
import uuid

import pytest
from django.utils import timezone

from newsroom.editorial import editing
from newsroom.editorial.signals import announce, public_content_changed
from newsroom.models import Organisation, PressRelease
from newsroom.models.releases import PressReleaseQuerySet
from newsroom.site import counts

from .test_search_kept import START, bulk_rows

pytestmark = pytest.mark.django_db

TOPIC = "trade"


WHOLE, EVERY_PART = "whole", "every part"


@pytest.fixture
def counted(monkeypatch):
    """How each count was made: ``WHOLE``, ``EVERY_PART``, or the parts counted again."""
    asked = []
    count, count_parts = (
        PressReleaseQuerySet.listed_count,
        PressReleaseQuerySet.listed_count_by_part,
    )

    def spied_count(self):
        asked.append(WHOLE)
        return count(self)

    def spied_parts(self, parts=None):
        asked.append(EVERY_PART if parts is None else sorted(parts))
        return count_parts(self, parts)

    monkeypatch.setattr(PressReleaseQuerySet, "listed_count", spied_count)
    monkeypatch.setattr(PressReleaseQuerySet, "listed_count_by_part", spied_parts)
    return asked


def counted_and_parted(client, counted, release):
    """The topic's count made whole, then brought up to date once after a change naming
    ``release`` that changed nothing: its parts are learnt then."""
    assert topic_count(client) == fresh_topic_count()
    announce(public_content_changed, release=release)
    assert topic_count(client) == fresh_topic_count()
    assert counted[-2:] == [WHOLE, EVERY_PART]
    counted.clear()


@pytest.fixture
def editor(make_staff):
    return make_staff("editor", "Editors")


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="SCO", slug="sco")


@pytest.fixture
def archive(make_release, organisation):
    """Releases saved long ago, twelve with the topic and four without."""
    releases = []
    for number in range(16):
        release = make_release(
            title=f"Archive {number}",
            publish_at=START + datetime.timedelta(hours=number),
            updated_at=START,
        )
        release.organisations.add(organisation)
        if number < 12:
            release.tags.add(TOPIC)
        releases.append(release)
    return releases


def topic_count(client):
    response = client.get(f"/topics/{TOPIC}/")
    assert response.status_code == 200
    return response.context["paginator"].count


def groups(releases):
    """How many translation groups ``releases`` hold, counted here and now."""
    return releases.order_by().values("translation_group").distinct().count()


def fresh_topic_count():
    return groups(PressRelease.objects.public().filter(tags__slug=TOPIC))


def publish_new(make_release, editor, organisation, archive):
    draft = make_release(title="New", status=PressRelease.Status.DRAFT, publish_at=None)
    editing.save_release(
        draft, by=editor, links=[editing.organisations([organisation]), editing.topics([TOPIC])]
    )
    editing.take_step(draft, "publish", by=editor)


def translate(make_release, editor, organisation, archive):
    # Another version of a release already counted: its group is counted once.
    translation = editing.add_translation(archive[0], "ru", by=editor)
    translation.title = "Перевод"
    translation.lead = "Вводный абзац."
    translation.body = "<p>Текст.</p>"
    editing.save_release(translation, by=editor)
    editing.take_step(translation, "publish", by=editor)


def withdraw_one_version(make_release, editor, organisation, archive):
    translate(make_release, editor, organisation, archive)
    editing.take_step(archive[0], "withdraw", by=editor, comment="The Russian one stays.")


def topic_removed(make_release, editor, organisation, archive):
    editing.save_release(archive[1], by=editor, links=[editing.topics(["other"])])


def topic_added(make_release, editor, organisation, archive):
    editing.save_release(archive[13], by=editor, links=[editing.topics([TOPIC])])


def withdraw(make_release, editor, organisation, archive):
    editing.take_step(archive[2], "withdraw", by=editor, comment="Issued in error.")


CHANGES = {
    "published": (publish_new, 1),
    "translated": (translate, 0),
    "one version withdrawn": (withdraw_one_version, 0),
    "topic removed": (topic_removed, -1),
    "topic added": (topic_added, 1),
    "withdrawn": (withdraw, -1),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_public_change_counts_again_only_the_parts_it_touched(
    client, settings, counted, make_release, editor, organisation, archive, change
):
    settings.NEWSROOM_PAGE_CACHE = False
    counted_and_parted(client, counted, archive[15])
    make, difference = CHANGES[change]
    make(make_release, editor, organisation, archive)
    counted.clear()
    assert topic_count(client) == fresh_topic_count() == 12 + difference
    assert counted and all(isinstance(parts, list) and len(parts) <= 3 for parts in counted)


def test_a_release_come_due_is_counted(client, settings, counted, make_release, monkeypatch):
    settings.NEWSROOM_PAGE_CACHE = False
    due = timezone.now() + datetime.timedelta(seconds=30)
    make_release(title="Due", publish_at=due, updated_at=START).tags.add(TOPIC)
    out = make_release(title="Out", publish_at=START, updated_at=START)
    out.tags.add(TOPIC)
    counted_and_parted(client, counted, out)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(seconds=45))
    assert topic_count(client) == fresh_topic_count() == 2
    assert counted and all(isinstance(parts, list) for parts in counted)


def test_every_change_is_carried_into_the_next(
    client, settings, counted, make_release, editor, organisation, archive
):
    settings.NEWSROOM_PAGE_CACHE = False
    topic_count(client)
    client.get("/")
    for make, _ in CHANGES.values():
        if make is withdraw_one_version:
            continue
        make(make_release, editor, organisation, archive)
        assert topic_count(client) == fresh_topic_count()
        # The home page counts every public release, by group, the same way.
        home = client.get("/").context["paginator"].count
        assert home == groups(PressRelease.objects.public())
    # Each list made whole once, counted part by part once, then by the parts changed.
    made = [how for how in counted if not isinstance(how, list)]
    assert made.count(EVERY_PART) == 2


def test_a_change_of_a_record_counts_every_part(client, settings, counted, organisation, archive):
    settings.NEWSROOM_PAGE_CACHE = False
    counted_and_parted(client, counted, archive[15])
    # A record's change may move links without writing a release.
    organisation.name = "SCO, renamed"
    organisation.save()
    assert topic_count(client) == 12
    assert counted == [WHOLE]


def test_a_change_that_names_nothing_counts_every_part(client, settings, counted, editor, archive):
    settings.NEWSROOM_PAGE_CACHE = False
    counted_and_parted(client, counted, archive[15])
    # Backdated and made in bulk: nothing says these releases changed lately.
    organisation = archive[0].organisations.get()
    rows = bulk_rows("Bulk", organisation, topics=[TOPIC])
    editing.create_releases_in_bulk(rows, by=editor, now=START)
    assert topic_count(client) == fresh_topic_count() == 14
    assert counted[0] == WHOLE


@pytest.mark.parametrize("limit", ["ten minutes", "parts"])
def test_a_count_is_made_anew_past_its_limits(
    client, settings, counted, monkeypatch, make_release, editor, organisation, archive, limit
):
    settings.NEWSROOM_PAGE_CACHE = False
    if limit == "ten minutes":
        monkeypatch.setattr(counts, "FULL_COUNT_EVERY", datetime.timedelta(0))
    else:
        monkeypatch.setattr(counts, "MAX_PARTS_COUNTED_AGAIN", 0)
    counted_and_parted(client, counted, archive[15])
    publish_new(make_release, editor, organisation, archive)
    counted.clear()
    assert topic_count(client) == 13
    assert counted == [EVERY_PART]


def test_parts_split_the_archive_and_are_read_by_range(make_release):
    for number in range(40):
        make_release(title=f"Release {number}")
    public = PressRelease.objects.public()
    parts = public.listed_count_by_part()
    assert sum(parts.values()) == public.listed_count() == groups(public) == 40
    held = {release.translation_group.hex[:2] for release in public}
    assert set(parts) == held
    chosen = [*sorted(held)[:3], "ff"]
    assert public.listed_count_by_part(chosen) == {part: parts.get(part, 0) for part in chosen}


def test_a_release_counted_since_is_not_counted_again(
    client, settings, counted, monkeypatch, make_release, editor, organisation, archive
):
    settings.NEWSROOM_PAGE_CACHE = False
    # Within the slack a release published before the last count is counted again.
    monkeypatch.setattr(counts, "DUE_SLACK", datetime.timedelta(0))
    counted_and_parted(client, counted, archive[15])
    for part in ("0a", "0b"):
        draft = make_release(
            title=f"New in {part}",
            status=PressRelease.Status.DRAFT,
            publish_at=None,
            translation_group=uuid.UUID(part + "0" * 30),
        )
        editing.save_release(
            draft,
            by=editor,
            links=[editing.organisations([organisation]), editing.topics([TOPIC])],
        )
        editing.take_step(draft, "publish", by=editor)
        assert topic_count(client) == fresh_topic_count()
        # The release published before is within the margin, but was seen as it is.
        assert counted == [[part]]
        counted.clear()


def test_a_release_written_before_the_count_and_committed_after_is_counted(
    client, settings, counted, make_release, archive
):
    settings.NEWSROOM_PAGE_CACHE = False
    counted_and_parted(client, counted, archive[15])
    # Its transaction took its time: written half a minute ago, seen by no count.
    late = make_release(title="Late", updated_at=timezone.now() - datetime.timedelta(seconds=30))
    late.tags.add(TOPIC)
    announce(public_content_changed, release=late)
    assert topic_count(client) == fresh_topic_count() == 13
    assert counted == [[late.translation_group.hex[:2]]]
