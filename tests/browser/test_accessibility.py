"""Accessibility (axe-core in Chromium) of the public pages and the release form, and a
keyboard-only walk through both."""

import pytest

from newsroom.demo import SEED_SLUG
from newsroom.models import PressRelease

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PUBLIC_PAGES = [
    "/",
    "/news/",
    f"/news/{SEED_SLUG}/",
    "/organisations/",
    "/organisations/sco/",
    "/people/sergei-lebedev/",
    "/documents/memorandum-of-understanding-sco-cis/",
    "/search/?q=youth",
    "/news/no-such-release/",
    "/news/sample-withdrawn-release/",
    "/ru/",
    f"/zh-hans/news/{SEED_SLUG}/",
]
SERIOUS = {"serious", "critical"}


def axe(session, script):
    """The violations axe-core finds on the session's page."""
    session.page.add_script_tag(content=script)
    result = session.page.evaluate(
        "async () => { const r = await axe.run(document); "
        "return {violations: r.violations.map(v => ({id: v.id, impact: v.impact, "
        "nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})), "
        "rules: r.passes.length + r.violations.length + r.incomplete.length "
        "+ r.inapplicable.length}; }"
    )
    return result["violations"], result["rules"]


def serious(violations):
    return [v for v in violations if v["impact"] in SERIOUS]


def test_public_pages_have_no_serious_accessibility_violations(
    newsroom, open_session, axe_script, capsys
):
    reader = open_session("reader", bypass_csp=True)
    found = {}
    rules = 0
    for path in PUBLIC_PAGES:
        for width in (1280, 390):
            reader.page.set_viewport_size({"width": width, "height": 900})
            reader.go(path)
            violations, rules = axe(reader, axe_script)
            if serious(violations):
                found[f"{path} at {width}px"] = serious(violations)
    print(f"\naxe: {len(PUBLIC_PAGES)} pages × 2 widths, {rules} rules each")
    assert found == {}, found


def test_the_release_form_has_no_serious_accessibility_violations(
    newsroom, open_session, axe_script
):
    editor = open_session("editor", bypass_csp=True).sign_in("editor")
    seed = PressRelease.objects.get(slug=SEED_SLUG)
    found = {}
    for path in [
        "/admin/newsroom/pressrelease/add/",
        f"/admin/newsroom/pressrelease/{seed.pk}/change/",
        "/admin/newsroom/pressrelease/",
    ]:
        editor.go(path)
        violations, _rules = axe(editor, axe_script)
        if serious(violations):
            found[path] = serious(violations)
    assert found == {}, found


def test_the_release_form_can_be_filled_with_the_keyboard_alone(newsroom, open_session):
    editor = open_session("editor").sign_in("editor")
    editor.go("/admin/newsroom/pressrelease/add/")
    page = editor.page
    page.focus("#id_kind")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "document.activeElement.id || document.activeElement.name || "
                "document.activeElement.className"
            )
        )
    # From the kind, Tab reaches the title, the slug and the lead in order, then the editor.
    assert reached[:3] == ["id_title", "id_slug", "id_lead"], reached
    # Back with Shift+Tab to the title, and type into it.
    for _ in range(len(reached)):
        if page.evaluate("document.activeElement.id") == "id_title":
            break
        page.keyboard.press("Shift+Tab")
    page.keyboard.type("Written with the keyboard")
    assert page.input_value("#id_title") == "Written with the keyboard"
    # Past the editor's toolbar buttons, Tab reaches the body editor, which takes typing.
    page.focus("#id_lead")
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('contenteditable')") == "true":
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Body"
    page.keyboard.type("Typed into the body.")
    assert "Typed into the body." in page.locator(".field-body [contenteditable=true]").inner_text()


def test_the_public_menu_works_with_the_keyboard(newsroom, open_session):
    reader = open_session("reader")
    reader.go("/")
    page = reader.page
    page.keyboard.press("Tab")
    # The first stop is the skip link, which takes the reader to the content.
    assert "skip" in page.evaluate("document.activeElement.className + document.activeElement.href")
    targets = []
    for _ in range(6):
        page.keyboard.press("Tab")
        targets.append(page.evaluate("document.activeElement.getAttribute('href') || ''"))
    assert "/news/" in targets and "/organisations/" in targets
    page.locator("header a[href='/news/']").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/news/")
