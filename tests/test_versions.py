"""Versions of a release in other languages: adding one from its original, the language
picker, and "out of date" when the original's content changes (docs/architecture.md,
"Versions in other languages")."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from newsroom.editorial import editing
from newsroom.editorial.forms import AddTranslationForm
from newsroom.editorial.revisions import original_changes
from newsroom.models import Participant, Photo, PressRelease

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsroom/pressrelease/"


def change_url(release):
    return reverse("admin:newsroom_pressrelease_change", args=[release.pk])


def translate_url(release):
    return reverse("admin:newsroom_pressrelease_translate", args=[release.pk])


def fresh(release):
    return PressRelease.objects.get(pk=release.pk)


@pytest.fixture
def original(make_release, public_world, editor):
    """A published English release with everything the versions share."""
    release = public_world.attach(make_release(created_by=editor, kind="statement"), "youth")
    Photo.objects.filter(release=release).update(credit="Photo: SCO Secretariat")
    return fresh(release)


@pytest.fixture
def russian(original, editor):
    version = editing.add_translation(original, "ru", by=editor)
    # The translator describes the photo, as the form asks.
    Photo.objects.filter(release=version).update(alt_text="Фотография встречи")
    return version


def form_data(response, rendered_form_data):
    """What the browser posts back: a file input that was left alone sends no file."""
    return {
        key: value
        for key, value in rendered_form_data(response).items()
        if not key.endswith("-image")
    }


def written(version, **fields):
    """The version once its translator has written its text."""
    version.title = fields.get("title", "Встреча генерального секретаря")
    version.lead = fields.get("lead", "Генеральный секретарь встретился с делегацией.")
    version.body = fields.get("body", "<p>Текст сообщения.</p>")
    return version


# Adding a translation ------------------------------------------------------------


def test_add_translation_copies_what_versions_share_and_none_of_the_text(original, editor):
    version = editing.add_translation(original, "ru", by=editor)
    version = fresh(version)
    assert version.language == "ru"
    assert version.status == PressRelease.Status.DRAFT
    assert version.translation_group == original.translation_group
    assert version.translated_from == original
    assert version.created_by == editor
    # Shared: kind, dateline, organisations, documents, topics, participants, photos.
    assert version.kind == original.kind == "statement"
    assert (version.dateline_place, version.dateline_date) == (
        original.dateline_place,
        original.dateline_date,
    )
    assert list(version.organisations.all()) == list(original.organisations.all())
    assert list(version.documents.all()) == list(original.documents.all())
    assert sorted(t.name for t in version.tags.all()) == ["shared topic", "youth"]
    assert list(version.participants.values_list("person", "office", "role", "order")) == list(
        original.participants.values_list("person", "office", "role", "order")
    )
    [photo] = version.photos.all()
    [source] = original.photos.all()
    assert (photo.image.name, photo.credit, photo.order) == (
        source.image.name,
        "Photo: SCO Secretariat",
        source.order,
    )
    # The words are the translator's to write.
    assert (version.title, version.lead, version.body) == ("", "", "")
    assert (photo.caption, photo.alt_text) == ("", "")
    assert Participant.objects.filter(release=version).count() == 2
    assert str(version) == "Untitled Russian version"
    # The address is the original's with the language; the new version is in step.
    assert version.slug == f"{original.slug}-ru"
    assert not version.is_out_of_date()
    assert version.original_content_version == original.content_version


def test_add_translation_slug_stays_unique(original, editor, make_release):
    make_release(slug=f"{original.slug}-zh-hans")
    version = editing.add_translation(original, "zh-hans", by=editor)
    assert version.slug == f"{original.slug}-zh-hans-2"


def test_a_language_the_group_has_cannot_be_added_again(original, russian, editor):
    with pytest.raises(ValidationError, match="already has a version in Russian"):
        editing.add_translation(original, "ru", by=editor)
    with pytest.raises(ValidationError):
        editing.add_translation(russian, "en", by=editor)
    assert PressRelease.objects.filter(translation_group=original.translation_group).count() == 2


def test_picker_offers_only_the_languages_the_group_lacks(original, russian):
    assert [
        code for code, _name in AddTranslationForm(release=original).fields["language"].choices
    ] == ["zh-hans"]
    assert editing.missing_languages(russian) == [("zh-hans", "Simplified Chinese")]
    form = AddTranslationForm({"language": "ru"}, release=original)
    assert not form.is_valid()
    assert "language" in form.errors


def test_admin_adds_a_translation_and_opens_it(original, editor, login):
    client = login(editor)
    page = client.get(translate_url(original)).content.decode()
    assert '<option value="ru">Russian</option>' in page
    assert '<option value="zh-hans">Simplified Chinese</option>' in page
    assert 'value="en"' not in page
    assert '<a href="/admin/newsroom/">Newsroom</a>' in page
    response = client.post(translate_url(original), {"language": "zh-hans"})
    version = PressRelease.objects.get(
        translation_group=original.translation_group, language="zh-hans"
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(version)
    page = client.get(translate_url(original)).content.decode()
    assert 'value="zh-hans"' not in page and 'value="ru"' in page
    # A language the group has is refused with a message, not a second version.
    response = client.post(translate_url(original), {"language": "zh-hans"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert PressRelease.objects.filter(translation_group=original.translation_group).count() == 2


def test_translation_group_is_not_a_field_and_language_offers_only_free_ones(
    original, russian, editor, login
):
    client = login(editor)
    response = client.get(change_url(russian))
    form = response.context["adminform"].form
    assert "translation_group" not in form.fields
    assert [code for code, _name in form.fields["language"].choices] == ["ru", "zh-hans"]
    assert 'name="translation_group"' not in response.content.decode()


def test_new_version_form_saves_once_the_translator_writes_it(
    original, editor, login, rendered_form_data
):
    russian = editing.add_translation(original, "ru", by=editor)
    client = login(editor)
    data = form_data(client.get(change_url(russian)), rendered_form_data)
    response = client.post(change_url(russian), data)
    # Nothing written yet: the title and the photo's description are asked for.
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    photo_form = response.context["inline_admin_formsets"][1].formset.forms[0]
    assert photo_form.errors["alt_text"]
    data.update(
        {
            "title": "Встреча генерального секретаря",
            "lead": "Генеральный секретарь встретился с делегацией.",
            "body": "<p>Текст сообщения.</p>",
            "photos-0-alt_text": "Генеральный секретарь и делегация",
            "photos-0-caption": "Встреча в Циндао",
        }
    )
    response = client.post(change_url(russian), data)
    assert response.status_code == 302
    version = fresh(russian)
    assert version.title == "Встреча генерального секретаря"
    assert version.photos.get().alt_text == "Генеральный секретарь и делегация"
    assert version.photos.get().credit == "Photo: SCO Secretariat"
    assert version.translation_group == original.translation_group


# Out of date ---------------------------------------------------------------------


def test_original_text_change_puts_the_version_out_of_date(original, russian, editor):
    original.title = "A corrected headline"
    editing.save_release(original, by=editor)
    assert fresh(russian).is_out_of_date()
    assert list(PressRelease.objects.out_of_date()) == [fresh(russian)]


@pytest.mark.parametrize(
    "field, value",
    [
        ("lead", "A new lead."),
        ("body", "<p>A new paragraph.</p>"),
        ("dateline_place", "Beijing"),
        ("dateline_date", datetime.date(2024, 1, 2)),
        ("correction_note", "The date was corrected."),
    ],
)
def test_each_followed_field_counts(original, russian, editor, field, value):
    setattr(original, field, value)
    editing.save_release(original, by=editor)
    assert fresh(russian).is_out_of_date()


def test_shared_links_count_but_status_steps_and_unchanged_saves_do_not(
    original, russian, editor, make_organisation
):
    # Saved as it is, and with its body written differently but sanitised the same.
    original.body = original.body.replace("<p>", "<p>\u0000")
    editing.save_release(original, by=editor)
    # Withdrawn and restored: status steps, not content.
    fresh(original).withdraw(editor, comment="Published by mistake.")
    fresh(original).restore_to_draft(editor)
    assert not fresh(russian).is_out_of_date()
    editing.save_release(
        fresh(original), by=editor, links=[editing.add_organisations([make_organisation()])]
    )
    assert fresh(russian).is_out_of_date()


def test_out_of_date_version_shows_the_originals_diff_and_saving_clears_it(
    original, russian, editor, login, rendered_form_data
):
    editing.save_release(written(russian), by=editor)
    old_title = original.title
    original.title = "Secretary-General meets the delegation in Qingdao"
    original.dateline_place = "Beijing"
    editing.save_release(original, by=editor)
    changes = original_changes(fresh(russian))
    assert changes is not None and changes.original == original
    labels = {diff.label: diff.lines for diff in changes.diffs}
    assert labels["Title"] == [("removed", old_title), ("added", original.title)]
    assert labels["Dateline place"] == [("removed", "Qingdao"), ("added", "Beijing")]
    assert "Body text" not in labels

    client = login(editor)
    # The change list marks it and filters for it.
    page = client.get(CHANGELIST).content.decode()
    assert "release-state--out-of-date" in page
    listed = client.get(CHANGELIST, {"translation": "out_of_date"}).context["cl"].result_list
    assert list(listed) == [fresh(russian)]
    assert not client.get(CHANGELIST, {"translation": "in_step"}).context["cl"].result_list
    # The form says so, with the diff.
    response = client.get(change_url(russian))
    page = response.content.decode()
    assert "Out of date:" in page
    assert "Secretary-General meets the delegation in Qingdao" in page
    # Saving after review clears the mark.
    data = form_data(response, rendered_form_data)
    data["title"] = "Генеральный секретарь встретился с делегацией в Пекине"
    assert client.post(change_url(russian), data).status_code == 302
    assert not fresh(russian).is_out_of_date()
    assert original_changes(fresh(russian)) is None
    assert "Out of date:" not in client.get(change_url(russian)).content.decode()
    listed = client.get(CHANGELIST, {"translation": "in_step"}).context["cl"].result_list
    assert list(listed) == [fresh(russian)]


def test_a_change_after_the_form_was_opened_keeps_the_mark(
    original, russian, editor, login, rendered_form_data
):
    editing.save_release(written(russian), by=editor)
    client = login(editor)
    data = form_data(client.get(change_url(russian)), rendered_form_data)
    original.lead = "A lead the translator has not seen."
    editing.save_release(original, by=editor)
    assert client.post(change_url(russian), data).status_code == 302
    assert fresh(russian).is_out_of_date()


def test_a_status_step_on_the_version_does_not_clear_the_mark(original, russian, editor):
    editing.save_release(written(russian), by=editor)
    original.title = "Changed"
    editing.save_release(original, by=editor)
    fresh(russian).publish(editor)
    assert fresh(russian).is_out_of_date()


# Staff JSON ----------------------------------------------------------------------


def test_staff_json_names_versions_and_out_of_date_ones_uncached(
    original, russian, editor, login, client
):
    original.title = "Changed"
    editing.save_release(original, by=editor)
    url = reverse("admin:newsroom_pressrelease_versions_json", args=[russian.pk])
    response = login(editor).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["out_of_date"] is True
    assert [(v["language"], v["out_of_date"], v["current"]) for v in data["versions"]] == [
        ("en", False, False),
        ("ru", True, True),
    ]
    listing = login(editor).get(reverse("admin:newsroom_pressrelease_out_of_date_json"))
    assert [row["id"] for row in json.loads(listing.content)["results"]] == [russian.pk]
    # Readers get nothing of it: the admin asks them to sign in, the public API has no mark.
    assert client.get(url).status_code == 302
    public = client.get(f"/api/releases/{original.slug}/").content.decode()
    assert "out_of_date" not in public and "content_version" not in public


# The admin pages -----------------------------------------------------------------


def test_editor_sees_versions_side_by_side_with_add_and_group_buttons(
    original, russian, editor, login
):
    editing.save_release(written(russian), by=editor)
    page = login(editor).get(change_url(original)).content.decode()
    assert "Versions in other languages" in page
    assert "Встреча генерального секретаря" in page
    assert change_url(russian) in page
    assert "release-state--draft" in page and "release-state--published" in page
    assert translate_url(original) in page
    assert 'name="_group" value="withdraw"' not in page  # only one version is public
    page = login(editor).get(change_url(russian)).content.decode()
    assert 'name="_group" value="publish"' not in page  # English is already public
    assert "(this version)" in page


def test_contributor_sees_versions_and_may_add_but_not_publish_a_group(
    make_release, contributor, login, editor
):
    english = make_release(status="draft", publish_at=None, created_by=contributor)
    russian = editing.add_translation(english, "ru", by=contributor)
    client = login(contributor)
    for release in (english, russian):
        response = client.get(change_url(release))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Versions in other languages" in page
        assert translate_url(release) in page
        assert 'name="_group"' not in page
    assert client.get(translate_url(english)).status_code == 200
    page = login(editor).get(change_url(english)).content.decode()
    assert 'name="_group" value="publish"' in page
    assert "Publish all versions (English, Russian)" in page


def test_a_restored_draft_is_not_translated(original, editor, login):
    from newsroom.editorial.revisions import release_versions, restore_revision

    original.title = "Second title"
    editing.save_release(original, by=editor)
    older = release_versions(original)[1]
    draft = restore_revision(fresh(original), older, editor)
    assert draft.replaces() == original
    with pytest.raises(ValidationError, match="restored from a revision"):
        editing.add_translation(draft, "ru", by=editor)
    assert translate_url(draft) not in login(editor).get(change_url(draft)).content.decode()
