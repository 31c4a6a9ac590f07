import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def start_production(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import pressoffice.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start_production({"DJANGO_ALLOWED_HOSTS": "news.example.org"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "pressoffice: The environment variable DJANGO_SECRET_KEY must be set in production."
    ]


def test_production_refuses_to_start_without_allowed_hosts():
    result = start_production({"DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_starts_with_the_required_variables_and_debug_off():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pressoffice.wsgi; from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "news.example.org",
            "SITE_URL": "https://news.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_manage_py_defaults_to_development_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "diffsettings", "--all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG = True" in result.stdout


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DATABASE_URL": "foo://somewhere/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://cache:6379/0"}, "REDIS_URL"),
        (
            {"REDIS_URL": "redis://cache:6379/0", "REDIS_SOCKET_TIMEOUT": "soon"},
            "REDIS_SOCKET_TIMEOUT",
        ),
    ],
)
def test_a_malformed_service_address_is_one_line_naming_the_variable(variables, named):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            "DJANGO_SETTINGS_MODULE": "pressoffice.settings.development",
            **variables,
        },
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert named in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("flag", "prepared"),
    [(None, {"server_side_binding": True}), ("0", {})],
)
def test_postgresql_keeps_statements_prepared_unless_told_not_to(monkeypatch, flag, prepared):
    from pressoffice.settings.base import database_from_env

    monkeypatch.setenv("DATABASE_URL", "postgres://press@db.example.org:5432/press")
    if flag is None:
        monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    else:
        monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", flag)
    options = database_from_env()["OPTIONS"]
    assert {key: options[key] for key in prepared} == prepared
    assert ("server_side_binding" in options) == bool(prepared)
