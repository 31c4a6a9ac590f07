import datetime

import pytest
from django.urls import reverse

from newsroom.editorial.revisions import diff_snapshots, release_versions, snapshot_of_version
from newsroom.models import Participant, Person, PressRelease, WorkingCopy

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def edited_release(make_release, make_organisation, editor):
    """A release saved twice: first version, then a rewrite with other people and topics."""

    def make(**fields):
        release = make_release(
            title="Ministers meet in Qingdao",
            body="<p>First paragraph.</p><p>Second paragraph.</p>",
            **fields,
        )
        release.organisations.add(make_organisation(name="Shanghai Cooperation Organisation"))
        release.tags.add("security")
        Participant.objects.create(
            release=release, person=Person.objects.create(name="Rashid Alimov", slug="alimov")
        )
        release.save(by=editor)
        first = release_versions(release).first()

        release.title = "Secretaries-General meet in Qingdao"
        release.body = "<p>First paragraph.</p><p>A rewritten second paragraph.</p>"
        release.save(by=editor)
        release.tags.set(["security", "youth"])
        release.participants.all().delete()
        Participant.objects.create(
            release=release,
            person=Person.objects.create(name="Valery Semerikov", slug="semerikov"),
            role=Participant.Role.SPEAKER,
        )
        release.save(by=editor)
        return release, first

    return make


def test_diff_names_what_changed_in_title_body_participants_and_topics(edited_release):
    release, first = edited_release()
    latest = release_versions(release).first()
    diff = {
        d.label: d for d in diff_snapshots(snapshot_of_version(first), snapshot_of_version(latest))
    }
    assert ("removed", "Ministers meet in Qingdao") in diff["Title"].lines
    assert ("added", "Secretaries-General meet in Qingdao") in diff["Title"].lines
    assert ("same", "First paragraph.") in diff["Body text"].lines
    assert ("removed", "Second paragraph.") in diff["Body text"].lines
    assert ("added", "A rewritten second paragraph.") in diff["Body text"].lines
    assert ("removed", "Rashid Alimov (participant)") in diff["Participants"].lines
    assert ("added", "Valery Semerikov (speaker)") in diff["Participants"].lines
    assert ("added", "youth") in diff["Topics"].lines
    assert not diff["Lead"].changed
    assert not diff["Organisations"].changed


def test_revisions_page_compares_any_two_revisions(edited_release, editor, login):
    release, first = edited_release()
    latest = release_versions(release).first()
    url = reverse("admin:newsroom_pressrelease_revisions", args=[release.pk])
    client = login(editor)
    listing = client.get(url)
    assert listing.status_code == 200
    assert listing.content.decode().count('name="a"') == release_versions(release).count()
    page = client.get(url, {"a": latest.pk, "b": first.pk}).content.decode()
    assert "Changes from" in page
    assert (
        '<div class="removed"><span class="diff-label visually-hidden">Removed: </span>Second paragraph.</div>'
        in page
    )
    assert "Valery Semerikov (speaker)" in page


def test_revisions_of_another_release_are_not_found(edited_release, make_release, editor, login):
    _release, first = edited_release()
    other = make_release()
    url = reverse("admin:newsroom_pressrelease_revisions", args=[other.pk])
    latest = release_versions(other).first()
    assert login(editor).get(url, {"a": first.pk, "b": latest.pk}).status_code == 404
    assert login(editor).get(url, {"a": "x", "b": "y"}).status_code == 200


def test_restoring_a_draft_brings_the_old_content_back_in_place(edited_release, editor, login):
    release, first = edited_release(status="draft", publish_at=None)
    url = reverse("admin:newsroom_pressrelease_restore", args=[release.pk, first.pk])
    response = login(editor).post(url)
    assert response.status_code == 302
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.title == "Ministers meet in Qingdao"
    assert "<p>Second paragraph.</p>" in stored.body
    assert [p.person.name for p in stored.participants.all()] == ["Rashid Alimov"]
    assert sorted(t.name for t in stored.tags.all()) == ["security"]
    assert release_versions(stored).first().field_dict["title"] == "Ministers meet in Qingdao"


def test_restoring_a_live_release_makes_a_draft_and_leaves_the_live_one(
    edited_release, editor, login
):
    release, first = edited_release()
    url = reverse("admin:newsroom_pressrelease_restore", args=[release.pk, first.pk])
    response = login(editor).post(url)
    draft = PressRelease.objects.get(working_copy_of__live=release)
    assert response["Location"] == reverse("admin:newsroom_pressrelease_change", args=[draft.pk])

    live = PressRelease.objects.get(pk=release.pk)
    assert live.title == "Secretaries-General meet in Qingdao"
    assert live.is_public()
    assert (draft.status, draft.title) == ("draft", "Ministers meet in Qingdao")
    assert draft not in PressRelease.objects.public()
    assert [p.person.name for p in draft.participants.all()] == ["Rashid Alimov"]

    draft.publish(editor, now=NOW)
    live = PressRelease.objects.get(pk=release.pk)
    assert live.title == "Ministers meet in Qingdao"
    assert [p.person.name for p in live.participants.all()] == ["Rashid Alimov"]
    assert sorted(t.name for t in live.tags.all()) == ["security"]
    assert live.is_public()
    assert "Published the restored draft" in live.transitions.last().comment
    assert not PressRelease.objects.filter(pk=draft.pk).exists()
    assert not WorkingCopy.objects.exists()


def test_a_contributor_cannot_restore_someone_elses_release(
    edited_release, contributor, other_contributor, login
):
    release, first = edited_release(status="draft", publish_at=None, created_by=other_contributor)
    url = reverse("admin:newsroom_pressrelease_restore", args=[release.pk, first.pk])
    response = login(contributor).post(url, follow=True)
    assert "You may not edit this release." in response.content.decode()
    assert PressRelease.objects.get(pk=release.pk).title == "Secretaries-General meet in Qingdao"


def test_restore_only_answers_post(edited_release, editor, login):
    release, first = edited_release()
    url = reverse("admin:newsroom_pressrelease_restore", args=[release.pk, first.pk])
    assert login(editor).get(url).status_code == 405


def test_an_admin_save_keeps_one_revision_with_its_participants(
    make_release, editor, login, rendered_form_data
):
    release = make_release(status="draft", publish_at=None)
    before = release_versions(release).count()
    person = Person.objects.create(name="Rashid Alimov", slug="alimov")
    client = login(editor)
    url = reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    data = rendered_form_data(client.get(url))
    data.update(
        {
            "title": "With a participant",
            "participants-TOTAL_FORMS": "1",
            "participants-0-person": str(person.pk),
            "participants-0-role": "chair",
            "participants-0-order": "1",
        }
    )
    assert client.post(url, data).status_code == 302
    versions = release_versions(release)
    assert versions.count() == before + 1
    snapshot = snapshot_of_version(versions.first())
    assert snapshot.title == ["With a participant"]
    assert snapshot.participants == ["Rashid Alimov (chair)"]
    assert versions.first().revision.user == editor
