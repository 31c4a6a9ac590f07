"""Structured logs: one JSON object a line, each carrying the request it belongs to.

``RequestIdMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it
sends a sane one, else a new one), returns it in the response and keeps it for the log
lines written while the request runs. ``JsonFormatter`` writes Django's log records as
JSON lines with that id; ``JsonAccessLogger`` makes gunicorn's access log the same form,
with status and duration, so one id finds a request in both (docs/deploy.md, "Logs").
"""

import contextvars
import json
import logging
import re
import time
import uuid

request_id_var = contextvars.ContextVar("request_id", default="")
REQUEST_ID_HEADER = "X-Request-ID"
# An id from a proxy is kept only when it cannot smuggle anything into a log line.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({})))


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request.id = given if SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request.id
        return response


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, request id, extras."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        if getattr(record, "status_code", None):
            entry["status"] = record.status_code
        for name, value in vars(record).items():
            if name not in RECORD_ATTRIBUTES and name not in entry and name != "request":
                entry[name] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


JsonFormatter.converter = time.gmtime


try:
    from gunicorn.glogging import Logger as GunicornLogger
except ImportError:  # gunicorn serves production only; development runs without it.
    GunicornLogger = None

if GunicornLogger is not None:

    class JsonAccessLogger(GunicornLogger):
        """gunicorn's access log as JSON lines, with the request id the app returned."""

        def access(self, resp, req, environ, request_time):
            if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict):
                return
            headers = dict(resp.headers or [])
            request_id = next(
                (v for k, v in headers.items() if k.lower() == REQUEST_ID_HEADER.lower()), ""
            )
            entry = {
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "level": "INFO",
                "logger": "gunicorn.access",
                "request_id": request_id,
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "query": environ.get("QUERY_STRING", ""),
                "status": int(str(resp.status).split(None, 1)[0]),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(
                    request_time.seconds * 1000 + request_time.microseconds / 1000, 1
                ),
                "remote": environ.get("REMOTE_ADDR"),
                "user_agent": environ.get("HTTP_USER_AGENT", ""),
            }
            self.access_log.info(json.dumps(entry, ensure_ascii=False))
