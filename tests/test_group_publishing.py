"""Publishing, scheduling and withdrawing the versions of a release together
(docs/architecture.md, "Versions in other languages")."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.editorial import editing
from newsroom.editorial.signals import public_content_changed, step_taken
from newsroom.models import PressRelease, PressReleaseTransition

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2030, 3, 1, 9, 0, tzinfo=datetime.UTC)
LATER = datetime.datetime(2030, 3, 2, 6, 30, tzinfo=datetime.UTC)


def change_url(release):
    return reverse("admin:newsroom_pressrelease_change", args=[release.pk])


def fresh(release):
    return PressRelease.objects.get(pk=release.pk)


def write(version, title):
    version.title = title
    version.lead = f"Lead of {title}."
    version.body = f"<p>Body of {title}.</p>"
    return editing.save_release(version, by=version.created_by)


@pytest.fixture
def group(make_release, make_organisation, contributor):
    """An English release in review with complete Russian and Chinese drafts."""
    english = make_release(status="in_review", publish_at=None, created_by=contributor)
    english.organisations.add(make_organisation())
    english = fresh(english)
    russian = write(editing.add_translation(english, "ru", by=contributor), "Встреча")
    chinese = write(editing.add_translation(english, "zh-hans", by=contributor), "会见")
    return [fresh(english), fresh(russian), fresh(chinese)]


def states(releases, now=NOW):
    return [fresh(release).workflow_state(now=now) for release in releases]


def test_group_publishes_every_version_at_one_time(group, editor):
    english, russian, chinese = group
    done = editing.take_group_step(english, "publish", editor, now=NOW)
    assert [version.language for version in done] == ["en", "ru", "zh-hans"]
    assert states(group) == ["published"] * 3
    assert {fresh(version).publish_at for version in group} == {NOW}
    # Each version took the step itself: its own trail entry, from its own status.
    assert [
        (t.release_id, t.from_status, t.to_status)
        for t in PressReleaseTransition.objects.order_by("release_id")
    ] == [
        (english.pk, "in_review", "published"),
        (russian.pk, "draft", "published"),
        (chinese.pk, "draft", "published"),
    ]
    assert set(PressRelease.objects.public(now=NOW)) == {fresh(v) for v in group}


def test_group_schedule_shares_one_embargo_and_public_waits_for_it(group, editor):
    _english, russian, chinese = group
    editing.take_group_step(russian, "publish", editor, at=LATER, now=NOW)
    assert states(group) == ["scheduled"] * 3
    assert {fresh(version).publish_at for version in group} == {LATER}
    before = LATER - datetime.timedelta(seconds=1)
    assert not PressRelease.objects.public(now=before).exists()
    assert PressRelease.objects.public(now=LATER).count() == 3
    # Rescheduling the group moves every version, still together.
    later_still = LATER + datetime.timedelta(hours=2)
    editing.take_group_step(fresh(chinese), "publish", editor, at=later_still, now=NOW)
    assert {fresh(version).publish_at for version in group} == {later_still}
    assert not PressRelease.objects.public(now=LATER).exists()


def test_public_never_shows_a_version_before_its_own_time(group, editor):
    english, russian, _chinese = group
    english.publish(editor, now=NOW)
    fresh(russian).publish(editor, at=LATER, now=NOW)
    assert list(PressRelease.objects.public(now=NOW)) == [fresh(english)]
    assert set(PressRelease.objects.public(now=LATER)) == {fresh(english), fresh(russian)}


def test_none_goes_out_if_one_version_fails(group, editor):
    english, _russian, chinese = group
    chinese.dateline_place = ""
    chinese.lead = ""
    editing.save_release(chinese, by=editor)
    versions_before = [fresh(version).version for version in group]
    with pytest.raises(editing.GroupStepRefused) as refused:
        editing.take_group_step(english, "publish", editor, now=NOW)
    message = " ".join(refused.value.messages)
    assert "No version was published." in message
    assert "The Simplified Chinese version “会见”" in message
    assert "a lead" in message and "the place of the dateline" in message
    assert "Russian" not in message
    assert states(group) == ["in_review", "draft", "draft"]
    assert [fresh(version).version for version in group] == versions_before
    assert not PressReleaseTransition.objects.exists()


def test_a_version_refused_at_the_write_rolls_back_the_others(group, editor, monkeypatch):
    english, _russian, _chinese = group
    real = editing.take_step

    def failing(release, name, by, **kwargs):
        if release.language == "zh-hans":
            raise editing.transitions.TransitionInvalid("Refused at the write.")
        return real(release, name, by, **kwargs)

    monkeypatch.setattr(editing, "take_step", failing)
    with pytest.raises(editing.GroupStepRefused, match="Simplified Chinese version"):
        editing.take_group_step(english, "publish", editor, now=NOW)
    assert states(group) == ["in_review", "draft", "draft"]


def test_only_editors_publish_a_group(group, contributor):
    _english, russian, _chinese = group
    with pytest.raises(editing.GroupStepRefused, match="may not publish"):
        editing.take_group_step(russian, "publish", contributor, now=NOW)
    assert states(group) == ["in_review", "draft", "draft"]


def test_group_steps_are_heard_as_single_steps(group, editor, django_capture_on_commit_callbacks):
    steps, public = [], []

    def heard_step(sender, release, step, **kwargs):
        steps.append((release.language, step))

    def heard_public(sender, **kwargs):
        public.append(kwargs.get("release"))

    step_taken.connect(heard_step, dispatch_uid="test-group-steps")
    public_content_changed.connect(heard_public, dispatch_uid="test-group-public")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            editing.take_group_step(group[0], "publish", editor)
    finally:
        step_taken.disconnect(dispatch_uid="test-group-steps")
        public_content_changed.disconnect(dispatch_uid="test-group-public")
    assert sorted(steps) == [("en", "publish"), ("ru", "publish"), ("zh-hans", "publish")]
    assert {release.language for release in public if release} == {"en", "ru", "zh-hans"}


def test_withdrawing_the_group_withdraws_each_with_its_reason(group, editor):
    english, russian, _chinese = group
    editing.take_group_step(english, "publish", editor, now=NOW)
    with pytest.raises(editing.GroupStepRefused, match="Give the reason"):
        editing.take_group_step(fresh(russian), "withdraw", editor, now=NOW)
    editing.take_group_step(fresh(russian), "withdraw", editor, comment="Issued in error.")
    for version in group:
        version = fresh(version)
        assert version.status == PressRelease.Status.WITHDRAWN
        assert version.withdrawal_reason == "Issued in error."
        assert version.transitions.filter(to_status="withdrawn").count() == 1


# The admin's workflow panel -------------------------------------------------------


def test_editor_publishes_the_group_from_the_form(group, editor, login, rendered_form_data):
    english, _russian, _chinese = group
    client = login(editor)
    response = client.get(change_url(english))
    page = response.content.decode()
    assert "Publish all versions (English, Russian, Simplified Chinese)" in page
    data = rendered_form_data(response)
    data.update(
        {
            "_group": "publish",
            "title": "Changed with the step",
            "schedule_at_0": timezone.localtime(LATER).date().isoformat(),
            "schedule_at_1": timezone.localtime(LATER).time().isoformat(),
        }
    )
    response = client.post(change_url(english), data, follow=True)
    assert response.redirect_chain[-1][0] == change_url(english)
    message = " ".join(str(m) for m in response.context["messages"])
    assert "published with its versions (English, Russian, Simplified Chinese)" in message
    assert fresh(english).title == "Changed with the step"
    assert states(group, now=timezone.now()) == ["scheduled"] * 3
    assert {fresh(version).publish_at for version in group} == {LATER}
    page = response.content.decode()
    assert "Change publication time of all versions" in page


def test_form_names_the_version_that_stops_the_group(group, editor, login, rendered_form_data):
    english, russian, _chinese = group
    russian.dateline_date = None
    editing.save_release(russian, by=editor)
    client = login(editor)
    data = rendered_form_data(client.get(change_url(english)))
    data["_group"] = "publish"
    response = client.post(change_url(english), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "No version was published." in errors
    assert any(
        "Russian version “Встреча”" in error and "the date of the dateline" in error
        for error in errors
    )
    assert states(group, now=timezone.now()) == ["in_review", "draft", "draft"]


def test_withdraw_the_group_is_offered_and_needs_a_reason(group, editor, login, rendered_form_data):
    english, russian, _chinese = group
    editing.take_group_step(english, "publish", editor)
    client = login(editor)
    response = client.get(change_url(russian))
    page = response.content.decode()
    assert 'value="withdraw"' in page
    assert "Withdraw all versions (English, Russian, Simplified Chinese)" in page
    data = rendered_form_data(response)
    data["_group"] = "withdraw"
    response = client.post(change_url(russian), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["transition_comment"]
    data["transition_comment"] = "Issued in error."
    response = client.post(change_url(russian), data)
    assert response.status_code == 302
    assert states(group, now=timezone.now()) == ["withdrawn"] * 3
    assert {fresh(v).withdrawal_reason for v in group} == {"Issued in error."}


def test_contributor_crafted_group_post_changes_nothing(
    group, contributor, login, rendered_form_data
):
    _english, russian, _chinese = group
    client = login(contributor)
    response = client.get(change_url(russian))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_group"' not in page
    data = rendered_form_data(response)
    data["_group"] = "publish"
    response = client.post(change_url(russian), data)
    assert response.status_code == 200
    assert any(
        "may not publish" in e for e in response.context["adminform"].form.non_field_errors()
    )
    assert states(group, now=timezone.now()) == ["in_review", "draft", "draft"]


def test_a_public_version_publishes_the_versions_still_to_come(
    group, editor, login, rendered_form_data
):
    english, _russian, chinese = group
    english.publish(editor)
    client = login(editor)
    response = client.get(change_url(english))
    page = response.content.decode()
    assert "Publish all versions (Russian, Simplified Chinese)" in page
    data = rendered_form_data(response)
    data.update({"_group": "publish", "correction_note": "Now also in Russian and Chinese."})
    assert client.post(change_url(english), data).status_code == 302
    assert states(group, now=timezone.now()) == ["published"] * 3
    # The English release kept its publication and took the form's change.
    assert fresh(english).publish_at == english.publish_at
    assert fresh(english).correction_note == "Now also in Russian and Chinese."
    assert fresh(english).transitions.count() == 1
    # A draft among public versions is offered no group withdrawal of its own.
    restored = fresh(chinese)
    restored.withdraw(editor, comment="Wrong text.")
    fresh(restored).restore_to_draft(editor)
    page = client.get(change_url(chinese)).content.decode()
    assert 'name="_group" value="withdraw"' not in page
