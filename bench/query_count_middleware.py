"""Count each request's database queries, and optionally explain them (benchmarks only).

Every response gets ``X-Query-Count`` and ``X-Query-Time-Ms``. With ``BENCH_EXPLAIN_LOG``
set to a file, each SELECT is also explained on the same connection (SQLite's
``EXPLAIN QUERY PLAN``; PostgreSQL's ``EXPLAIN (ANALYZE, BUFFERS)``, which runs the query
a second time) and written there as one JSON object a line, with its time.
"""

import json
import os
import time

from django.db import connection


class QueryCounter:
    def __init__(self, explain):
        self.count = 0
        self.seconds = 0.0
        self.explain = explain
        self.explained = []
        self.inside = False

    def __call__(self, execute, sql, params, many, context):
        if self.inside:  # the EXPLAIN of a counted query
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            if self.explain and sql.lstrip().upper().startswith("SELECT"):
                self.explained.append(
                    {
                        "sql": sql,
                        "params": repr(params),
                        "ms": round(elapsed * 1000, 2),
                        "plan": self.plan(sql, params),
                    }
                )

    def plan(self, sql, params):
        self.inside = True
        try:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    return "\n".join(row[0] for row in cursor.fetchall())
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                return sqlite_plan(cursor.fetchall())
        except Exception as error:  # a plan that cannot be had must not fail the page
            return f"(no plan: {error})"
        finally:
            self.inside = False


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
        counter = QueryCounter(explain=bool(self.explain_log))
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(counter.count)
        response["X-Query-Time-Ms"] = f"{counter.seconds * 1000:.1f}"
        if counter.explained:
            with open(self.explain_log, "a", encoding="utf-8") as log:
                for query in counter.explained:
                    log.write(json.dumps({"path": request.get_full_path(), **query}) + "\n")
        return response
