"""The import upload and "suggest links" views of the release admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from newsroom.demo import build_reference_data
from newsroom.models import Organisation, Participant, PressRelease

from .test_import import MINSK

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/newsroom/pressrelease/import/"


@pytest.fixture
def reference(db):
    return build_reference_data()


def staff(username, group):
    user = get_user_model().objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor_client(client, reference):
    client.force_login(staff("editor", "Editors"))
    return client


def upload(name, content):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/plain")


def test_the_import_button_links_to_the_upload():
    assert IMPORT_URL in render_to_string("admin/newsroom/pressrelease/import_button.html")


def test_the_suggest_links_button_links_to_the_release_suggestions(make_release):
    release = make_release()
    snippet = render_to_string(
        "admin/newsroom/pressrelease/suggest_links_button.html", {"original": release}
    )
    assert f"/admin/newsroom/pressrelease/{release.pk}/suggest-links/" in snippet


def test_an_editor_uploads_documents_and_reads_the_report(editor_client):
    response = editor_client.post(
        IMPORT_URL, {"documents": [upload("minsk.txt", MINSK), upload("empty.txt", "")]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 documents — created: 1, updated: 0, unchanged: 0, failed: 1." in page
    assert "Failed: empty.txt: the file is empty" in page
    assert "Yury Khachaturov" in page
    release = PressRelease.objects.get()
    assert release.status == PressRelease.Status.DRAFT
    assert release.created_by.username == "editor"
    assert reverse("admin:newsroom_pressrelease_change", args=[release.pk]) in page


def test_posting_without_documents_asks_for_them(editor_client):
    response = editor_client.post(IMPORT_URL, {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert PressRelease.objects.count() == 0


def test_uploading_the_same_document_again_changes_nothing(editor_client):
    editor_client.post(IMPORT_URL, {"documents": [upload("minsk.txt", MINSK)]})
    response = editor_client.post(IMPORT_URL, {"documents": [upload("again.txt", MINSK)]})
    assert "unchanged: 1" in response.content.decode()
    assert PressRelease.objects.count() == 1


def test_a_dry_run_upload_writes_nothing(editor_client):
    response = editor_client.post(
        IMPORT_URL, {"documents": [upload("minsk.txt", MINSK)], "dry_run": "on"}
    )
    assert "would create: 1" in response.content.decode()
    assert PressRelease.objects.count() == 0


def test_contributors_cannot_import(client, reference):
    client.force_login(staff("contributor", "Contributors"))
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, {"documents": [upload("minsk.txt", MINSK)]})
    assert response.status_code == 403
    assert PressRelease.objects.count() == 0


@pytest.fixture
def unlinked_release(make_release):
    return make_release(
        status=PressRelease.Status.DRAFT,
        publish_at=None,
        lead="The CSTO Secretary-General chaired the meeting.",
        body="<p>Sergei Lebedev and envoys of the African Union attended.</p>",
    )


def suggest_url(release):
    return reverse("admin:newsroom_pressrelease_suggest_links", args=[release.pk])


def test_suggest_links_proposes_what_the_text_names(editor_client, unlinked_release):
    page = editor_client.get(suggest_url(unlinked_release)).content.decode()
    assert "Collective Security Treaty Organisation" in page
    assert "Commonwealth of Independent States" in page
    assert "Secretary-General of the CSTO — Chair" in page
    assert "Sergei Lebedev" in page
    assert "African Union" in page  # named, but not a record: listed, never created
    assert not Organisation.objects.filter(name="African Union").exists()


def test_suggest_links_adds_the_ticked_links(editor_client, unlinked_release):
    csto = Organisation.objects.get(slug="csto")
    office = csto.offices.get()
    response = editor_client.post(
        suggest_url(unlinked_release),
        {"organisations": [str(csto.pk)], "participants": [f":{office.pk}"]},
    )
    assert response.status_code == 302
    assert list(unlinked_release.organisations.all()) == [csto]
    participant = unlinked_release.participants.get()
    assert (participant.person, participant.office, participant.role) == (
        None,
        office,
        Participant.Role.CHAIR,
    )
    page = editor_client.get(suggest_url(unlinked_release)).content.decode()
    assert "Secretary-General of the CSTO — Chair" not in page


def test_suggest_links_refuses_a_link_it_did_not_propose(editor_client, unlinked_release):
    sco = Organisation.objects.get(slug="sco")
    response = editor_client.post(suggest_url(unlinked_release), {"organisations": [str(sco.pk)]})
    assert response.status_code == 200
    assert unlinked_release.organisations.count() == 0


def test_suggest_links_needs_change_permission(client, reference, unlinked_release):
    viewer = get_user_model().objects.create_user(username="viewer", is_staff=True)
    client.force_login(viewer)
    assert client.get(suggest_url(unlinked_release)).status_code == 403


def test_the_release_list_offers_import_to_editors_only(client, reference):
    changelist = reverse("admin:newsroom_pressrelease_changelist")
    client.force_login(staff("an-editor", "Editors"))
    assert IMPORT_URL in client.get(changelist).content.decode()
    client.force_login(staff("a-contributor", "Contributors"))
    assert IMPORT_URL not in client.get(changelist).content.decode()


def test_the_release_form_offers_suggestions_to_those_who_may_change_it(
    client, reference, unlinked_release
):
    change = reverse("admin:newsroom_pressrelease_change", args=[unlinked_release.pk])
    client.force_login(staff("an-editor", "Editors"))
    assert suggest_url(unlinked_release) in client.get(change).content.decode()
    client.force_login(staff("a-contributor", "Contributors"))
    response = client.get(change)
    assert response.status_code == 200
    assert suggest_url(unlinked_release) not in response.content.decode()
