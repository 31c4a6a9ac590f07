"""Two app instances on one PostgreSQL and one Redis behave as one site.

Starts two gunicorn instances on loopback with production settings, signs an editor in on
the first, publishes and edits there, and checks that the second shows each change at once,
that the editor's session works on both, and that a scheduled release appears on both at
its time. Exits non-zero on the first failure. Run by .ci/run; needs the dev venv.
"""

import datetime
import html.parser
import http.client
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
POSTGRES = os.environ.get("CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("CI_TWO_INSTANCES_REDIS_URL", "redis://127.0.0.1:6379/6")
PORTS = (8611, 8612)
DATABASE = "pressoffice_two_instances"
PASSWORD = secrets.token_urlsafe(16)


def fail(message):
    print(f"two instances: FAILED: {message}")
    raise SystemExit(1)


def environment():
    base = urllib.parse.urlsplit(POSTGRES)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pressoffice.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "news.example.org,127.0.0.1",
        "SITE_URL": "https://news.example.org",
        # TLS ends at a proxy in front; this script plays it, sending X-Forwarded-Proto.
        "DJANGO_TRUSTED_PROXY": "1",
        "DATABASE_URL": base._replace(path=f"/{DATABASE}").geturl(),
        "REDIS_URL": REDIS,
        "MEDIA_ROOT": "/tmp/pressoffice-two-instances-media",
        "GUNICORN_WORKERS": "2",
    }


def recreate_database():
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


class Browser:
    """Just enough of a browser: cookies by name, whatever the instance, and forms."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Host": "news.example.org",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "127.0.0.1",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://news.example.org{path}"
            headers["Origin"] = "https://news.example.org"
            csrf = self.cookies.get("__Host-csrftoken") or self.cookies.get("csrftoken")
            if csrf:
                headers["X-CSRFToken"] = csrf
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text


class FormReader(html.parser.HTMLParser):
    """The fields a browser would post from the form with id ``form_id``."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                # A browser posts a ticked box's value, "on" when it has none.
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None


def form_fields(page, form_id="pressrelease_form"):
    reader = FormReader(form_id)
    reader.feed(page)
    return reader.fields


def wait_until_up(port):
    for _ in range(60):
        try:
            status, _h, _t = Browser().request(port, "GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    fail(f"the instance on port {port} did not start")


def expect(condition, message):
    if not condition:
        fail(message)
    print(f"two instances: ok: {message}")


def main():
    env = environment()
    recreate_database()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loaddata", "demo", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    subprocess.run(
        [PYTHON, "-c", (
            "import django; django.setup(); "
            "from django.contrib.auth.models import Group, User; "
            f"u = User.objects.create_user('chief', password='{PASSWORD}', is_staff=True); "
            "u.groups.add(Group.objects.get(name='Editors'))"
        )],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=False, capture_output=True)
    servers = [
        subprocess.Popen(
            [GUNICORN, "pressoffice.wsgi", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=open(f"/tmp/two-instances-{port}.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        for port in PORTS
    ]
    try:
        check(*PORTS)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    print("two instances: 7 passed, 0 failed")


def check(first, second):
    for port in (first, second):
        wait_until_up(port)
    editor, reader = Browser(), Browser()
    slug = "sample-release-in-review"

    status, _h, _t = reader.request(second, "GET", f"/news/{slug}/")
    expect(status == 404, f"a release in review is not public on the second instance ({status})")

    editor.request(first, "GET", "/admin/login/")
    status, _headers, _t = editor.request(
        first,
        "POST",
        "/admin/login/?next=/admin/",
        {"username": "chief", "password": PASSWORD, "next": "/admin/"},
    )
    expect(status == 302, "the editor signs in on the first instance")
    status, _h, _t = editor.request(second, "GET", "/admin/newsroom/pressrelease/")
    expect(status == 200, "the editor's session works on the second instance")

    # Publish on the first instance with the list's bulk action.
    status, _h, page = editor.request(first, "GET", "/admin/newsroom/pressrelease/?q=waiting")
    if status != 200:
        fail(f"the release list answered {status}")
    pk = re.search(r'name="_selected_action" value="(\d+)"', page).group(1)
    editor.request(
        first,
        "POST",
        "/admin/newsroom/pressrelease/",
        {"action": "publish_selected", "_selected_action": [pk], "index": "0"},
    )
    status, _h, text = reader.request(second, "GET", f"/news/{slug}/")
    expect(status == 200, "the release published on the first is public on the second at once")

    # Edit its title on the first instance through the release form.
    _s, _h, page = editor.request(first, "GET", f"/admin/newsroom/pressrelease/{pk}/change/")
    fields = [(k, v) for k, v in form_fields(page) if k != "title"]
    fields += [("title", "Edited on the first instance"), ("_continue", "1")]
    status, _h, _t = editor.request(
        first, "POST", f"/admin/newsroom/pressrelease/{pk}/change/", fields
    )
    expect(status == 302, "the editor saves a new title on the first instance")
    _s, _h, text = reader.request(second, "GET", f"/news/{slug}/")
    expect("Edited on the first instance" in text, "the second instance shows the new title")

    # Schedule the draft sample a few seconds ahead from the second instance.
    status, _h, page = editor.request(
        second, "GET", "/admin/newsroom/pressrelease/?q=draft+release"
    )
    draft_pk = re.search(r'name="_selected_action" value="(\d+)"', page).group(1)
    _s, _h, page = editor.request(second, "GET", f"/admin/newsroom/pressrelease/{draft_pk}/change/")
    due = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=6)
    fields = [(k, v) for k, v in form_fields(page) if not k.startswith("schedule_at")]
    fields += [
        ("schedule_at_0", due.strftime("%Y-%m-%d")),
        ("schedule_at_1", due.strftime("%H:%M:%S")),
        ("_transition", "publish"),
    ]
    editor.request(second, "POST", f"/admin/newsroom/pressrelease/{draft_pk}/change/", fields)
    before = [reader.request(port, "GET", "/news/sample-draft-release/")[0] for port in PORTS]
    if before != [404, 404]:
        fail(f"the scheduled release answered {before} before its time")
    time.sleep(max(0.0, (due - datetime.datetime.now(datetime.UTC)).total_seconds()) + 1.5)
    after = [reader.request(port, "GET", "/news/sample-draft-release/")[0] for port in PORTS]
    expect(after == [200, 200], "the scheduled release appears on both instances at its time")


if __name__ == "__main__":
    sys.exit(main())
