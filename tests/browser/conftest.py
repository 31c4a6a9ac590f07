"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

They run wherever /usr/bin/chromium exists (``.ci/run`` installs it, with the CJK fonts);
elsewhere they are skipped, except under CI, where a missing browser fails the run.
Screenshots of every step, at desktop and phone widths, go to ``var/screenshots/``.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 390}
PASSWORD = "browser-pass-123"

# Playwright's synchronous API keeps an event loop running in the test's thread, which
# Django would otherwise take for async code and refuse database calls from.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def require(path, what):
    if Path(path).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing at {path}; .ci/run installs it.")
    pytest.skip(f"{what} is not installed ({path}).")


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Session:
    """One person's browser: a context of its own, signed in or not."""

    def __init__(self, browser, base_url, name, *, bypass_csp=False):
        self.base_url = base_url
        self.name = name
        # Injecting axe-core is an inline script, which the site's own policy forbids.
        self.context = browser.new_context(
            viewport={"width": WIDTHS["desktop"], "height": 900},
            locale="en-GB",
            bypass_csp=bypass_csp,
        )
        self.page = self.context.new_page()
        self.console_errors = []
        self.csp_violations = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in (
                message.text
            ):
                self.csp_violations.append(message.text)

    def go(self, path):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def sign_in(self, username):
        self.go("/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_load_state("networkidle")
        return self

    def shoot(self, step):
        """Screenshots of the page as it is, at desktop and at phone width."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for label, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(
                path=str(SCREENSHOTS / f"{step}-{self.name}-{label}.png"), full_page=True
            )
        self.page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})

    def messages(self):
        return self.page.locator(".messagelist li").all_inner_texts()

    def close(self):
        self.context.close()


@pytest.fixture
def open_session(browser, live_server):
    sessions = []

    def start(name="reader", **options):
        session = Session(browser, live_server.url, name, **options)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


@pytest.fixture
def newsroom(live_server):
    """The demo data and an editor, a second editor and a contributor who can sign in."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("loaddata", "demo", verbosity=0)
    # As `make demo` does: a first revision of each release to compare and restore.
    call_command("createinitialrevisions", "newsroom.PressRelease", verbosity=0)
    people = {}
    for username, group, first, last in [
        ("editor", "Editors", "Elena", "Editor"),
        ("aigerim", "Editors", "Aigerim", "Second"),
        ("contributor", "Contributors", "Chen", "Contributor"),
    ]:
        user = get_user_model().objects.create_user(
            username=username,
            password=PASSWORD,
            is_staff=True,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
        )
        user.groups.add(Group.objects.get(name=group))
        people[username] = user
    return people


@pytest.fixture
def axe_script():
    require(AXE, "axe-core (make browser-assets)")
    return AXE.read_text()
