"""Whether the site is up, and what readers get when its database is not.

``/healthz`` says the process answers (liveness); ``/readyz`` says whether it can serve:
the database answers and has every migration applied, and the storage answers (the cache
is reported, but a site without its cache still serves, so it does not make the instance
unready). Both are answered by ``HealthCheckMiddleware`` before host checks and the HTTPS
redirect, so a load balancer can ask an instance directly, and say nothing secret.

``server_error`` is the site's 500 handler. Django calls it while handling the exception,
so it sees a database error from any view or middleware and answers 503 with
``Retry-After`` instead: a page in the site's design, JSON on the API, and for staff in
the admin the same plain statement. Pages already in the cache keep being served, since
serving them touches no database.
"""

import logging
import re
import sys
import time

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
HEALTH_PATHS = {"/healthz": "live", "/readyz": "ready"}
# The API answers in JSON, under every language prefix too.
API_PATH = re.compile(r"^(?:/[a-z]{2}(?:-[a-z]+)?)?/api/")
# A database outage is logged once a minute, not once per request.
LOG_INTERVAL = 60
_last_logged = {"at": float("-inf")}


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if not plan else "migrations pending"


def check_cache():
    cache.set("newsroom:readyz", "ok", 10)
    return "ok" if cache.get("newsroom:readyz") == "ok" else "not answering"


def check_storage():
    default_storage.exists("newsroom-readyz-probe")
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "storage": check_storage}
# What an instance needs to serve; a missing cache makes it slower, not unready.
REQUIRED = {"database", "storage"}


def readiness():
    """Each check's result: ``ok``, or what is wrong, never an error's details."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:
            # Any failure means "not ready"; only its kind is said, never its details.
            results[name] = f"unavailable ({type(error).__name__})"
    ready = all(results[name] == "ok" for name in REQUIRED)
    return ready, results


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = HEALTH_PATHS.get(request.path_info)
        if kind is None:
            return self.get_response(request)
        if kind == "live":
            response = JsonResponse({"status": "ok"})
        else:
            ready, checks = readiness()
            status = "ok" if ready else "unavailable"
            if ready and any(result != "ok" for result in checks.values()):
                status = "degraded"
            response = JsonResponse(
                {"status": status, "checks": checks}, status=200 if ready else 503
            )
        response["Cache-Control"] = "no-store"
        return response


def unavailable(request):
    """503 for a request the database could not serve."""
    if API_PATH.match(request.path_info):
        response = JsonResponse(
            {"detail": _("The service is unavailable. Please try again in a minute.")}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html", request=None), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """The 500 handler: a 503 when the database is what failed, else the 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        now = time.monotonic()
        if now - _last_logged["at"] >= LOG_INTERVAL:
            _last_logged["at"] = now
            logger.error("The database is unavailable: %s", type(error).__name__)
        return unavailable(request)
    if API_PATH.match(request.path_info):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return HttpResponse(render_to_string("500.html", request=None), status=500)
