"""Structured logs: request ids, JSON lines from Django and from gunicorn's access log."""

import datetime
import json
import logging
from types import SimpleNamespace

import pytest
from django.test import override_settings

from pressoffice.observability import JsonAccessLogger, JsonFormatter, request_id_var

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client, settings):
    first = client.get("/robots.txt")
    second = client.get("/robots.txt")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_request_id_from_the_proxy_is_kept_and_a_hostile_one_replaced(client):
    assert client.get("/robots.txt", HTTP_X_REQUEST_ID="lb-7f3a.91")["X-Request-ID"] == (
        "lb-7f3a.91"
    )
    forged = client.get("/robots.txt", HTTP_X_REQUEST_ID='x"}\n{"level": "CRITICAL')
    assert forged["X-Request-ID"] != 'x"}\n{"level": "CRITICAL'
    assert len(forged["X-Request-ID"]) == 32


def test_log_records_become_json_lines_with_the_request_id():
    record = logging.makeLogRecord(
        {
            "name": "newsroom",
            "levelname": "WARNING",
            "msg": "Cache at %s unreachable",
            "args": ("redis",),
        }
    )
    token = request_id_var.set("req-42")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "Cache at redis unreachable"
    assert entry["request_id"] == "req-42"
    assert entry["level"] == "WARNING" and entry["time"].endswith("Z")
    assert "\n" not in line


def test_an_exception_stays_on_one_line():
    try:
        raise ValueError("broken\nacross lines")
    except ValueError:
        record = logging.makeLogRecord({"msg": "failed", "exc_info": True})
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line and "ValueError" in json.loads(line)["exception"]


@override_settings()
def test_gunicorns_access_log_is_json_with_status_duration_and_request_id(caplog):
    logger = JsonAccessLogger(SimpleNamespace(**{
        "accesslog": "-", "logconfig": None, "logconfig_dict": {}, "errorlog": "-",
        "loglevel": "info", "syslog": False, "capture_output": False, "logconfig_json": None,
        "disable_redirect_access_to_syslog": False, "syslog_addr": None, "syslog_prefix": None,
        "syslog_facility": "user", "access_log_format": "", "user": 0, "group": 0,
    }))  # fmt: skip
    response = SimpleNamespace(
        status="404 Not Found", headers=[("X-Request-ID", "req-7")], sent=120
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/news/missing/",
        "QUERY_STRING": "",
        "REMOTE_ADDR": "127.0.0.1",
    }
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access_log.propagate = True
        logger.access(response, None, environ, datetime.timedelta(milliseconds=12.5))
    entry = json.loads(caplog.records[-1].getMessage())
    assert (entry["status"], entry["request_id"], entry["path"]) == (404, "req-7", "/news/missing/")
    assert entry["duration_ms"] == 12.5
