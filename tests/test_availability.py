"""Health endpoints, and what readers and staff get while the database is away."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down():
    """Every query fails as it does when the database server does not answer."""
    refusal = OperationalError("connection to server at 127.0.0.1, port 5432 failed")
    with mock.patch.object(connection, "ensure_connection", side_effect=refusal):
        yield


@pytest.fixture
def reader():
    # The handler's answer, not the exception, as a browser would get it.
    return Client(raise_request_exception=False)


def test_healthz_answers_whatever_the_host_and_scheme(reader):
    response = reader.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_checks_database_migrations_cache_and_storage(reader):
    response = reader.get("/readyz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }


def test_readyz_fails_with_pending_migrations(reader):
    with mock.patch.object(
        MigrationExecutor, "migration_plan", return_value=[("newsroom", "0099_future")]
    ):
        response = reader.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "migrations pending"


def test_with_the_database_down_readyz_fails_and_healthz_passes(reader, database_down):
    response = reader.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable (OperationalError)"
    # Nothing secret: no address, no password, no message from the driver.
    assert "5432" not in response.content.decode()
    assert reader.get("/healthz").status_code == 200


def test_with_the_database_down_a_page_is_503_with_retry_after(reader, make_release):
    make_release()
    with mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("server closed")
    ):
        response = reader.get("/news/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Service unavailable" in page and "Traceback" not in page


@pytest.mark.parametrize("url", ["/api/releases/", "/ru/api/releases/", "/api/organisations/"])
def test_with_the_database_down_the_api_answers_json_503(reader, database_down, url):
    response = reader.get(url)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert response.json()["detail"]  # in the language of the address


def test_with_the_database_down_the_admin_says_the_service_is_unavailable(reader, editor):
    reader.force_login(editor)
    with mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("server closed")
    ):
        response = reader.get("/admin/newsroom/pressrelease/")
    assert response.status_code == 503
    assert "Service unavailable" in response.content.decode()


def test_cached_pages_keep_being_served_while_the_database_is_away(reader, make_release):
    make_release(title="Served from the cache")
    assert reader.get("/news/").status_code == 200
    with mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("server closed")
    ):
        response = reader.get("/news/")
    assert response.status_code == 200
    assert "Served from the cache" in response.content.decode()


def test_other_server_errors_stay_500(reader, monkeypatch):
    from newsroom.site import views

    def broken(self, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.NewsListView, "get_context_data", broken)
    response = reader.get("/news/?kind=statement")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
