"""The one write path: every writer of a release saves fields, links, one version, one
revision after the links, and announces a change only when readers could see it."""

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from newsroom.demo import build_reference_data
from newsroom.editorial import editing
from newsroom.editorial.revisions import release_versions, restore_revision, snapshot_of_version
from newsroom.editorial.signals import embargo_changed, public_content_changed
from newsroom.importing.service import DocumentImporter, Source
from newsroom.models import Organisation, Participant, Photo, PressRelease, WorkingCopy

from .test_admin_workflow import post_data
from .test_import import MINSK

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def change_url(release):
    return reverse("admin:newsroom_pressrelease_change", args=[release.pk])


@contextmanager
def announcements():
    """Collect what the editorial layer announces while the block runs."""
    heard = []

    def public(**kwargs):
        heard.append("public")

    def embargo(**kwargs):
        heard.append("embargo")

    public_content_changed.connect(public, dispatch_uid="test-heard-public")
    embargo_changed.connect(embargo, dispatch_uid="test-heard-embargo")
    try:
        yield heard
    finally:
        public_content_changed.disconnect(dispatch_uid="test-heard-public")
        embargo_changed.disconnect(dispatch_uid="test-heard-embargo")


def latest_revision(release):
    return release_versions(release).first()


def revision_count(release):
    return release_versions(release).count()


def document_source(text, name="document.txt"):
    data = text.encode()
    return Source(name, lambda limit: data[: limit + 1])


@pytest.fixture
def reference(db):
    organisations, _documents, _offices, _people = build_reference_data()
    return organisations


@pytest.fixture
def publishable(make_release, make_organisation, editor):
    """A release in the given state, with an organisation, saved once by the editor."""

    def make(state="published", **fields):
        statuses = {
            "draft": ("draft", None),
            "in_review": ("in_review", None),
            "scheduled": ("published", timezone.now() + HOUR),
            "published": ("published", timezone.now() - HOUR),
        }
        status, publish_at = statuses[state]
        release = make_release(status=status, publish_at=publish_at, **fields)
        organisation = make_organisation()
        return editing.save_release(
            release, by=editor, links=[editing.organisations([organisation])]
        )

    return make


# Every writer: one version, one revision after the links, with the user ---------


def check_one_write(release, *, version_before, revisions_before, user):
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.version == version_before + 1, "the version is raised exactly once"
    assert revision_count(stored) == revisions_before + 1, "exactly one revision"
    version = latest_revision(stored)
    assert version.revision.user == user
    snapshot = snapshot_of_version(version)
    # The revision was taken after the links were written: it holds them as stored.
    assert snapshot.organisations == sorted(str(o) for o in stored.organisations.all())
    assert len(snapshot.participants) == stored.participants.count()
    assert snapshot.tags == sorted(t.name for t in stored.tags.all())
    return stored


def test_the_admin_import_records_the_links_and_the_user_in_the_first_revision(
    reference, editor, login
):
    response = login(editor).post(
        "/admin/newsroom/pressrelease/import/",
        {"documents": [SimpleUploadedFile("minsk.txt", MINSK.encode(), "text/plain")]},
    )
    assert response.status_code == 200
    release = PressRelease.objects.get()
    assert release.organisations.exists() and release.participants.exists()
    version = latest_revision(release)
    assert (revision_count(release), version.revision.user) == (1, editor)
    snapshot = snapshot_of_version(version)
    assert snapshot.organisations and snapshot.participants


def test_a_draft_restored_from_the_first_imported_revision_can_be_published(reference, editor):
    importer = DocumentImporter(by=editor)
    release = PressRelease.objects.get(slug=importer.import_source(document_source(MINSK)).slug)
    first = latest_revision(release)
    editing.save_release(release, by=editor, links=[editing.organisations([])])
    restored = restore_revision(release, first, editor)
    assert restored.organisations.exists() and restored.participants.exists()
    restored.publish(editor)
    assert PressRelease.objects.get(pk=release.pk).is_public()


def test_importing_again_with_update_is_one_write(reference, editor):
    importer = DocumentImporter(by=editor, update=True)
    slug = importer.import_source(document_source(MINSK)).slug
    release = PressRelease.objects.get(slug=slug)
    before = (release.version, revision_count(release))
    changed = MINSK + "\nThe next meeting is planned for the autumn.\n"
    assert importer.import_source(document_source(changed)).outcome == "updated"
    check_one_write(release, version_before=before[0], revisions_before=before[1], user=editor)


def test_an_admin_save_with_inlines_is_one_write(publishable, editor, login, public_world):
    release = publishable("draft")
    before = (release.version, revision_count(release))
    data = post_data(
        release,
        title="Saved from the form",
        **{
            "participants-TOTAL_FORMS": "1",
            "participants-0-person": str(public_world.person.pk),
            "participants-0-role": "chair",
            "participants-0-order": "1",
        },
    )
    response = login(editor).post(change_url(release), data)
    assert response.status_code == 302
    stored = check_one_write(
        release, version_before=before[0], revisions_before=before[1], user=editor
    )
    assert stored.title == "Saved from the form" and stored.participants.count() == 1


def test_an_admin_save_with_a_step_is_one_write(publishable, editor, login):
    release = publishable("in_review")
    before = (release.version, revision_count(release))
    response = login(editor).post(change_url(release), post_data(release, _transition="publish"))
    assert response.status_code == 302
    stored = check_one_write(
        release, version_before=before[0], revisions_before=before[1], user=editor
    )
    assert stored.is_public()
    assert latest_revision(stored).revision.comment == "Publish"


def test_every_workflow_step_is_one_write(publishable, editor):
    release = publishable("draft")
    for step, kwargs in [
        ("submit", {}),
        ("return_to_draft", {"comment": "Name the venue."}),
        ("submit", {}),
        ("publish", {}),
        ("withdraw", {"comment": "Issued in error."}),
        ("restore_to_draft", {}),
    ]:
        before = (release.version, revision_count(release))
        getattr(release, step)(editor, **kwargs)
        check_one_write(release, version_before=before[0], revisions_before=before[1], user=editor)


def test_suggest_links_makes_a_revision_raises_the_version_and_renews_the_page(
    reference, editor, login, client
):
    release = PressRelease.objects.get(
        slug=DocumentImporter(by=editor).import_source(document_source(MINSK)).slug
    )
    release.participants.all().delete()
    release.submit(editor)
    release.publish(editor)
    release.refresh_from_db()
    assert (
        'id="participants-heading"' not in client.get(release.get_absolute_url()).content.decode()
    )
    before = (release.version, revision_count(release))
    url = reverse("admin:newsroom_pressrelease_suggest_links", args=[release.pk])
    signed_in = login(editor)
    form = signed_in.get(url).context["form"]
    response = signed_in.post(url, {"participants": list(form.participant_choices)})
    assert response.status_code == 302
    stored = check_one_write(
        release, version_before=before[0], revisions_before=before[1], user=editor
    )
    assert stored.participants.exists()
    # The cached page was renewed: the new participant shows at once.
    assert 'id="participants-heading"' in client.get(release.get_absolute_url()).content.decode()


def test_restoring_a_revision_is_one_write(publishable, editor):
    release = publishable("draft", title="First words")
    first = latest_revision(release)
    release.title = "Second words"
    editing.save_release(release, by=editor)
    before = (release.version, revision_count(release))
    restored = restore_revision(release, first, editor)
    assert restored.pk == release.pk and restored.title == "First words"
    check_one_write(release, version_before=before[0], revisions_before=before[1], user=editor)


# Restore a published release, then publish the working copy from its change page --


@pytest.fixture
def stored_photo(settings, tmp_path):
    """A photo file in a temporary media folder."""
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    Image.new("RGB", (8, 8), "navy").save(tmp_path / "photos" / "meeting.jpg")
    return "photos/meeting.jpg"


def test_publishing_a_restored_draft_from_its_change_page_puts_it_live_with_photos(
    publishable, editor, login, rendered_form_data, stored_photo
):
    release = publishable("published", title="The first wording")
    editing.save_release(
        release,
        by=editor,
        links=[
            editing.photos(
                [
                    {
                        "image": stored_photo,
                        "caption": "The meeting",
                        "credit": "Press office",
                        "alt_text": "Delegations at the table",
                        "order": 0,
                    }
                ]
            )
        ],
    )
    first = latest_revision(release)
    release.title = "A later wording"
    editing.save_release(release, by=editor)

    draft = restore_revision(release, first, editor)
    assert draft.pk != release.pk and draft.replaces() == release
    assert [p.alt_text for p in draft.photos.all()] == ["Delegations at the table"]

    signed_in = login(editor)
    data = rendered_form_data(signed_in.get(change_url(draft)))
    response = signed_in.post(change_url(draft), {**data, "_transition": "publish"})
    assert response.status_code == 302
    assert response["Location"] == change_url(release)
    live = PressRelease.objects.get(pk=release.pk)
    assert live.title == "The first wording" and live.is_public()
    assert [p.alt_text for p in live.photos.all()] == ["Delegations at the table"]
    assert not PressRelease.objects.filter(pk=draft.pk).exists()
    assert not WorkingCopy.objects.exists()
    message = [str(m) for m in signed_in.get(change_url(release)).context["messages"]]
    assert any("restored content" in m for m in message)


def test_a_restored_drafts_preview_does_not_list_its_own_live_release(publishable, editor, login):
    older = publishable("published", title="An older release")
    older.publish_at = timezone.now() - 3 * HOUR
    editing.save_release(older, by=editor)
    release = publishable("published", title="The live release")
    release.organisations.add(*older.organisations.all())
    first = latest_revision(release)
    release.title = "The live release, corrected"
    editing.save_release(release, by=editor)
    draft = restore_revision(release, first, editor)
    response = login(editor).get(reverse("admin:newsroom_pressrelease_preview", args=[draft.pk]))
    context = response.context
    assert release not in context["related_releases"]
    assert context["previous_release"] != release
    assert context["previous_release"] == older


# The public record ------------------------------------------------------------


def test_a_withdrawn_page_shows_only_the_title_readers_last_saw(publishable, editor, client):
    release = publishable("in_review", title="The public headline", lead="The public lead.")
    release.publish(editor)
    release.withdraw(editor, comment="Issued in error.")
    release.restore_to_draft(editor)
    release.title = "A headline never public"
    release.lead = "A lead never public."
    editing.save_release(release, by=editor)
    release.publish(editor, at=timezone.now() + 2 * HOUR)
    release.withdraw(editor, comment="Cancelled before its time.")

    response = client.get(release.get_absolute_url())
    assert response.status_code == 410
    page = response.content.decode()
    assert "The public headline" in page and "The public lead." in page
    assert "never public" not in page


def test_a_release_never_public_never_answers_410(publishable, editor, client):
    release = publishable("in_review")
    release.publish(editor, at=timezone.now() + HOUR)
    release.withdraw(editor, comment="Embargo lifted, story dropped.")
    assert client.get(release.get_absolute_url()).status_code == 404
    assert not release.was_ever_public()


def test_share_links_stop_working_once_their_release_is_withdrawn(publishable, editor, client):
    from newsroom.editorial.previews import share_url
    from newsroom.models import ShareLink

    release = publishable("in_review")
    link = ShareLink.objects.create(
        release=release, created_by=editor, expires_at=timezone.now() + 24 * HOUR
    )
    assert client.get(share_url(link)).status_code == 200
    release.publish(editor)
    release.withdraw(editor, comment="Issued in error.")
    assert client.get(share_url(link)).status_code == 404


# Nothing public is deleted ------------------------------------------------------


@pytest.fixture
def once_public(publishable, editor):
    """A release that was public and is now back in draft."""
    release = publishable("in_review")
    release.publish(editor)
    release.withdraw(editor, comment="Issued in error.")
    release.restore_to_draft(editor)
    return PressRelease.objects.get(pk=release.pk)


@pytest.mark.parametrize("state", ["published", "withdrawn", "once_public"])
def test_the_model_refuses_to_delete_a_release_that_was_public(
    publishable, editor, once_public, state
):
    if state == "once_public":
        release = once_public
    else:
        release = publishable("in_review")
        release.publish(editor)
        if state == "withdrawn":
            release.withdraw(editor, comment="Issued in error.")
    with pytest.raises(ValidationError, match="withdraw it instead"):
        release.delete()
    with pytest.raises(ValidationError, match="withdraw it instead"):
        PressRelease.objects.filter(pk=release.pk).delete()
    assert PressRelease.objects.filter(pk=release.pk).exists()


@pytest.mark.parametrize("role", ["editor", "contributor", "superuser"])
def test_no_one_deletes_a_once_public_release_in_the_admin(
    once_public, role, editor, contributor, login, django_user_model
):
    users = {
        "editor": editor,
        "contributor": contributor,
        "superuser": django_user_model.objects.create_superuser("root", "root@example.org", "x"),
    }
    signed_in = login(users[role])
    delete_url = reverse("admin:newsroom_pressrelease_delete", args=[once_public.pk])
    assert signed_in.post(delete_url, {"post": "yes"}).status_code == 403
    response = signed_in.post(
        "/admin/newsroom/pressrelease/",
        {"action": "delete_selected", "_selected_action": [once_public.pk], "post": "yes"},
    )
    assert response.status_code in (302, 403)
    assert PressRelease.objects.filter(pk=once_public.pk).exists()
    if role != "contributor":
        page = signed_in.get(change_url(once_public)).content.decode()
        assert delete_url not in page


def test_a_draft_never_public_can_still_be_deleted(publishable, editor, login):
    release = publishable("draft")
    delete_url = reverse("admin:newsroom_pressrelease_delete", args=[release.pk])
    assert login(editor).post(delete_url, {"post": "yes"}).status_code == 302
    assert not PressRelease.objects.filter(pk=release.pk).exists()


# Precise cache renewal ----------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_saving_a_release_readers_cannot_see_keeps_cached_pages(
    publishable, make_release, editor, client, django_assert_num_queries, state
):
    make_release(title="What readers see", slug="what-readers-see")
    hidden = publishable(state, title="Not for readers yet")
    client.get("/")
    client.get("/news/what-readers-see/")
    with announcements() as heard:
        hidden.title = "Still not for readers"
        editing.save_release(hidden, by=editor)
    assert heard == []
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
        assert client.get("/news/what-readers-see/").status_code == 200


def test_saving_a_public_release_renews_its_page_at_once(publishable, editor, client):
    release = publishable("published", title="The first headline")
    assert "The first headline" in client.get(release.get_absolute_url()).content.decode()
    with announcements() as heard:
        release.title = "The corrected headline"
        editing.save_release(release, by=editor)
    assert "public" in heard
    assert "The corrected headline" in client.get(release.get_absolute_url()).content.decode()
    assert "The corrected headline" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("step", "kwargs", "expected"),
    [
        ("publish", {}, ["public"]),
        ("publish", {"at": "later"}, ["embargo"]),
    ],
)
def test_publishing_announces_what_readers_will_see(publishable, editor, step, kwargs, expected):
    release = publishable("in_review")
    if kwargs.get("at") == "later":
        kwargs = {"at": timezone.now() + HOUR}
    with announcements() as heard:
        getattr(release, step)(editor, **kwargs)
    # Announced now and again after the commit.
    assert sorted(set(heard)) == expected


def test_withdrawing_a_public_release_announces_it(publishable, editor):
    release = publishable("published")
    with announcements() as heard:
        release.withdraw(editor, comment="Issued in error.")
    assert "public" in heard


def test_scheduling_keeps_pages_but_brings_the_release_out_at_its_time(
    publishable, make_release, editor, client
):
    make_release(title="Already out")
    release = publishable("in_review", title="Under embargo until noon")
    client.get("/")
    due = timezone.now() + HOUR
    release.publish(editor, at=due)
    assert "Under embargo" not in client.get("/").content.decode()
    with mock.patch("django.utils.timezone.now", return_value=due + datetime.timedelta(1)):
        assert "Under embargo until noon" in client.get("/").content.decode()


# Nothing half-written -----------------------------------------------------------


def test_a_failed_link_leaves_nothing_half_written(publishable, editor, make_organisation):
    release = publishable("draft", title="Before the failed save")
    organisations = list(release.organisations.all())
    before = (release.version, revision_count(release))

    def fails(release):
        raise ValidationError("The link could not be written.")

    release.title = "After the failed save"
    with pytest.raises(ValidationError), announcements() as heard:
        editing.save_release(
            release,
            by=editor,
            links=[editing.organisations([make_organisation()]), fails],
        )
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.title == "Before the failed save"
    assert (stored.version, revision_count(stored)) == before
    assert list(stored.organisations.all()) == organisations
    assert heard == [] or "public" not in heard


def test_a_step_refused_by_the_write_shows_the_editor_a_message_and_writes_nothing(
    publishable, editor, login
):
    release = publishable("in_review", title="Before")
    before = (release.version, revision_count(release))
    refusal = editing.transitions.TransitionInvalid("The organisation was removed meanwhile.")
    real_check = editing.transitions.check_publishable

    def refuse_in_the_write(*args, **kwargs):
        # The form's own check (which passes the form's organisations) passes; the
        # authoritative one inside the write refuses.
        if "organisations" not in kwargs:
            raise refusal
        return real_check(*args, **kwargs)

    signed_in = login(editor)
    with mock.patch.object(editing.transitions, "check_publishable", refuse_in_the_write):
        response = signed_in.post(
            change_url(release), post_data(release, title="After", _transition="publish")
        )
    assert response.status_code == 302
    messages = [str(m) for m in signed_in.get(response["Location"]).context["messages"]]
    assert messages == ["The organisation was removed meanwhile."]
    stored = PressRelease.objects.get(pk=release.pk)
    assert (stored.title, stored.status) == ("Before", "in_review")
    assert (stored.version, revision_count(stored)) == before


def test_a_stale_copy_is_refused_by_the_write_path(publishable, editor):
    release = publishable("draft")
    stale = PressRelease.objects.get(pk=release.pk)
    release.title = "Saved first"
    editing.save_release(release, by=editor)
    stale.title = "Saved from an old copy"
    with pytest.raises(ValidationError, match="after you opened it"):
        editing.save_release(stale, by=editor)
    assert PressRelease.objects.get(pk=release.pk).title == "Saved first"


def test_photos_and_participants_are_kept_in_revisions(publishable, editor, public_world):
    release = publishable("draft")
    editing.save_release(
        release,
        by=editor,
        links=[
            editing.participants(
                [{"person_id": public_world.person.pk, "office_id": None, "role": "chair",
                  "order": 1}]
            ),
            editing.photos(
                [{"image": "photos/a.jpg", "caption": "", "credit": "", "alt_text": "A",
                  "order": 0}]
            ),
        ],
    )  # fmt: skip
    with_links = latest_revision(release)
    editing.save_release(release, by=editor, links=[editing.participants([]), editing.photos([])])
    assert not Participant.objects.filter(release=release).exists()
    restore_revision(release, with_links, editor)
    assert [p.alt_text for p in Photo.objects.filter(release=release)] == ["A"]
    assert Participant.objects.filter(release=release, role="chair").count() == 1


def test_the_demo_builder_writes_through_the_write_path(db):
    from newsroom.demo import SEED_SLUG, build_demo

    build_demo()
    seed = PressRelease.objects.get(slug=SEED_SLUG)
    versions = release_versions(seed)
    # Imported, given a stable translation group, curated, submitted, published.
    assert versions.count() == seed.version
    snapshot = snapshot_of_version(versions.first())
    assert snapshot.organisations == sorted(str(o) for o in seed.organisations.all())
    assert Organisation.objects.public().filter(releases=seed).exists()
