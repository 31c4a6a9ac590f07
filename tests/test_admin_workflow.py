import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from newsroom.models import Participant, Person, PressRelease, PressReleaseTransition

pytestmark = pytest.mark.django_db

FUTURE = datetime.datetime(2031, 5, 4, 9, 30)


def change_url(release):
    return reverse("admin:newsroom_pressrelease_change", args=[release.pk])


CHANGELIST = "/admin/newsroom/pressrelease/"


def post_data(release, **overrides):
    """What the change form posts for ``release`` as it was loaded, with changes."""
    if release.pk:
        release.refresh_from_db()
    data = {
        "kind": release.kind,
        "title": release.title,
        "slug": release.slug,
        "lead": release.lead,
        "body": release.body,
        "dateline_place": release.dateline_place,
        "dateline_date": release.dateline_date.isoformat() if release.dateline_date else "",
        "language": release.language,
        "translation_group": str(release.translation_group),
        "correction_note": release.correction_note,
        "organisations": [str(o.pk) for o in release.organisations.all()] if release.pk else [],
        "documents": [str(d.pk) for d in release.documents.all()] if release.pk else [],
        "tags": ", ".join(t.name for t in release.tags.all()) if release.pk else "",
        "loaded_version": str(release.version),
    }
    for prefix in ("participants", "photos", "transitions"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def add_form_data(organisation, **fields):
    """What the add form posts for a new release about ``organisation``."""
    data = post_data(PressRelease(slug="", title=""), **fields)
    data.pop("loaded_version")
    data["organisations"] = [str(organisation.pk)]
    return data


ADD_URL = "/admin/newsroom/pressrelease/add/"


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def ready_release(make_release, make_organisation, contributor):
    def make(**fields):
        release = make_release(**{"created_by": contributor, **fields})
        release.organisations.add(make_organisation())
        return release

    return make


def test_change_form_shows_state_zone_and_only_allowed_buttons(ready_release, editor, login):
    release = ready_release(status="in_review", publish_at=None)
    page = login(editor).get(change_url(release)).content.decode()
    assert "Status: <span" in page and "In review" in page
    assert 'value="publish"' in page and 'value="return_to_draft"' in page
    assert 'value="withdraw"' not in page and 'value="submit"' not in page
    assert "(UTC)" in page
    assert 'name="loaded_version"' in page
    # Pressing Enter in a field uses the form's first submit button: it must save, never
    # publish, although the steps stand at the top of the form.
    form = page[page.index('id="pressrelease_form"') :]
    first_button = re.search(r"<button[^>]*>|<input[^>]*type=\"submit\"[^>]*>", form).group()
    assert 'name="_continue"' in first_button
    assert form.index(first_button) < form.index('name="_transition"')


def test_contributor_gets_only_submit_on_their_own_draft(ready_release, contributor, login):
    release = ready_release(status="draft", publish_at=None)
    page = login(contributor).get(change_url(release)).content.decode()
    assert 'value="submit"' in page
    assert 'value="publish"' not in page


def test_contributor_reads_others_releases_without_buttons(ready_release, other_contributor, login):
    release = ready_release(status="draft", publish_at=None)
    response = login(other_contributor).get(change_url(release))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_transition"' not in page
    assert 'name="title"' not in page


@pytest.mark.parametrize("status", ["draft", "in_review", "published"])
def test_contributor_cannot_change_others_releases(ready_release, other_contributor, status, login):
    release = ready_release(status=status, publish_at=None)
    response = login(other_contributor).post(
        change_url(release), post_data(release, title="Hijacked")
    )
    assert response.status_code == 403
    assert PressRelease.objects.get(pk=release.pk).title != "Hijacked"


def test_contributor_cannot_edit_their_release_while_it_is_in_review(
    ready_release, contributor, login
):
    release = ready_release(status="in_review", publish_at=None)
    response = login(contributor).post(change_url(release), post_data(release, title="Late"))
    assert response.status_code == 403


def test_contributor_crafted_post_cannot_publish(ready_release, contributor, login):
    release = ready_release(status="draft", publish_at=None)
    data = post_data(
        release,
        title="Changed title",
        _transition="publish",
        status="published",
        publish_at="2020-01-01 00:00",
        schedule_at_0="2031-01-01",
        schedule_at_1="10:00",
    )
    response = login(contributor).post(change_url(release), data)
    assert response.status_code == 200
    assert "You may not publish releases." in response.content.decode()
    stored = PressRelease.objects.get(pk=release.pk)
    assert (stored.status, stored.publish_at, stored.title) == ("draft", None, release.title)
    assert not PressReleaseTransition.objects.exists()


def test_contributor_cannot_set_status_by_a_form_field(ready_release, contributor, login):
    release = ready_release(status="draft", publish_at=None)
    data = post_data(release, title="Edited", status="published", publish_at="2020-01-01")
    response = login(contributor).post(change_url(release), data)
    assert response.status_code == 302
    stored = PressRelease.objects.get(pk=release.pk)
    assert (stored.title, stored.status, stored.publish_at) == ("Edited", "draft", None)


@pytest.mark.parametrize("action", ["publish_selected", "restore_selected"])
def test_contributor_bulk_actions_cannot_publish_or_restore(
    ready_release, contributor, action, login
):
    own = ready_release(status="draft", publish_at=None)
    withdrawn = ready_release(status="withdrawn")
    response = login(contributor).post(
        CHANGELIST, {"action": action, "_selected_action": [own.pk, withdrawn.pk]}
    )
    assert response.status_code in {200, 302}
    assert PressRelease.objects.get(pk=own.pk).status == "draft"
    assert PressRelease.objects.get(pk=withdrawn.pk).status == "withdrawn"
    assert not PressReleaseTransition.objects.exists()


def test_contributor_bulk_submit_only_moves_their_own_drafts(
    ready_release, contributor, other_contributor, login
):
    own = ready_release(status="draft", publish_at=None)
    theirs = ready_release(status="draft", publish_at=None, created_by=other_contributor)
    response = login(contributor).post(
        CHANGELIST,
        {"action": "submit_selected", "_selected_action": [own.pk, theirs.pk]},
        follow=True,
    )
    notes = messages_of(response)
    assert f"“{own}” was submitted for review." in notes
    assert f"“{theirs}” was not changed: You may only submit releases you wrote." in notes
    assert PressRelease.objects.get(pk=own.pk).status == "in_review"
    assert PressRelease.objects.get(pk=theirs.pk).status == "draft"


def test_editor_bulk_publish_reports_each_success_and_refusal(ready_release, editor, login):
    ready = ready_release(status="in_review", publish_at=None)
    incomplete = ready_release(status="in_review", publish_at=None, lead="")
    live = ready_release()
    response = login(editor).post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [ready.pk, incomplete.pk, live.pk]},
        follow=True,
    )
    notes = messages_of(response)
    assert f"“{ready}” was published." in notes
    assert any(n.startswith(f"“{incomplete}” was not changed: ") and "a lead" in n for n in notes)
    assert any(n.startswith(f"“{live}” was not changed: ") for n in notes)
    assert PressRelease.objects.get(pk=ready.pk).is_public()
    assert PressRelease.objects.get(pk=incomplete.pk).status == "in_review"


def test_editor_schedules_in_the_site_time_zone(ready_release, editor, settings, login):
    settings.TIME_ZONE = "Asia/Shanghai"
    release = ready_release(status="in_review", publish_at=None)
    client = login(editor)
    assert "(Asia/Shanghai)" in client.get(change_url(release)).content.decode()
    data = post_data(
        release, _transition="publish", schedule_at_0="2031-05-04", schedule_at_1="09:30"
    )
    response = client.post(change_url(release), data, follow=True)
    assert response.status_code == 200
    stored = PressRelease.objects.get(pk=release.pk)
    expected = datetime.datetime(2031, 5, 4, 1, 30, tzinfo=datetime.UTC)
    assert (stored.status, stored.publish_at) == ("published", expected)
    assert stored.is_scheduled()
    assert any(
        "scheduled for 4 May 2031, 09:30 (Asia/Shanghai)" in n for n in messages_of(response)
    )
    changelist = client.get(CHANGELIST).content.decode()
    assert "Scheduled for <small>4 May 2031, 09:30 (Asia/Shanghai)</small>" in changelist


def test_editor_changes_the_time_of_a_scheduled_release(ready_release, editor, login):
    release = ready_release(status="in_review", publish_at=None)
    release.publish(editor, at=timezone.make_aware(FUTURE))
    data = post_data(
        release, _transition="publish", schedule_at_0="2031-06-01", schedule_at_1="08:00"
    )
    login(editor).post(change_url(release), data)
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.publish_at == datetime.datetime(2031, 6, 1, 8, 0, tzinfo=datetime.UTC)
    assert stored.transitions.last().comment.startswith("Rescheduled from 4 May 2031, 09:30")


def test_refused_transition_says_what_is_missing_and_saves_nothing(make_release, editor, login):
    release = make_release(status="in_review", publish_at=None)
    data = post_data(release, title="New headline", _transition="publish")
    response = login(editor).post(change_url(release), data)
    assert response.status_code == 200
    assert "To publish, the release needs at least one organisation." in response.content.decode()
    assert 'value="New headline"' in response.content.decode()
    stored = PressRelease.objects.get(pk=release.pk)
    assert (stored.title, stored.status) == (release.title, "in_review")


def test_edits_and_a_transition_are_saved_together(ready_release, make_organisation, editor, login):
    release = ready_release(status="in_review", publish_at=None, lead="")
    data = post_data(release, lead="Now with a lead.", _transition="publish")
    response = login(editor).post(change_url(release), data)
    assert response.status_code == 302
    stored = PressRelease.objects.get(pk=release.pk)
    assert (stored.lead, stored.status) == ("Now with a lead.", "published")


def test_returning_to_draft_needs_a_comment_in_the_admin(ready_release, editor, login):
    release = ready_release(status="in_review", publish_at=None)
    client = login(editor)
    response = client.post(change_url(release), post_data(release, _transition="return_to_draft"))
    assert "Say what the author should change." in response.content.decode()
    assert PressRelease.objects.get(pk=release.pk).status == "in_review"
    data = post_data(release, _transition="return_to_draft", transition_comment="Add quotes.")
    assert client.post(change_url(release), data).status_code == 302
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.status == "draft"
    assert stored.transitions.get().comment == "Add quotes."
    page = client.get(change_url(release)).content.decode()
    assert "Workflow history" in page and "Add quotes." in page


def test_unknown_transition_is_a_form_error(ready_release, editor, login):
    release = ready_release(status="in_review", publish_at=None)
    response = login(editor).post(change_url(release), post_data(release, _transition="delete"))
    assert response.status_code == 200
    assert "is not a step of the workflow" in response.content.decode()


def test_lost_update_between_two_admin_sessions(
    ready_release, editor, make_staff, login, rendered_form_data
):
    second_editor = make_staff("aigerim", "Editors")
    release = ready_release(status="in_review", publish_at=None)
    first, second = login(editor), login(second_editor)
    first_data = rendered_form_data(first.get(change_url(release)))
    second_data = rendered_form_data(second.get(change_url(release)))
    first_data["title"] = "Title typed by the first editor"
    second_data["title"] = "Title by Aigerim"

    assert second.post(change_url(release), second_data).status_code == 302
    response = first.post(change_url(release), first_data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "aigerim saved this release at" in page
    assert 'value="Title typed by the first editor"' in page
    assert "Title by Aigerim" in page  # the difference is shown
    assert PressRelease.objects.get(pk=release.pk).title == "Title by Aigerim"

    # Having seen the differences, the first editor may keep their text.
    confirmed = re.search(r'name="loaded_version" value="(\d+)"', page).group(1)
    first_data["loaded_version"] = confirmed
    assert first.post(change_url(release), first_data).status_code == 302
    assert PressRelease.objects.get(pk=release.pk).title == "Title typed by the first editor"


def test_a_post_without_the_loaded_version_is_refused(ready_release, editor, login):
    release = ready_release(status="draft", publish_at=None)
    data = post_data(release, title="No version")
    del data["loaded_version"]
    response = login(editor).post(change_url(release), data)
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    assert PressRelease.objects.get(pk=release.pk).title != "No version"


def test_body_from_the_editor_is_stored_sanitised(ready_release, contributor, login):
    release = ready_release(status="draft", publish_at=None)
    body = '<h2>Heading</h2><p onclick="x()">Text<script>alert(1)</script></p>'
    login(contributor).post(change_url(release), post_data(release, body=body))
    assert PressRelease.objects.get(pk=release.pk).body == "<h2>Heading</h2><p>Text</p>"


def test_adding_a_release_records_its_author(contributor, make_organisation, login):
    data = add_form_data(make_organisation(), title="Fresh release", slug="fresh-release")
    response = login(contributor).post(ADD_URL, data)
    assert response.status_code == 302
    release = PressRelease.objects.get(slug="fresh-release")
    assert (release.created_by, release.status) == (contributor, "draft")


def test_changelist_filters_by_workflow_state(ready_release, editor, login):
    scheduled = ready_release(status="in_review", publish_at=None)
    scheduled.publish(editor, at=timezone.make_aware(FUTURE))
    live = ready_release()
    client = login(editor)
    page = client.get(CHANGELIST, {"state": "scheduled"}).content.decode()
    assert scheduled.title in page and live.title not in page
    page = client.get(CHANGELIST, {"state": "published"}).content.decode()
    assert live.title in page and scheduled.title not in page


@pytest.mark.parametrize("count", [1, 200])
def test_changelist_costs_the_same_for_1_or_200_releases(
    make_release, make_organisation, editor, count, django_assert_max_num_queries, login
):
    organisation = make_organisation()
    author = get_user_model().objects.create_user("author")
    author.groups.add(Group.objects.get(name="Contributors"))
    for number in range(count):
        release = make_release(created_by=author)
        if number % 2:
            release.organisations.add(organisation)
    client = login(editor)
    with django_assert_max_num_queries(16):
        response = client.get(CHANGELIST, {"all": ""})
    assert response.status_code == 200
    assert response.content.decode().count("release-state--published") >= min(count, 50)


def test_groups_hold_the_permissions_their_work_needs(editor, contributor):
    for codename in ["publish_pressrelease", "withdraw_pressrelease", "add_sharelink"]:
        assert editor.has_perm(f"newsroom.{codename}")
        assert not contributor.has_perm(f"newsroom.{codename}")
    assert contributor.has_perm("newsroom.change_pressrelease")
    assert not contributor.has_perm("newsroom.delete_pressrelease")


def test_editor_corrects_a_published_release_and_it_stays_live(
    ready_release, editor, client, login
):
    release = ready_release()
    before = release.updated_at
    data = post_data(
        release,
        body="<p>The meeting took place on 9 June.</p>",
        correction_note="The date of the meeting was corrected.",
    )
    assert login(editor).post(change_url(release), data).status_code == 302
    stored = PressRelease.objects.get(pk=release.pk)
    assert stored.is_public()
    assert stored.updated_at > before
    page = client.get(stored.get_absolute_url()).content.decode()
    assert "The date of the meeting was corrected." in page
    assert "9 June" in page


def test_the_rendered_change_form_round_trips_with_its_inlines(
    ready_release, editor, login, rendered_form_data
):
    release = ready_release(status="in_review", publish_at=None)
    release.tags.add("security", "youth")
    Participant.objects.create(
        release=release, person=Person.objects.create(name="Rashid Alimov", slug="alimov")
    )
    PressReleaseTransition.objects.create(
        release=release, from_status="draft", to_status="in_review"
    )
    client = login(editor)
    data = rendered_form_data(client.get(change_url(release)))
    data.update(title="Edited in the browser", _transition="publish")
    response = client.post(change_url(release), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = PressRelease.objects.get(pk=release.pk)
    assert (stored.title, stored.status) == ("Edited in the browser", "published")
    assert [p.person.name for p in stored.participants.all()] == ["Rashid Alimov"]
    assert sorted(t.name for t in stored.tags.all()) == ["security", "youth"]
    assert stored.transitions.count() == 2


def test_the_body_editor_offers_nothing_the_sanitiser_removes():
    from django_prose_editor.config import allowlist_from_extensions, expand_extensions

    from newsroom.editorial.forms import BODY_EXTENSIONS
    from newsroom.sanitize import ALLOWED_TAGS

    offered = allowlist_from_extensions(expand_extensions(BODY_EXTENSIONS))["tags"]
    assert offered <= ALLOWED_TAGS
    assert {"h2", "ul", "ol", "a", "table", "blockquote"} <= offered


def test_contributor_cannot_publish_while_adding_a_release(contributor, make_organisation, login):
    data = add_form_data(
        make_organisation(),
        title="Straight to the public",
        slug="straight-to-the-public",
        _transition="publish",
    )
    response = login(contributor).post(ADD_URL, data)
    assert response.status_code == 200
    assert "You may not publish releases." in response.content.decode()
    assert not PressRelease.objects.filter(slug="straight-to-the-public").exists()


def test_editor_adds_and_publishes_in_one_step(editor, make_organisation, login):
    data = add_form_data(
        make_organisation(),
        title="Joint statement",
        slug="joint-statement",
        lead="The secretariats agreed a joint statement.",
        body="<p>The text of the statement.</p>",
        dateline_place="Beijing",
        dateline_date="2025-03-01",
        _transition="publish",
    )
    response = login(editor).post(ADD_URL, data)
    assert response.status_code == 302
    release = PressRelease.objects.get(slug="joint-statement")
    assert (release.created_by, release.is_public()) == (editor, True)
    assert release.transitions.get().to_status == "published"
