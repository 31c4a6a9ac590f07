"""The header and pages in English, Russian and Chinese fit the screen.

At desktop width (1280 px) the header's name, menu and search box share one
row in every language; at phone width (375 px) the menu keeps to one line and
nothing on the home page, the news list or a release reaches past the edge of
the screen.
Screenshots go to ``var/screenshots/languages-*.png``.
"""

import pytest

from newsroom.demo import SEED_SLUG

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

PREFIXES = ["", "/ru", "/zh-hans"]
PAGES = {"home": "/", "news": "/news/", "release": f"/news/{SEED_SLUG}/"}
DESKTOP, PHONE = 1280, 375

# The header's parts: their vertical extents all overlap when they share one row.
HEADER_ROWS = """() => [".site-name", ".site-header nav", ".site-search"].map((selector) => {
    const box = document.querySelector(selector).getBoundingClientRect();
    return {selector, top: box.top, bottom: box.bottom};
})"""

# Every visible element whose box reaches past the viewport, outside the containers
# that scroll sideways on purpose (the relations diagram) and the skip link, which
# waits off-screen until it is focused.
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    const scrolls = (element) => {
        for (let node = element.parentElement; node; node = node.parentElement) {
            const overflow = getComputedStyle(node).overflowX;
            if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return true;
        }
        return false;
    };
    const found = [];
    for (const element of document.body.querySelectorAll("*")) {
        if (element.closest(".skip-link, .visually-hidden")) continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if ((box.right > width + 0.5 || box.left < -0.5) && !scrolls(element)) {
            const name = element.tagName.toLowerCase() + (element.className ? "." + element.className : "");
            found.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
        }
    }
    return {found, scrollWidth: document.documentElement.scrollWidth, width};
}"""


@pytest.fixture
def demo_site(live_server):
    from django.core.management import call_command

    call_command("loaddata", "demo", verbosity=0)
    return live_server


@pytest.fixture
def page(browser, demo_site):
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def visit(page, base_url, path, width, name):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert response.status == 200, path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"languages-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_header_is_one_row_at_desktop_width(page, demo_site, prefix):
    for name, path in PAGES.items():
        visit(page, demo_site.url, prefix + path, DESKTOP, f"{prefix.strip('/') or 'en'}-{name}")
        parts = page.evaluate(HEADER_ROWS)
        lowest_top = max(part["top"] for part in parts)
        highest_bottom = min(part["bottom"] for part in parts)
        assert lowest_top < highest_bottom, (prefix + path, parts)


# The tops of the menu's links: one value when the menu is on one line.
MENU_LINES = """() => [...document.querySelectorAll(".site-header nav a")].map(
    (link) => Math.round(link.getBoundingClientRect().top))"""


@pytest.mark.parametrize("prefix", PREFIXES)
def test_nothing_overflows_at_phone_width(page, demo_site, prefix):
    for name, path in PAGES.items():
        visit(page, demo_site.url, prefix + path, PHONE, f"{prefix.strip('/') or 'en'}-{name}")
        result = page.evaluate(OVERFLOWING)
        assert result["found"] == [], (prefix + path, result)
        assert result["scrollWidth"] <= result["width"], (prefix + path, result)
        assert len(set(page.evaluate(MENU_LINES))) == 1, prefix + path
