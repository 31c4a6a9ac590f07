"""The newsroom's work in a real browser: writing, review, scheduling, corrections,
withdrawal, restoring a revision, two editors at once, and a share link."""

import datetime
import io
import re
import time

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from newsroom.demo import SEED_SLUG
from newsroom.models import PressRelease

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SLUG = "secretariats-agree-a-joint-youth-programme"


def pick(page, field, text):
    """Choose ``text`` in the admin's autocomplete for ``field`` (a select2 box)."""
    page.locator(f".field-{field} .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text).first
    option.wait_for()
    option.click()


def pick_in_row(page, row, field, text):
    row.locator(f"td.field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text).first
    option.wait_for()
    option.click()


def photo_file(tmp_path):
    path = tmp_path / "meeting.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 80, 140)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def step(session, name):
    """Take the step ``name`` from the workflow panel at the top of the release form."""
    session.page.click(f"button[name=_transition][value={name}]")
    session.page.wait_for_load_state("networkidle")


def write_a_release(contributor, tmp_path):
    page = contributor.page
    contributor.go("/admin/newsroom/pressrelease/add/")
    page.fill("#id_title", "Secretariats agree a joint youth programme")
    page.fill("#id_lead", "The SCO and CIS secretariats agreed a joint programme for youth.")
    editor_box = page.locator(".field-body [contenteditable=true]")
    editor_box.click()
    page.keyboard.type("The programme covers exchanges of young specialists.")
    page.keyboard.press("Enter")
    page.keyboard.type("It runs for three years.")
    page.fill("#id_dateline_place", "Beijing")
    page.fill("#id_dateline_date", "2026-11-20")
    pick(page, "organisations", "Shanghai Cooperation Organisation")
    page.click("text=Add another Participant")
    pick_in_row(page, page.locator("tr.dynamic-participants").last, "person", "Sergei Lebedev")
    page.click("text=Add another Photo")
    photo = page.locator(".dynamic-photos").last
    photo.locator("input[type=file]").set_input_files(str(photo_file(tmp_path)))
    photo.locator("input[name$=alt_text]").fill("Delegations at the table")
    photo.locator("input[name$=caption]").fill("The meeting in Beijing")
    contributor.shoot("01-writing")
    page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    assert "was added successfully" in " ".join(contributor.messages())


def test_a_release_from_first_draft_to_withdrawal(newsroom, open_session, tmp_path):
    contributor = open_session("contributor").sign_in("contributor")
    editor = open_session("editor").sign_in("editor")
    reader = open_session("reader")

    write_a_release(contributor, tmp_path)
    release = PressRelease.objects.get(slug=SLUG)
    assert release.photos.count() == 1 and release.participants.count() == 1
    assert "exchanges of young specialists" in release.body
    change = f"/admin/newsroom/pressrelease/{release.pk}/change/"
    step(contributor, "submit")
    assert contributor.messages() == [
        "“Secretariats agree a joint youth programme” was submitted for review: now in review."
    ]
    contributor.shoot("02-submitted")

    editor.go(change)
    editor.page.fill("#id_transition_comment", "Name the youth organisations taking part.")
    step(editor, "return_to_draft")
    editor.shoot("03-returned")

    contributor.go(change)
    note = contributor.page.locator(".returned-note")
    assert "Name the youth organisations taking part." in note.inner_text()
    # The comment stands above the fields the author is about to change.
    note_top = note.bounding_box()["y"]
    assert note_top < contributor.page.locator("#id_title").bounding_box()["y"]
    contributor.shoot("04-comment-seen")
    contributor.page.fill("#id_lead", "The SCO and CIS secretariats agreed a youth programme.")
    step(contributor, "submit")

    # The editor schedules it a few seconds ahead, in the site's time zone.
    editor.go(change)
    due = timezone.localtime() + datetime.timedelta(seconds=6)
    editor.page.fill("#id_schedule_at_0", due.strftime("%Y-%m-%d"))
    editor.page.fill("#id_schedule_at_1", due.strftime("%H:%M:%S"))
    step(editor, "publish")
    assert "now scheduled for" in " ".join(editor.messages())
    editor.shoot("05-scheduled")

    assert reader.go(f"/news/{SLUG}/").status == 404
    assert "Secretariats agree" not in reader.page.content()
    reader.go("/")
    assert "Secretariats agree" not in reader.page.content()
    time.sleep(max(0, (due - timezone.localtime()).total_seconds()) + 1)
    assert reader.go(f"/news/{SLUG}/").status == 200
    assert reader.page.locator("h1").inner_text() == "Secretariats agree a joint youth programme"
    assert reader.page.locator("img[alt='Delegations at the table']").count() == 1
    reader.shoot("06-public")
    reader.go("/")
    assert "Secretariats agree a joint youth programme" in reader.page.content()

    # A correction shows at once, with its note.
    editor.go(change)
    editor.page.fill("#id_correction_note", "The programme runs for three years, not two.")
    editor.page.click("input[name=_continue]")
    editor.page.wait_for_load_state("networkidle")
    reader.go(f"/news/{SLUG}/")
    assert "The programme runs for three years, not two." in reader.page.content()
    reader.shoot("07-corrected")

    editor.go(change)
    editor.page.fill("#id_transition_comment", "Published before the partners had agreed.")
    step(editor, "withdraw")
    assert reader.go(f"/news/{SLUG}/").status == 410
    notice = reader.page.locator(".withdrawal-notice").inner_text()
    assert "Published before the partners had agreed." in notice
    reader.shoot("08-withdrawn")

    for session in (contributor, editor, reader):
        assert session.csp_violations == [], session.csp_violations


def test_restoring_a_revision_and_publishing_it(newsroom, open_session):
    editor = open_session("editor").sign_in("editor")
    reader = open_session("reader")
    seed = PressRelease.objects.public().get(slug=SEED_SLUG)
    change = f"/admin/newsroom/pressrelease/{seed.pk}/change/"
    first_title = seed.title
    editor.go(change)
    editor.page.fill("#id_title", "A title that was a mistake")
    editor.page.click("input[name=_continue]")
    editor.page.wait_for_load_state("networkidle")
    assert reader.go(f"/news/{seed.slug}/").ok
    assert "A title that was a mistake" in reader.page.content()

    editor.go(f"/admin/newsroom/pressrelease/{seed.pk}/revisions/")
    editor.page.locator("button", has_text="Restore as draft").last.click()
    editor.page.wait_for_load_state("networkidle")
    assert "is now this draft" in " ".join(editor.messages())
    editor.shoot("09-working-copy")
    # Readers still see the live release until the draft is published.
    reader.go(f"/news/{seed.slug}/")
    assert "A title that was a mistake" in reader.page.content()

    step(editor, "publish")
    assert editor.page.url.endswith(change)
    assert "published with the restored content" in " ".join(editor.messages())
    editor.shoot("10-restored-published")
    reader.go(f"/news/{seed.slug}/")
    assert reader.page.locator("h1").inner_text() == first_title


def test_two_editors_resolve_a_conflict_field_by_field(newsroom, open_session):
    first = open_session("editor").sign_in("editor")
    second = open_session("aigerim").sign_in("aigerim")
    seed = PressRelease.objects.public().get(slug=SEED_SLUG)
    change = f"/admin/newsroom/pressrelease/{seed.pk}/change/"
    first.go(change)
    second.go(change)

    second.page.fill("#id_lead", "A lead Aigerim rewrote.")
    second.page.click("input[name=_continue]")
    second.page.wait_for_load_state("networkidle")

    first.page.fill("#id_title", "A title the first editor wrote")
    first.page.click("input[name=_continue]")
    first.page.wait_for_load_state("networkidle")
    conflict = first.page.locator("div.conflict-diff")
    assert "Aigerim Second saved these fields differently" in conflict.inner_text()
    # Only Aigerim changed the lead: her change is proposed; the title stays the first
    # editor's own.
    assert first.page.locator("input[name=keep_lead][value=theirs]").is_checked()
    assert first.page.locator("input[name=keep_title][value=mine]").is_checked()
    first.shoot("11-conflict")
    first.page.click("input[name=_continue]")
    first.page.wait_for_load_state("networkidle")
    stored = PressRelease.objects.get(pk=seed.pk)
    assert stored.title == "A title the first editor wrote"
    assert stored.lead == "A lead Aigerim rewrote."


def test_a_share_link_shows_a_draft_to_an_outside_reviewer(newsroom, open_session):
    editor = open_session("editor").sign_in("editor")
    draft = PressRelease.objects.get(slug="sample-draft-release")
    editor.go(f"/admin/newsroom/pressrelease/{draft.pk}/share/")
    # The calendar's shortcuts are there to pick the expiry.
    assert editor.page.locator(".datetimeshortcuts a", has_text="Today").count() == 1
    editor.page.locator(".datetimeshortcuts a", has_text="Today").click()
    editor.page.locator(".datetimeshortcuts a", has_text="Now").click()
    editor.page.fill("#id_expires_at_0", (timezone.localdate() + datetime.timedelta(7)).isoformat())
    editor.page.fill("#id_note", "CSTO press office")
    editor.page.click("input[type=submit][value='Create share link']")
    editor.page.wait_for_load_state("networkidle")
    address = editor.page.locator("input[aria-label='Share link address']").input_value()
    assert re.search(r"/preview/[^/]+/$", address)
    editor.context.grant_permissions(["clipboard-read", "clipboard-write"])
    editor.page.locator("button[data-copy]").click()
    expect(editor.page.locator("button[data-copy]")).to_have_text("Copied")
    assert editor.page.evaluate("navigator.clipboard.readText()") == address
    editor.shoot("12-share-links")

    outsider = open_session("outsider")
    response = outsider.page.goto(address)
    assert response.status == 200
    assert outsider.page.locator("h1").inner_text() == draft.title
    assert "no-store" in response.headers["cache-control"]
    outsider.shoot("13-shared-preview")
