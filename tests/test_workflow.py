import datetime
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from reversion.models import Version

from newsroom.editorial import transitions
from newsroom.models import PressRelease, PressReleaseTransition, StaleRelease

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
STATES = ["draft", "in_review", "scheduled", "published", "withdrawn"]
TRANSITIONS = ["submit", "return_to_draft", "publish", "withdraw", "restore_to_draft"]
ROLES = ["editor", "author", "other_contributor"]

# Everything not listed is refused.
ALLOWED = {
    ("editor", "draft"): {"submit", "publish"},
    ("editor", "in_review"): {"return_to_draft", "publish"},
    ("editor", "scheduled"): {"return_to_draft", "publish", "withdraw"},
    ("editor", "published"): {"withdraw"},
    ("editor", "withdrawn"): {"restore_to_draft"},
    ("author", "draft"): {"submit"},
}
EXPECTED_STATUS = {
    "submit": "in_review",
    "return_to_draft": "draft",
    "publish": "published",
    "withdraw": "withdrawn",
    "restore_to_draft": "draft",
}


@pytest.fixture
def release_in(make_release, make_organisation, contributor):
    organisation = make_organisation()

    def make(state):
        fields = {"status": state, "publish_at": None, "created_by": contributor}
        if state == "scheduled":
            fields.update(status="published", publish_at=NOW + 24 * HOUR)
        elif state in {"published", "withdrawn"}:
            fields["publish_at"] = NOW - 24 * HOUR
            fields["first_published_at"] = NOW - 24 * HOUR
        release = make_release(**fields)
        release.organisations.add(organisation)
        return release

    return make


def attempt(release, name, user):
    if name == "return_to_draft":
        return release.return_to_draft(user, comment="Please name the venue.", now=NOW)
    if name == "withdraw":
        return release.withdraw(user, comment="Issued in error.", now=NOW)
    return getattr(release, name)(user, now=NOW)


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_state_transition_matrix(
    role, state, transition, release_in, editor, contributor, other_contributor
):
    user = {"editor": editor, "author": contributor, "other_contributor": other_contributor}[role]
    release = release_in(state)
    before = PressRelease.objects.get(pk=release.pk)

    if transition in ALLOWED.get((role, state), set()):
        attempt(release, transition, user)
        stored = PressRelease.objects.get(pk=release.pk)
        assert stored.status == EXPECTED_STATUS[transition]
        step = PressReleaseTransition.objects.get(release=release)
        assert (step.from_status, step.to_status, step.by) == (
            before.status,
            EXPECTED_STATUS[transition],
            user,
        )
        assert step.at == NOW
        assert stored.version == before.version + 1
    else:
        lacks_permission = role != "editor" and not (role == "author" and transition == "submit")
        expected = PermissionDenied if lacks_permission else ValidationError
        with pytest.raises(expected):
            attempt(release, transition, user)
        stored = PressRelease.objects.get(pk=release.pk)
        assert (stored.status, stored.publish_at, stored.version) == (
            before.status,
            before.publish_at,
            before.version,
        )
        assert not PressReleaseTransition.objects.filter(release=release).exists()


def test_allowed_transitions_match_the_matrix(release_in, editor, contributor, other_contributor):
    users = {"editor": editor, "author": contributor, "other_contributor": other_contributor}
    for state in STATES:
        release = release_in(state)
        for role, user in users.items():
            assert set(transitions.allowed(release, user, now=NOW)) == ALLOWED.get(
                (role, state), set()
            ), (role, state)


def test_publishing_names_every_missing_field(make_release, editor):
    release = make_release(status="in_review", publish_at=None, lead="", dateline_place="")
    with pytest.raises(ValidationError) as refused:
        release.publish(editor, now=NOW)
    message = " ".join(refused.value.messages)
    assert "a lead" in message
    assert "the place of the dateline" in message
    assert "at least one organisation" in message
    assert "a title" not in message
    assert PressRelease.objects.get(pk=release.pk).status == "in_review"


def test_a_body_of_empty_paragraphs_is_missing(make_release, make_organisation, editor):
    release = make_release(status="draft", publish_at=None, body="<p> </p><p></p>")
    release.organisations.add(make_organisation())
    with pytest.raises(ValidationError, match="a body text"):
        release.publish(editor, now=NOW)


def test_publishing_again_after_a_restore_is_a_new_publication(release_in, editor):
    release = release_in("in_review")
    release.publish(editor, now=NOW)
    assert release.first_published_at == NOW
    release.withdraw(editor, comment="Wrong figures.", now=NOW + HOUR)
    release.restore_to_draft(editor, now=NOW + 2 * HOUR)
    assert PressRelease.objects.get(pk=release.pk).first_published_at is None
    release.publish(editor, now=NOW + 3 * HOUR)
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.first_published_at == stored.publish_at == NOW + 3 * HOUR
    # The record of the earlier publication stays for the next withdrawal notice.
    assert stored.public_at == NOW


def test_scheduled_release_appears_at_its_time_without_a_job(release_in, editor):
    release = release_in("in_review")
    release.publish(editor, at=NOW + 2 * HOUR, now=NOW)
    assert release not in PressRelease.objects.public(now=NOW)
    assert release not in PressRelease.objects.public(now=NOW + 2 * HOUR - datetime.timedelta(1))
    assert release in PressRelease.objects.public(now=NOW + 2 * HOUR)
    assert release in PressRelease.objects.scheduled(now=NOW)
    assert release.updated_at == NOW + 2 * HOUR


def test_rescheduling_is_a_recorded_transition(release_in, editor):
    release = release_in("in_review")
    release.publish(editor, at=NOW + 2 * HOUR, now=NOW)
    release.publish(editor, at=NOW + 5 * HOUR, now=NOW + HOUR)
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.publish_at == NOW + 5 * HOUR
    assert stored.first_published_at == NOW + 5 * HOUR
    last = stored.transitions.last()
    assert (last.from_status, last.to_status) == ("published", "published")
    assert "Rescheduled from" in last.comment
    assert stored not in PressRelease.objects.public(now=NOW + 3 * HOUR)


def test_a_live_release_cannot_be_rescheduled(release_in, editor):
    release = release_in("published")
    with pytest.raises(ValidationError, match="cannot be published"):
        release.publish(editor, at=NOW + HOUR, now=NOW)


def test_a_schedule_time_in_the_past_is_refused(release_in, editor):
    release = release_in("in_review")
    with pytest.raises(ValidationError, match="has passed"):
        release.publish(editor, at=NOW - HOUR, now=NOW)
    assert PressRelease.objects.get(pk=release.pk).status == "in_review"


def test_returning_to_draft_needs_a_comment(release_in, editor):
    release = release_in("in_review")
    with pytest.raises(ValidationError, match="what the author should change"):
        release.return_to_draft(editor, comment="  ", now=NOW)
    assert PressRelease.objects.get(pk=release.pk).status == "in_review"


def test_withdrawing_needs_a_reason_and_shows_it(release_in, editor, client):
    release = release_in("published")
    with pytest.raises(ValidationError, match="reason"):
        release.withdraw(editor, comment="", now=NOW)
    release.withdraw(editor, comment="The meeting was postponed.", now=NOW)
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.withdrawal_reason == "The meeting was postponed."
    assert stored.withdrawn_at == NOW
    assert stored.was_public()


def test_withdrawing_a_scheduled_release_leaves_no_trace_of_publication(release_in, editor):
    release = release_in("scheduled")
    release.withdraw(editor, comment="Embargo cancelled.", now=NOW)
    assert not PressRelease.objects.get(pk=release.pk).was_public()


def test_pulling_back_a_scheduled_release_takes_it_off_the_schedule(release_in, editor):
    release = release_in("scheduled")
    release.return_to_draft(editor, comment="Wait for the signed text.", now=NOW)
    stored = PressRelease.objects.get(pk=release.pk)
    assert (stored.status, stored.publish_at, stored.first_published_at) == ("draft", None, None)
    assert stored not in PressRelease.objects.public(now=NOW + 48 * HOUR)


def test_stale_save_through_the_orm_is_refused_naming_who_saved(make_release, editor):
    release = make_release()
    first = PressRelease.objects.get(pk=release.pk)
    second = PressRelease.objects.get(pk=release.pk)
    first.title = "Title from the first editor"
    first.save(by=editor)
    second.title = "Title from the second editor"
    with pytest.raises(StaleRelease, match=r"editor saved this release at .* after you opened it"):
        second.save()
    assert PressRelease.objects.get(pk=release.pk).title == "Title from the first editor"
    assert second.version == first.version - 1


def test_stale_copy_cannot_make_a_transition(release_in, editor):
    release = release_in("in_review")
    other = PressRelease.objects.get(pk=release.pk)
    other.lead = "A newer lead."
    other.save(by=editor)
    with pytest.raises(StaleRelease):
        release.publish(editor, now=NOW)
    assert PressRelease.objects.get(pk=release.pk).status == "in_review"


def test_stale_save_with_update_fields_is_refused(make_release):
    release = make_release()
    PressRelease.objects.get(pk=release.pk).save()
    release.title = "Late"
    with pytest.raises(StaleRelease):
        release.save(update_fields=["title"])


def test_every_save_keeps_a_revision_with_who_saved(make_release, editor):
    release = make_release(status="draft", publish_at=None)
    release.title = "Second title"
    release.save(by=editor)
    release.submit(editor, now=NOW)
    versions = list(Version.objects.get_for_object(release))
    assert [v.field_dict["status"] for v in versions] == ["in_review", "draft", "draft"]
    assert [v.field_dict["title"] for v in versions][1:] == ["Second title", "Release 1"]
    assert versions[0].revision.user == editor


def test_saving_a_published_release_keeps_it_live_and_marks_the_update(
    make_release, editor, client
):
    release = make_release()
    before = release.updated_at
    release.body = "<p>Corrected figures.</p>"
    release.correction_note = "The number of delegations was corrected."
    release.save(by=editor)
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.is_public()
    assert stored.updated_at > before
    page = client.get(stored.get_absolute_url()).content.decode()
    assert "The number of delegations was corrected." in page
    assert "Corrected figures." in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_version_let_exactly_one_win(make_release):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL.")
    # Earlier tests rolled back content types this cache may still hold.
    ContentType.objects.clear_cache()
    release = make_release()
    copies = [PressRelease.objects.get(pk=release.pk) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(copy, title):
        try:
            with transaction.atomic():
                copy.title = title
                barrier.wait()
                copy.save()
            outcomes.append(title)
        except StaleRelease:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(copy, f"Title {n}")) for n, copy in enumerate(copies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[-1] == "refused"
    winner = sorted(outcomes)[0]
    stored = PressRelease.objects.get(pk=release.pk)
    assert (stored.title, stored.version) == (winner, release.version + 1)
