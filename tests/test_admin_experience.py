"""The release form as editors use it: state and steps first, one message per step, fields
that fit the release, and a conflict resolved field by field."""

import datetime

import pytest
from django.utils import timezone

from newsroom.models import PressRelease

from .test_admin_workflow import ADD_URL, change_url, messages_of, post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_release, make_organisation, contributor):
    release = make_release(status="draft", publish_at=None, created_by=contributor)
    release.organisations.add(make_organisation())
    return release


def test_the_author_sees_the_editors_comment_at_the_top(draft, editor, contributor, login):
    draft.submit(contributor)
    draft.return_to_draft(editor, comment="Name the venue of the meeting.")
    page = login(contributor).get(change_url(draft)).content.decode()
    note = page.index('class="returned-note"')
    assert "Name the venue of the meeting." in page[note : note + 400]
    assert "Returned to draft by editor" in page[note : note + 400]
    # Above the fields the author is about to change.
    assert note < page.index('name="title"')


def test_the_note_goes_once_the_draft_is_submitted_again(draft, editor, contributor, login):
    draft.submit(contributor)
    draft.return_to_draft(editor, comment="Name the venue.")
    draft.submit(contributor)
    assert 'class="returned-note"' not in login(editor).get(change_url(draft)).content.decode()


def test_the_steps_stand_above_the_fields(draft, editor, login):
    draft.submit(editor)
    page = login(editor).get(change_url(draft)).content.decode()
    assert page.index('name="_transition"') < page.index('name="title"')


def test_a_step_shows_one_message_and_stays_on_the_release(draft, contributor, login):
    signed_in = login(contributor)
    response = signed_in.post(change_url(draft), post_data(draft, _transition="submit"))
    assert response["Location"] == change_url(draft)
    messages = messages_of(signed_in.get(response["Location"]))
    assert messages == [f"“{draft.title}” was submitted for review: now in review."]


def test_adding_and_publishing_in_one_step_shows_one_message(editor, make_organisation, login):
    from .test_admin_workflow import add_form_data

    signed_in = login(editor)
    data = add_form_data(
        make_organisation(),
        title="Joint statement",
        slug="joint-statement",
        lead="The secretariats agreed a joint statement.",
        body="<p>The text.</p>",
        dateline_place="Beijing",
        dateline_date="2025-03-01",
        _transition="publish",
    )
    response = signed_in.post(ADD_URL, data)
    release = PressRelease.objects.get(slug="joint-statement")
    assert response["Location"] == change_url(release)
    assert messages_of(signed_in.get(response["Location"])) == [
        "“Joint statement” was published: now published."
    ]


def test_a_new_release_shows_nothing_about_publication(contributor, login):
    page = login(contributor).get(ADD_URL).content.decode()
    assert "Correction note" not in page
    assert "Updated at" not in page
    assert "Workflow history" not in page


def test_a_draft_never_published_offers_no_correction_note(draft, contributor, login):
    page = login(contributor).get(change_url(draft)).content.decode()
    assert "Correction note" not in page and "Workflow history" not in page
    assert "Updated at" in page


def test_a_published_release_offers_the_correction_note_and_its_history(draft, editor, login):
    draft.submit(editor)
    draft.publish(editor)
    page = login(editor).get(change_url(draft)).content.decode()
    assert "Correction note" in page and "Workflow history" in page


def test_the_list_shows_the_release_worked_on_last_first(make_release, editor, login):
    older = make_release(title="Older release", status="draft", publish_at=None)
    make_release(title="Newer release", status="draft", publish_at=None)
    PressRelease.objects.filter(pk=older.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    page = login(editor).get("/admin/newsroom/pressrelease/").content.decode()
    assert page.index("Newer release") < page.index("Older release")


# Conflicts ------------------------------------------------------------------------


@pytest.fixture
def conflict(draft, editor, make_staff, login, rendered_form_data):
    """Two editors opened the release; Aigerim saved a new lead first."""
    aigerim = make_staff("aigerim", "Editors")
    first, second = login(editor), login(aigerim)
    first_data = rendered_form_data(first.get(change_url(draft)))
    second_data = rendered_form_data(second.get(change_url(draft)))
    second_data["lead"] = "Aigerim's better lead."
    assert second.post(change_url(draft), second_data).status_code == 302
    first_data["title"] = "The first editor's title"
    response = first.post(change_url(draft), first_data)
    assert response.status_code == 200
    return first, first_data, response


def choices_of(response):
    form = response.context["adminform"].form
    return {choice.diff.label: choice.field.value() for choice in form.conflict_choices}


def test_a_conflict_offers_a_choice_for_each_field_that_differs(conflict):
    _client, _data, response = conflict
    # The title only the first editor changed stays theirs to keep; the lead only
    # Aigerim changed is taken from her unless the first editor says otherwise.
    assert choices_of(response) == {"Title": "mine", "Lead": "theirs"}
    page = response.content.decode()
    assert "aigerim saved these fields differently" in page
    assert "Aigerim&#x27;s better lead." in page


def resubmitted(data, response, **choices):
    """The same form again, as the browser posts it after the conflict page."""
    form = response.context["adminform"].form
    defaults = {f"keep_{name}": form.data[f"keep_{name}"] for name in ("title", "lead")}
    return {**data, "loaded_version": form.data["loaded_version"], **defaults, **choices}


def test_saving_again_keeps_both_changes(conflict, draft):
    client, data, response = conflict
    assert client.post(change_url(draft), resubmitted(data, response)).status_code == 302
    stored = PressRelease.objects.get(pk=draft.pk)
    assert (stored.title, stored.lead) == ("The first editor's title", "Aigerim's better lead.")


def test_the_editor_may_take_theirs_or_keep_mine_per_field(conflict, draft):
    client, data, response = conflict
    data = resubmitted(data, response, keep_title="theirs", keep_lead="mine")
    assert client.post(change_url(draft), data).status_code == 302
    stored = PressRelease.objects.get(pk=draft.pk)
    assert stored.title == draft.title  # theirs: the title as Aigerim saved it
    assert stored.lead == draft.lead  # mine: the lead the first editor had loaded


# Suggest links, share links, wording ----------------------------------------------


@pytest.fixture
def release_naming_an_unknown_body(make_release, contributor):
    from newsroom.demo import build_reference_data

    build_reference_data()
    return make_release(
        status="draft",
        publish_at=None,
        created_by=contributor,
        lead="The SCO Secretary-General met the League of Arab States in Qingdao.",
    )


def test_suggest_links_offers_to_add_an_organisation_only_to_those_who_may(
    release_naming_an_unknown_body, contributor, editor, login
):
    from django.urls import reverse

    url = reverse(
        "admin:newsroom_pressrelease_suggest_links", args=[release_naming_an_unknown_body.pk]
    )
    for_contributor = login(contributor).get(url).content.decode()
    assert "League of Arab States" in for_contributor
    assert "add organisation" not in for_contributor
    assert "add organisation" in login(editor).get(url).content.decode()


def test_suggest_links_counts_in_words(release_naming_an_unknown_body, contributor, login):
    from django.urls import reverse

    url = reverse(
        "admin:newsroom_pressrelease_suggest_links", args=[release_naming_an_unknown_body.pk]
    )
    signed_in = login(contributor)
    form = signed_in.get(url).context["form"]
    response = signed_in.post(
        url,
        {
            "organisations": list(form.organisation_choices),
            "participants": list(form.participant_choices),
        },
        follow=True,
    )
    assert messages_of(response) == ["Added 1 organisation and 1 participant."]


def test_the_import_page_states_its_limit_in_bytes(editor, login):
    page = login(editor).get("/admin/newsroom/pressrelease/import/").content.decode()
    assert "200,000 bytes" in page


def test_share_links_have_a_copy_button_one_time_format_and_date_shortcuts(draft, editor, login):
    from django.urls import reverse

    signed_in = login(editor)
    url = reverse("admin:newsroom_pressrelease_share", args=[draft.pk])
    signed_in.post(url, {"expires_at_0": "2031-05-04", "expires_at_1": "09:30", "note": "CSTO"})
    page = signed_in.get(url).content.decode()
    assert 'data-copy="share-link-' in page and "newsroom/copy-field.js" in page
    assert "4 May 2031, 09:30 (UTC)" in page
    # The calendar and the Today / Now shortcuts need the admin's core script.
    assert "admin/js/core.js" in page and "DateTimeShortcuts.js" in page
