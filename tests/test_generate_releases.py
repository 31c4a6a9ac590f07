"""generate_releases and the write path's bulk creation: synthetic releases that are public,
linked, searchable and revised like saved ones, written a batch at a time."""

import datetime
import tracemalloc
from types import SimpleNamespace
from unittest import mock

import pytest
import reversion
from django.contrib.auth.models import Group
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from newsroom.editorial import editing
from newsroom.editorial.revisions import release_versions, snapshot_of_version
from newsroom.editorial.signals import embargo_changed, public_content_changed
from newsroom.editorial.transitions import TransitionInvalid, TransitionNotAllowed
from newsroom.management.commands.generate_releases import RARE_PLACE, synthetic_rows
from newsroom.models import Organisation, PressRelease, PressReleaseTransition
from newsroom.site.search import search_releases

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def generate(demo, media_root):
    def run(count, batch=1000, **options):
        call_command("generate_releases", count=count, batch=batch, verbosity=0, **options)
        return PressRelease.objects.filter(slug__startswith="synthetic-release-")

    return run


@pytest.fixture
def editor(make_staff):
    return make_staff("editor", "Editors")


def synthetic():
    return PressRelease.objects.filter(slug__startswith="synthetic-release-")


def row(number, organisation, **overrides):
    fields = {
        "title": f"Bulk release {number}",
        "slug": f"bulk-release-{number}",
        "lead": f"Lead of bulk release {number}.",
        "body": f"<p>Body of bulk release {number}.</p>",
        "dateline_place": "Minsk",
        "dateline_date": datetime.date(2025, 5, 1),
        "status": PressRelease.Status.PUBLISHED,
        "publish_at": datetime.datetime(2025, 5, 1, 9, 0, tzinfo=datetime.UTC),
        "organisations": [organisation],
        "topics": ["Trade"],
    }
    fields.update(overrides)
    return fields


def test_every_generated_release_is_public_and_says_it_is_synthetic(generate):
    releases = generate(25, batch=10)

    assert releases.count() == 25
    assert PressRelease.objects.public().filter(pk__in=releases).count() == 25
    first = releases.get(slug="synthetic-release-00001")
    assert first.title.startswith("Synthetic release 00001 ")
    assert "synthetic" in first.lead.lower() and "not a real event" in first.lead
    assert "It reports no real event" in first.body
    assert first.version == 1
    assert first.first_published_at == first.publish_at


def test_generated_releases_are_linked_to_what_the_database_holds(generate):
    releases = generate(20, batch=7)

    for release in releases.prefetch_related("organisations", "tags", "participants", "photos"):
        assert release.organisations.all(), release
        assert "synthetic data" in [tag.name for tag in release.tags.all()]
        assert len(release.participants.all()) == 2
        [photo] = release.photos.all()
        assert photo.image.name.startswith("photos/synthetic/synthetic-")
    assert releases.filter(documents__isnull=False).exists()


def test_the_three_images_are_made_once_and_shared(generate, media_root):
    generate(6)
    generate(6)

    images = sorted(p.name for p in (media_root / "photos" / "synthetic").glob("synthetic-?.jpg"))
    assert images == ["synthetic-1.jpg", "synthetic-2.jpg", "synthetic-3.jpg"]
    names = set(synthetic().values_list("photos__image", flat=True))
    assert names == {f"photos/synthetic/{name}" for name in images}


def test_a_second_run_numbers_on(generate):
    generate(3)
    releases = generate(2)

    assert releases.count() == 5
    assert releases.filter(slug="synthetic-release-00005").exists()


def test_generated_releases_are_found_by_search(generate):
    generate(30, batch=8)

    assert search_releases(PressRelease.objects.public(), "synthetic").count() == 30
    # The rare place is named by a few releases only: of thirty, the seventh.
    rare = search_releases(PressRelease.objects.public(), "samarkand")
    assert list(rare.values_list("slug", flat=True)) == ["synthetic-release-00007"]


def test_the_rare_place_is_named_by_the_same_releases_at_any_size():
    # A search for it then shows the same results at 1,000 releases and at 100,000.
    references = SimpleNamespace(
        organisations=[1, 2, 3], documents=[], appointments=[], topics=["trade"], images=["a.jpg"]
    )

    def naming_it(start, count):
        rows = synthetic_rows(references, start=start, count=count, seed=1)
        return [row["slug"] for row in rows if row["dateline_place"] == RARE_PLACE]

    named = ["synthetic-release-00007", "synthetic-release-00407", "synthetic-release-00807"]
    assert naming_it(0, 1_000) == named
    assert naming_it(0, 5_000) == named
    # Added to an archive that has them, the next releases name it no more.
    assert naming_it(1_000, 4_000) == []


def test_generated_pages_show(generate, client):
    generate(5)
    release = synthetic().get(slug="synthetic-release-00003")

    page = client.get(release.get_absolute_url())
    assert page.status_code == 200
    assert "Synthetic release 00003" in page.content.decode()
    topic = client.get(reverse("newsroom:topic_detail", kwargs={"slug": "synthetic-data"}))
    assert "Synthetic release 00005" in topic.content.decode()


def test_each_publication_is_in_the_audit_trail(generate):
    releases = generate(4)

    trail = PressReleaseTransition.objects.filter(release__in=releases)
    assert trail.count() == 4
    assert set(trail.values_list("from_status", "to_status", "by__username")) == {
        ("draft", "published", "synthetic-data")
    }


def test_each_release_gets_the_revision_reversion_itself_would_store(generate):
    generate(3)
    release = synthetic().get(slug="synthetic-release-00002")
    [bulk] = release_versions(release)

    # The same release as django-reversion serialises it, following what it follows.
    with reversion.create_revision(manage_manually=True):
        reversion.add_to_revision(PressRelease.objects.get(pk=release.pk))
    own = release_versions(release).first()

    def contents(version):
        return sorted(
            (v.content_type_id, v.object_id, v.format, v.serialized_data, v.object_repr)
            for v in version.revision.version_set.all()
        )

    assert own.pk != bulk.pk
    assert contents(bulk) == contents(own)
    assert len(contents(bulk)) == 1 + 2 + 1 + 3  # release, participants, photo, topics
    assert bulk.revision.user.username == "synthetic-data"
    snapshot = snapshot_of_version(bulk)
    assert snapshot.title == [release.title]
    assert len(snapshot.participants) == 2
    assert "synthetic data" in snapshot.tags


def test_one_announcement_per_batch(generate):
    heard = []

    def hear(**kwargs):
        heard.append(kwargs)

    public_content_changed.connect(hear, dispatch_uid="test-bulk-heard")
    try:
        generate(25, batch=10)
    finally:
        public_content_changed.disconnect(dispatch_uid="test-bulk-heard")
    # Sent at once in each batch's transaction; the copies after the commit wait for it.
    assert len(heard) == 3


def test_a_batch_is_written_in_a_few_statements_not_a_few_per_release(demo, editor):
    organisation = Organisation.objects.first()

    def queries(numbers):
        with CaptureQueriesContext(connection) as captured:
            editing.create_releases_in_bulk(
                [row(n, organisation) for n in numbers], by=editor, now=NOW
            )
        return len(captured)

    queries(range(-5, 0))  # the topic, the content type and the editor's permissions, once
    # SQLite takes at most 999 values a statement, so long inserts are split.
    assert queries(range(100)) < 20


def test_memory_of_a_batch_does_not_grow_with_the_count(generate):
    generate(20, batch=10)  # imports, images and caches made once, outside the measure

    def peak(count):
        tracemalloc.start()
        try:
            generate(count, batch=10)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(20), peak(400)
    assert large < small * 1.5, (small, large)


def test_a_publication_lacking_an_organisation_writes_nothing(demo, editor):
    organisation = Organisation.objects.first()
    rows = [row(1, organisation), row(2, organisation, organisations=[])]

    with pytest.raises(TransitionInvalid, match="at least one organisation"):
        editing.create_releases_in_bulk(rows, by=editor, now=NOW)
    assert not PressRelease.objects.filter(slug__startswith="bulk-release-").exists()


def test_only_someone_who_may_publish_creates_publications(demo, make_staff):
    contributor = make_staff("contributor", "Contributors")
    organisation = Organisation.objects.first()

    with pytest.raises(TransitionNotAllowed):
        editing.create_releases_in_bulk([row(1, organisation)], by=contributor, now=NOW)
    drafts = editing.create_releases_in_bulk(
        [row(2, organisation, status=PressRelease.Status.DRAFT)], by=contributor, now=NOW
    )
    assert [r.status for r in drafts] == [PressRelease.Status.DRAFT]
    assert not PressRelease.objects.public().filter(slug__startswith="bulk-release-").exists()


def test_a_withdrawn_release_is_not_created_in_bulk(demo, editor):
    organisation = Organisation.objects.first()

    with pytest.raises(TransitionInvalid, match="not as “withdrawn”"):
        editing.create_releases_in_bulk(
            [row(1, organisation, status=PressRelease.Status.WITHDRAWN)], by=editor, now=NOW
        )


def test_a_later_time_schedules_and_announces_the_embargo(demo, editor):
    organisation = Organisation.objects.first()
    heard = []

    def embargo(**kwargs):
        heard.append("embargo")

    def public(**kwargs):
        heard.append("public")

    embargo_changed.connect(embargo, dispatch_uid="test-bulk-e")
    public_content_changed.connect(public, dispatch_uid="test-bulk-p")
    try:
        [release] = editing.create_releases_in_bulk(
            [row(1, organisation, publish_at=NOW + datetime.timedelta(days=1))], by=editor, now=NOW
        )
    finally:
        embargo_changed.disconnect(dispatch_uid="test-bulk-e")
        public_content_changed.disconnect(dispatch_uid="test-bulk-p")
    assert release.is_scheduled(now=NOW)
    assert release.updated_at == release.publish_at
    assert heard == ["embargo"]


def test_text_is_normalised_and_the_body_sanitised_as_a_save_would(demo, editor):
    organisation = Organisation.objects.first()
    rows = [
        row(
            1,
            organisation,
            title="Cafe\u0301\x07 talks",
            body='<p onclick="x()">Text</p><script>alert(1)</script>',
            topics=["  Trade ", "trade", "TRADE"],
        )
    ]

    editing.create_releases_in_bulk(rows, by=editor, now=NOW)
    release = PressRelease.objects.get(slug="bulk-release-1")
    assert release.title == "Café talks"
    assert "onclick" not in release.body and "<script" not in release.body
    assert [tag.name for tag in release.tags.all()] == ["Trade"]


def run_command(capsys, *words):
    # A command run from the command line closes every connection when it ends, the
    # test's own with it (PostgreSQL's; SQLite's in-memory one ignores it).
    with (
        pytest.raises(SystemExit) as exit,
        mock.patch("django.core.management.base.connections.close_all"),
    ):
        ManagementUtility(["manage.py", "generate_releases", *words]).execute()
    return exit.value.code, capsys.readouterr().err.strip()


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ((), "Give the number of releases to make with --count N."),
        (("--count", "0"), "--count must be a whole number of at least 1, not '0'."),
        (("--count", "ten"), "--count must be a whole number of at least 1, not 'ten'."),
        (
            ("--count", "5", "--batch", "20000"),
            "--batch must be a whole number from 1 to 10,000, not '20000'.",
        ),
    ],
)
def test_bad_arguments_are_refused_in_one_line(capsys, words, message):
    code, error = run_command(capsys, *words)

    assert code != 0
    assert error == f"CommandError: {message}"


def test_an_unknown_user_is_refused_in_one_line(demo, capsys):
    code, error = run_command(capsys, "--count", "5", "--user", "nobody")

    assert code != 0
    assert error == "CommandError: No user is named 'nobody'."


def test_an_empty_database_is_refused_in_one_line(capsys):
    code, error = run_command(capsys, "--count", "5")

    assert code != 0
    assert error.splitlines() == [
        "CommandError: No organisation to name: load the reference data first "
        "(manage.py loaddata demo)."
    ]


def test_a_user_who_may_not_publish_is_refused_in_one_line(demo, media_root, make_staff, capsys):
    make_staff("contributor", "Contributors")

    code, error = run_command(capsys, "--count", "5", "--user", "contributor")

    assert code != 0
    assert error == "CommandError: You may not publish releases."
    assert not synthetic().exists()


def test_the_default_account_cannot_sign_in(generate):
    generate(1)
    account = PressRelease.objects.get(slug="synthetic-release-00001").created_by

    assert not account.has_usable_password() and not account.is_staff
    assert account.groups.filter(pk=Group.objects.get(name="Editors").pk).exists()
    assert Version.objects.filter(revision__user=account).exists()


def test_a_bad_count_from_code_is_refused():
    with pytest.raises(CommandError, match="--count must be a whole number"):
        call_command("generate_releases", count="-3")
