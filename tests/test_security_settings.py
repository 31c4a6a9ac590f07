"""Production's HTTPS, cookie and e-mail settings, read from the environment as a deployment would.

Each case starts a fresh interpreter: settings are read once, at start.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

ROOT = settings.BASE_DIR
# Long and varied enough for the deployment check's rule on secret keys.
SECRET_KEY = "pX7#tq2!Lm9@vR4$wK8^zN3&bH6*cJ1(fD5)gS0_yA-eU+iO=oP[uI]lM{nB}vC"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "pressoffice.settings.production",
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
}
SHOWN = [
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "TRUSTED_PROXY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "ADMIN_PATH",
    "CONTENT_SECURITY_POLICY",
]


def run(code, overrides=None, *, base=PRODUCTION):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(base)
    env.update(overrides or {})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_settings(overrides=None, *, base=PRODUCTION):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SHOWN!r}}}, default=str))"
    )
    result = run(code, overrides, base=base)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def start_error(overrides):
    """The one line production prints when it refuses to start."""
    result = run("import pressoffice.wsgi", overrides)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


DEPLOY_CHECK = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def test_the_deployment_check_passes_with_production_settings():
    result = run(DEPLOY_CHECK)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_fails_when_hsts_is_switched_off():
    # The same check, so the passing one above means something.
    result = run(DEPLOY_CHECK, {"DJANGO_HSTS_SECONDS": "0"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_https_cookie_and_header_settings_in_production():
    values = production_settings()
    assert values["SITE_URL"] == "https://news.example.org"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_AGE"] == 9 * 60 * 60
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_TIME"] == "0:30:00"
    assert values["ADMIN_PATH"] == "admin/"
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["report-uri"] is None


def test_forwarded_proto_is_believed_only_behind_a_trusted_proxy():
    assert production_settings()["SECURE_PROXY_SSL_HEADER"] is None
    trusted = production_settings({"DJANGO_TRUSTED_PROXY": "1"})
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert trusted["TRUSTED_PROXY"] is True


def test_hsts_session_login_and_csp_settings_come_from_the_environment():
    values = production_settings(
        {
            "DJANGO_HSTS_SECONDS": "600",
            "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "0",
            "DJANGO_HSTS_PRELOAD": "1",
            "DJANGO_SESSION_COOKIE_AGE": "3600",
            "DJANGO_LOGIN_FAILURE_LIMIT": "3",
            "DJANGO_LOGIN_COOLOFF_MINUTES": "0",
            "DJANGO_ADMIN_PATH": "office/",
            "DJANGO_CSP_REPORT_URI": "https://reports.example.org/csp",
            "DJANGO_CSP_IMG_SRC": "https://media.example.org",
        }
    )
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_AGE"] == 3600
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_TIME"] is None
    assert values["ADMIN_PATH"] == "office/"
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["report-uri"] == "https://reports.example.org/csp"
    assert directives["img-src"] == ["'self'", "https://media.example.org"]


def test_production_mails_through_smtp_and_development_prints_mails():
    values = production_settings(
        {
            "DJANGO_EMAIL_HOST": "smtp.example.org",
            "DJANGO_EMAIL_PORT": "587",
            "DJANGO_EMAIL_USE_TLS": "1",
        }
    )
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == (
        "smtp.example.org",
        587,
        True,
    )
    assert values["DEFAULT_FROM_EMAIL"] == "press-office@news.example.org"
    development = production_settings(
        base={"DJANGO_SETTINGS_MODULE": "pressoffice.settings.development"}
    )
    assert development["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert development["SITE_URL"] == ""


@pytest.mark.parametrize(
    "site_url",
    [
        "news.example.org",
        "http://news.example.org",
        "ftp://news.example.org",
        "https://news.example.org/news/",
        "https://news.example.org/?page=1",
        "https://editor:secret@news.example.org",
        "https://news.example.org:99999",
        "https://",
    ],
)
def test_a_malformed_site_url_is_a_one_line_error_naming_the_variable(site_url):
    line = start_error({"SITE_URL": site_url})
    assert line.startswith("pressoffice: The environment variable SITE_URL must be")


def test_production_refuses_to_start_without_a_site_url():
    line = start_error({"SITE_URL": ""})
    assert line == "pressoffice: The environment variable SITE_URL must be set in production."


def test_the_site_url_must_name_an_allowed_host():
    line = start_error({"SITE_URL": "https://other.example.org"})
    assert "SITE_URL" in line and "DJANGO_ALLOWED_HOSTS" in line


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_TRUSTED_PROXY", "maybe"),
        ("DJANGO_HSTS_SECONDS", "a year"),
        ("DJANGO_HSTS_SECONDS", "-1"),
        ("DJANGO_SESSION_COOKIE_AGE", "0"),
        ("DJANGO_LOGIN_FAILURE_LIMIT", "0"),
        ("DJANGO_LOGIN_COOLOFF_MINUTES", "half an hour"),
        ("DJANGO_ADMIN_PATH", "/admin/"),
        ("DJANGO_ADMIN_PATH", "admin"),
        ("DJANGO_ADMIN_PATH", "../admin/"),
        ("DJANGO_EMAIL_PORT", "smtp"),
    ],
)
def test_a_bad_value_is_a_one_line_error_naming_the_variable(variable, value):
    line = start_error({variable: value})
    assert line.startswith(f"pressoffice: The environment variable {variable} must be"), line


def test_tls_and_ssl_for_mail_cannot_both_be_on():
    line = start_error({"DJANGO_EMAIL_USE_TLS": "1", "DJANGO_EMAIL_USE_SSL": "1"})
    assert "DJANGO_EMAIL_USE_TLS" in line and "DJANGO_EMAIL_USE_SSL" in line


def test_the_admin_and_its_password_reset_move_with_the_admin_path():
    result = run(
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'), reverse('admin_password_reset'))",
        {"DJANGO_ADMIN_PATH": "office/"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/office/", "/office/password-reset/"]


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None)
def test_a_forged_forwarded_proto_does_not_pass_for_https(client, db):
    response = client.get("/news/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/news/"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_responses_carry_hsts_and_the_browser_policy_headers(client, db):
    response = client.get("/news/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
