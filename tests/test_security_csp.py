"""Content-Security-Policy: what the header allows, and that the pages need no more than that.

The pages are read with html5lib, as a browser would parse them, so an inline
script or style the policy would block shows up here first.
"""

import base64
import hashlib
import re

import html5lib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import override_settings

from pressoffice.security import prose_editor_importmap_hash

pytestmark = pytest.mark.django_db

NS = {"html": "http://www.w3.org/1999/xhtml"}
# A data block is not executed, so script-src does not govern it.
DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def csp_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def parse(response):
    return html5lib.parse(response.content, namespaceHTMLElements=False)


def inline_scripts(document):
    """(type, text) of every <script> without src that a browser would run or map."""
    return [
        (script.get("type", ""), script.text or "")
        for script in document.iter("script")
        if not script.get("src") and script.get("type", "") not in DATA_BLOCK_TYPES
    ]


def assert_nothing_inline_the_policy_refuses(document):
    for script in document.iter("script"):
        src = script.get("src")
        if src:
            assert src.startswith("/") and not src.startswith("//"), src
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        assert "style" not in element.attrib, element.tag
        assert not [name for name in element.attrib if name.lower().startswith("on")], element.tag
        for name in ("href", "src", "action"):
            assert not element.get(name, "").lower().startswith("javascript:"), element.tag
    assert list(document.iter("style")) == []


@pytest.fixture
def release(public_world, make_release):
    return public_world.attach(make_release(title="Leaders meet", correction_note="Date fixed."))


def test_public_pages_get_the_strict_policy(client, release):
    directives = policy(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'", settings.ERROR_PAGE_STYLE_HASH]
    for name in ("img-src", "font-src", "connect-src", "base-uri", "form-action"):
        assert directives[name] == ["'self'"], name
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "report-uri" not in directives
    assert not any("'unsafe-" in source for sources in directives.values() for source in sources)
    assert not any("nonce-" in source for sources in directives.values() for source in sources)


def test_public_pages_have_no_inline_script_or_style(client, release):
    urls = [
        "/",
        "/news/",
        release.get_absolute_url(),
        "/ru/news/",
        "/organisations/",
        "/organisations/oot/",
        "/people/ada-holder/",
        "/topics/shared-topic/",
        "/search/?q=leaders",
        "/news/no-such-release/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        document = parse(response)
        assert inline_scripts(document) == [], url
        assert_nothing_inline_the_policy_refuses(document)


def test_the_release_page_json_ld_is_a_data_block(client, release):
    document = parse(client.get(release.get_absolute_url()))
    [json_ld] = [s for s in document.iter("script") if s.get("type") == "application/ld+json"]
    assert json_ld.get("src") is None and "NewsArticle" in json_ld.text


def test_the_error_page_style_is_allowed_by_its_hash(client, db):
    page = render_to_string("500.html")
    [style] = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    assert csp_hash(style) == settings.ERROR_PAGE_STYLE_HASH, (
        "templates/500.html changed its <style>: set ERROR_PAGE_STYLE_HASH in "
        f"pressoffice/settings/base.py to {csp_hash(style)}"
    )
    assert settings.ERROR_PAGE_STYLE_HASH in policy(client.get("/news/"))["style-src"]


def test_the_api_and_feeds_carry_the_policy(client, release):
    for url in ("/api/releases/", f"/api/releases/{release.slug}/", "/feeds/news.atom"):
        directives = policy(client.get(url))
        assert directives["script-src"] == ["'self'"], url
        assert directives["frame-ancestors"] == ["'none'"], url


@override_settings(
    CONTENT_SECURITY_POLICY={
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "report-uri": "https://reports.example.org/csp",
        }
    }
)
def test_a_report_uri_is_sent_when_configured(client, db):
    assert policy(client.get("/news/"))["report-uri"] == ["https://reports.example.org/csp"]


def test_the_release_editor_runs_under_the_admin_policy(client, release, editor, login):
    response = login(editor).get(f"/admin/newsroom/pressrelease/{release.pk}/change/")
    assert response.status_code == 200
    directives = policy(response)
    # The body editor's import map is the one inline script, allowed by its hash.
    [(kind, text)] = inline_scripts(parse(response))
    assert kind == "importmap" and "django-prose-editor/editor" in text
    assert csp_hash(text) == prose_editor_importmap_hash()
    assert directives["script-src"] == ["'self'", csp_hash(text)]
    # The editor adds <style> elements while it runs: inline styles, in the admin only.
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    for script in parse(response).iter("script"):
        if script.get("src"):
            assert script.get("src").startswith("/static/") or script.get("src") == "/admin/jsi18n/"


def test_admin_pages_have_no_inline_script_but_the_import_map(client, editor, login):
    signed_in = login(editor)
    for url, reader in [
        ("/admin/login/", client),
        ("/admin/password-reset/", client),
        ("/admin/", signed_in),
        ("/admin/newsroom/pressrelease/", signed_in),
        ("/admin/newsroom/pressrelease/add/", signed_in),
    ]:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert "'unsafe-inline'" not in policy(response)["script-src"], url
        assert [kind for kind, _text in inline_scripts(parse(response))] in ([], ["importmap"]), url


def test_the_admin_policy_does_not_reach_the_public_site(client, db):
    assert "'unsafe-inline'" not in policy(client.get("/"))["style-src"]
    assert "'unsafe-inline'" not in policy(client.get("/administration-news/"))["style-src"]
