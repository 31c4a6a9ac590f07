"""Count each request's database queries, and optionally explain them (benchmarks only).

Every response gets ``X-Query-Count`` and ``X-Query-Time-Ms``. With ``BENCH_EXPLAIN_LOG``
set to a file, each SELECT is explained on the same connection and written there as JSON
lines: its plan before it runs (SQLite's ``EXPLAIN QUERY PLAN``, PostgreSQL's
``EXPLAIN``), so that a query that never finishes still has one, and its time after; on
PostgreSQL a query that took less than ``ANALYZE_LIMIT`` is then run once more under
``EXPLAIN (ANALYZE, BUFFERS)`` for its actual plan.
"""

import json
import os
import time
import uuid

from django.db import connection

ANALYZE_LIMIT = 5.0


class QueryCounter:
    def __init__(self, explain_log=None, path=""):
        self.count = 0
        self.seconds = 0.0
        self.explain_log = explain_log
        self.path = path
        self.inside = False

    def __call__(self, execute, sql, params, many, context):
        if self.inside:  # the EXPLAIN of a counted query
            return execute(sql, params, many, context)
        explained = self.explain_log and sql.lstrip().upper().startswith("SELECT")
        if explained:
            record = {"id": uuid.uuid4().hex, "path": self.path, "sql": sql}
            self.write({**record, "params": repr(params), "plan": self.plan(sql, params)})
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            if explained:
                record["ms"] = round(elapsed * 1000, 2)
                if connection.vendor == "postgresql" and elapsed < ANALYZE_LIMIT:
                    record["plan"] = self.plan(sql, params, analyze=True)
                self.write(record)

    def plan(self, sql, params, analyze=False):
        self.inside = True
        try:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    words = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
                    cursor.execute(words + sql, params)
                    return "\n".join(row[0] for row in cursor.fetchall())
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                return sqlite_plan(cursor.fetchall())
        except Exception as error:  # a plan that cannot be had must not fail the page
            return f"(no plan: {error})"
        finally:
            self.inside = False

    def write(self, record):
        with open(self.explain_log, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")


def sqlite_plan(rows):
    """SQLite's plan rows (id, parent, unused, detail) as an indented tree."""
    depth = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return "\n".join(lines)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.explain_log = os.environ.get("BENCH_EXPLAIN_LOG", "")

    def __call__(self, request):
        counter = QueryCounter(self.explain_log, request.get_full_path())
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(counter.count)
        response["X-Query-Time-Ms"] = f"{counter.seconds * 1000:.1f}"
        return response
