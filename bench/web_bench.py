"""Measure the public site under load: built pages, cached pages, and cached pages while
editors work.

    python bench/web_bench.py --size 1000 --db sqlite --duration 5
    make bench-web SIZE=1000 DB=postgres DURATION=5

Builds a database of ``--size`` synthetic releases (migrate, ``loaddata demo``,
``generate_releases``; kept in var/bench/ and reused until ``--rebuild``), then starts
gunicorn on 127.0.0.1 with 2 sync workers and production settings three times:

1. ``uncached``: the page cache off, so every request builds its page (the fragments
   pages share under one content version stay in Redis, and so does a release page's
   own part, kept per version of the release's row and language); the release page is
   also measured with each request asking for a release page none asked for before
   (another release, or another language of it);
2. ``cached``: the Redis page cache (database 9 of the local Redis, emptied first);
3. ``cached+editors``: the same, while two editors each save once a second through the
   write path (a new draft, an edit of it, its publication, and again); each page is
   also measured with the editors paused just before, so that what the readers keep is
   told apart from what the machine did between two runs.

Each time ``wrk`` (2 threads, 8 connections, ``--duration`` seconds an address) asks for
a minimal fixed page through the same middleware (before and after the others), then for
each public page. The minimal page is as large as the release page; a page more than
twice that size is also held to a minimal page of its own size, measured right after it.
Printed for each: requests per second, latency p50 and p99, queries per request, the
share of the minimal page's throughput (and of the one of its size), and errors; then
the workers' peak memory. At the end the release page (asked for before, and another one
not), the news list and a search are requested once with every query explained. Tables,
plans and raw numbers are written to the run's folder.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "news.example.org"
PROXY_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}
THREADS, CONNECTIONS = 2, 8
WRK_TIMEOUT = "30s"
# A page built in more than this is not put under load: eight connections queued on two
# workers would wait past wrk's timeout. Its throughput is estimated from one request.
SLOW_LIMIT = 5
# A page more than this many times the minimal page's size is also measured against a
# minimal page of its own size.
SIZE_APART = 2
# A slow page is measured long enough for each connection to get about two answers.
MAX_DURATION = 60
# gunicorn kills a worker whose request takes longer (production's is 30 s).
WORKER_TIMEOUT = 60
FETCH_TIMEOUT = WORKER_TIMEOUT + 10
REDIS_URL = "redis://127.0.0.1:6379/9"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
MODES = ("uncached", "cached", "cached+editors")
SETTINGS = {
    "uncached": "bench.settings_uncached",
    "cached": "bench.settings_bench",
    "cached+editors": "bench.settings_bench",
}
EDITORS = 2
# After the editors are asked to pause, a save they had begun ends within this.
PAUSE_SETTLE = 0.5
# A long list of plain columns says nothing about a plan: shown as "SELECT … FROM". A list
# with an expression in brackets (a subquery, a rank) is shown whole.
COLUMNS = re.compile(r"^(SELECT(?: DISTINCT)?) [^()]{200,}? FROM")
# wrk prints one JSON line when it is done, whatever else it printed.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
# Each thread asks for the next release of ``paths`` in turn, one from the start of the
# list and one from its middle: a release page none of the run's requests asked for before.
ROTATION = """
local threads = 0
setup = function(thread)
  thread:set("first", threads * math.floor(#paths / 2))
  threads = threads + 1
end
local asked = 0
request = function()
  asked = asked + 1
  return wrk.format(nil, paths[(first + asked) % #paths + 1])
end
"""
# Pages whose requests each ask for another release: (name, the targets' list of their
# addresses). Each release is asked for in each of the site's languages: a release page
# is built for the language it is read in (its own part is kept per language), so at
# 1,000 releases a run has three times as many pages no request asked for before.
ANOTHER_EACH_TIME = {"release, another each request": "release_pages"}
# What the shell prints: the addresses of the records every page list needs.
TARGETS_SCRIPT = """
import json, math
from django.conf import settings
from django.contrib.auth.models import Group
from newsroom.addresses import address_with_slug
from newsroom.models import Organisation, Person, PressRelease
from newsroom.site.views import PAGE_SIZE
public = PressRelease.objects.public()
synthetic = public.filter(slug__startswith="synthetic-release-").order_by("slug")
count = synthetic.count()
releases = list(
    synthetic.exclude(pk=synthetic[count // 2].pk).values_list("slug", flat=True)[:4000]
)
print(json.dumps({
    "public": public.count(),
    # The list shows each release once, in one of its languages, as the news list does.
    "last_page": max(1, math.ceil(public.in_language("en").count() / PAGE_SIZE)),
    "release": synthetic[count // 2].slug,
    # Release pages for requests that each ask for one not asked for before: each of
    # these releases in each language, one language after the other.
    "releases": releases,
    "release_pages": [
        address_with_slug(code, "newsroom:release_detail", slug)
        for code, _name in settings.LANGUAGES
        for slug in releases
    ],
    "year": synthetic[count // 2].dateline_date.year,
    "organisation": Organisation.objects.public().order_by("pk").first().slug,
    "person": Person.objects.public().order_by("pk").first().slug,
}))
"""


def pages(targets, minimal_bytes, mode, only=None):
    """(name, address) of every page measured, the minimal one first and last; with
    ``only``, of those it names and the minimal page.

    Built pages are also measured for a release page that no request asked for
    before (``ANOTHER_EACH_TIME``): its address is the first one asked for.
    """
    every = all_pages(targets, minimal_bytes, mode)
    if only is None:
        return every
    return [(name, path) for name, path in every if name in only or name.startswith("minimal")]


def all_pages(targets, minimal_bytes, mode):
    another = [
        (name, targets[addresses][-1])
        for name, addresses in ANOTHER_EACH_TIME.items()
        if mode == "uncached"
    ]
    return [
        ("minimal", minimal_path(minimal_bytes)),
        ("home", "/"),
        ("news list", "/news/"),
        ("news list, last page", f"/news/?page={targets['last_page']}"),
        ("year archive", f"/news/{targets['year']}/"),
        ("topic", "/topics/security/"),
        ("organisation", f"/organisations/{targets['organisation']}/"),
        ("person", f"/people/{targets['person']}/"),
        ("release", f"/news/{targets['release']}/"),
        *another,
        ("search, common word", "/search/?q=cooperation"),
        ("search, rare word", "/search/?q=samarkand"),
        ("RSS feed", "/feeds/news.rss"),
        ("sitemap", "/sitemap.xml"),
        ("API list", "/api/releases/"),
        ("API detail", f"/api/releases/{targets['release']}/"),
        ("minimal (again)", minimal_path(minimal_bytes)),
    ]


def minimal_path(size):
    return f"/bench/minimal/?bytes={size}"


# The machine ----------------------------------------------------------------------


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing: installing Debian's package.", flush=True)
        quiet = {"stdout": subprocess.DEVNULL}
        if subprocess.run(["apt-get", "install", "-y", "wrk"], **quiet).returncode:
            subprocess.run(["apt-get", "update"], **quiet, check=True)
            subprocess.run(["apt-get", "install", "-y", "wrk"], **quiet, check=True)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: install it (Debian: apt-get install wrk).")


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine():
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "cpu": model, "memory": memory, "load": load_average()}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The database ---------------------------------------------------------------------


def environment(args, workdir, port):
    if args.db == "sqlite":
        database = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        database = POSTGRES + database_name(args)
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": f"127.0.0.1,{HOST}",
        "SITE_URL": f"https://{HOST}",
        "DJANGO_TRUSTED_PROXY": "1",
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "pressoffice-bench",
        "MEDIA_ROOT": str(workdir / "media"),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        # Never recycle a worker during a run: its peak memory is what is measured.
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
        "GUNICORN_TIMEOUT": str(WORKER_TIMEOUT),
    }


def database_name(args):
    return f"pressoffice_bench_{args.size}"


def manage(env, *words, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *words],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout


def build(args, workdir, env):
    marker = workdir / "built.json"
    if marker.exists() and not args.rebuild:
        print(f"Reusing the database built before ({marker}).", flush=True)
        return json.loads(marker.read_text())
    marker.unlink(missing_ok=True)
    if args.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (workdir / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        postgres_command(f'DROP DATABASE IF EXISTS "{database_name(args)}"')
        postgres_command(f'CREATE DATABASE "{database_name(args)}"')
    shutil.rmtree(workdir / "media", ignore_errors=True)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loaddata", "demo", "-v0")
    generated = manage(env, "generate_releases", "--count", str(args.size), capture=True)
    print(generated, end="", flush=True)
    if args.db == "postgres":
        # What autovacuum does within a minute of a bulk load: the plans need the
        # statistics, and counts read an index alone once the visibility map is set.
        postgres_command("VACUUM ANALYZE", database=database_name(args))
    manage(env, "collectstatic", "--noinput", "-v0")
    built = {
        "size": args.size,
        "db": args.db,
        "seconds": round(time.perf_counter() - started, 1),
        "generate_releases": generated.strip().splitlines(),
    }
    marker.write_text(json.dumps(built, indent=2))
    return built


def postgres_command(statement, database="postgres"):
    import psycopg

    with psycopg.connect(POSTGRES + database, autocommit=True) as connection:
        connection.execute(statement)


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# The server ------------------------------------------------------------------------


class Server:
    """gunicorn with the project's configuration, stopped however the run ends."""

    def __init__(self, env, settings, log):
        self.env = {**env, "DJANGO_SETTINGS_MODULE": settings}
        self.port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
        self.log = log

    def __enter__(self):
        self.output = open(self.log, "wb")  # closed in __exit__
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "pressoffice.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log}")
            try:
                answers = fetch(self.port, "/healthz", timeout=5)["status"] == 200
                if answers and len(self.workers()) == int(self.env["GUNICORN_WORKERS"]):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within a minute; see {self.log}")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_memory_mb(self):
        """The largest resident set any worker has had (VmHWM), in MB."""
        peaks = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks), 1) if peaks else None


def fetch(port, path, timeout=FETCH_TIMEOUT):
    """One request as the load generator sends it: its status, size, queries and time."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=PROXY_HEADERS)
    started = time.perf_counter()
    answer = {"status": None, "bytes": 0, "queries": None, "error": None}
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer.update(status=response.status, bytes=len(response.read()))
            answer["queries"] = response.headers.get("X-Query-Count")
    except urllib.error.HTTPError as error:
        answer.update(status=error.code, bytes=len(error.read()))
        answer["queries"] = error.headers.get("X-Query-Count")
    except (OSError, http.client.HTTPException) as error:
        # A timeout, or a worker gunicorn killed for taking longer than its timeout.
        answer["error"] = f"{type(error).__name__}: {error}".strip(": ")
    answer["seconds"] = round(time.perf_counter() - started, 3)
    return answer


def wrk(port, path, duration, script):
    headers = [word for name, value in PROXY_HEADERS.items() for word in ("-H", f"{name}: {value}")]
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        str(script),
        *headers,
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    report = json.loads([line for line in output.splitlines() if line.startswith("{")][-1])
    seconds = report["duration_us"] / 1_000_000
    errors = sum(report[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": report["requests"] / seconds if seconds else 0.0,
        "p50_ms": report["p50_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "requests": report["requests"],
        "errors": errors,
        "timeouts": report["timeout"],
    }


# The editors -----------------------------------------------------------------------


def run_editor(number, seconds, result, stop):
    """One editor saving once a second through the write path: a new draft, an edit of it,
    its publication, and again, until the file ``stop`` appears (or ``seconds`` pass).
    While the file ``pause`` beside it is there, the editor saves nothing, and takes up
    its pace again afterwards without catching up. Writes what it did to ``result`` as
    JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from newsroom.editorial import editing
    from newsroom.models import Organisation, PressRelease

    editor, _created = get_user_model().objects.get_or_create(username=f"bench-editor-{number}")
    editor.groups.add(Group.objects.get(name="Editors"))
    editor = get_user_model().objects.get(pk=editor.pk)
    organisation = Organisation.objects.order_by("pk").first()
    latencies, steps, failures = [], {"draft": 0, "edit": 0, "publish": 0}, []
    deadline = time.monotonic() + seconds
    due = time.monotonic()
    cycle = 0
    draft = None
    pause = pause_file(Path(stop))
    while time.monotonic() < deadline and not Path(stop).exists():
        if pause.exists():
            time.sleep(0.05)
            due = time.monotonic()
            continue
        step = ("draft", "edit", "publish")[cycle % 3]
        started = time.perf_counter()
        try:
            if step == "draft":
                stamp = f"{number}-{time.time_ns()}"
                draft = PressRelease(
                    title=f"Benchmark editor {number}: synthetic draft {stamp}",
                    slug=f"bench-editor-{stamp}",
                    lead="A synthetic release written while the site is under load.",
                    body="<p>Synthetic benchmark text; it reports no real event.</p>",
                    dateline_place="Beijing",
                    dateline_date=datetime.date.today(),
                    created_by=editor,
                )
                editing.save_release(
                    draft,
                    by=editor,
                    links=[editing.organisations([organisation]), editing.topics(["security"])],
                )
            elif step == "edit":
                draft.body += "<p>Another synthetic paragraph, saved a second later.</p>"
                editing.save_release(draft, by=editor, comment="Edited under load.")
            else:
                draft.publish(editor)
            steps[step] += 1
        except Exception as error:  # reported, and the next cycle starts afresh
            failures.append(f"{step}: {error}")
            cycle = 2
        latencies.append(time.perf_counter() - started)
        cycle += 1
        due = max(due + 1.0, time.monotonic())
        time.sleep(max(0.0, due - time.monotonic()))
    Path(result).write_text(
        json.dumps(
            {
                "saves": len(latencies) - len(failures),
                "steps": steps,
                "failures": failures[:5],
                "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
                "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
            }
        )
    )


def pause_file(stop):
    return stop.with_name("editors.pause")


def start_editors(env, workdir, seconds):
    stop = workdir / "editors.stop"
    stop.unlink(missing_ok=True)
    pause_file(stop).unlink(missing_ok=True)
    editors = []
    for number in range(1, EDITORS + 1):
        result = workdir / f"editor-{number}.json"
        result.unlink(missing_ok=True)
        command = [PYTHON, __file__, "--editor", str(number), "--seconds", str(seconds)]
        process = subprocess.Popen(
            [*command, "--result", str(result), "--stop", str(stop)],
            cwd=ROOT,
            env=env,
        )
        editors.append((process, result, stop))
    return editors


@contextlib.contextmanager
def editors_paused(editors):
    """The editors save nothing inside this block."""
    pause = pause_file(editors[0][2])
    pause.touch()
    try:
        time.sleep(PAUSE_SETTLE)
        yield
    finally:
        pause.unlink(missing_ok=True)


def stop_editors(editors):
    reports = []
    for process, result, stop in editors:
        stop.touch()
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reports.append(json.loads(result.read_text()) if result.exists() else {"failed": True})
    return reports


# One run ---------------------------------------------------------------------------


def measure_mode(mode, env, workdir, targets, duration, script, only=None):
    flush_redis()
    log = workdir / f"gunicorn-{mode.replace('+', '-')}.log"
    with Server(env, SETTINGS[mode], log) as server:
        # Two requests each first: the status, the size and the queries of a built page;
        # in the cached modes those of the second request, the one the cache answers.
        release_size = fetch(server.port, f"/news/{targets['release']}/")["bytes"] or 16000
        checked = {}
        for name, path in pages(targets, release_size, mode, only):
            first = answer = fetch(server.port, path)
            # A page slower than the limit is not built twice: it will not be loaded. Nor
            # is a page no request asked for before: its first build is what is measured.
            if (
                not first["error"]
                and (mode != "uncached" or first["seconds"] <= SLOW_LIMIT)
                and name not in ANOTHER_EACH_TIME
            ):
                answer = fetch(server.port, path)
            if mode == "uncached" and first["queries"] and answer["queries"]:
                # A worker's first request of a kind may add one-time look-ups (content
                # types): the fewer of two requests is what every later one costs.
                answer["queries"] = str(min(int(first["queries"]), int(answer["queries"])))
            checked[name] = {"path": path, "first_seconds": first["seconds"], **answer}
        editors = []
        if mode == "cached+editors":
            # Stopped when the readers are done; the bound is for a run that never ends.
            editors = start_editors(env, workdir, seconds=3600)
            time.sleep(2)  # their first saves, before the readers are measured
        results = {}
        peak = server.peak_memory_mb()
        try:
            for name, path in pages(targets, release_size, mode, only):
                check = checked[name]
                built = check["first_seconds"]
                if check["error"] or (mode == "uncached" and built > SLOW_LIMIT):
                    results[name] = {**check, "skipped": True}
                    print(f"  {mode:15} {name:22} not measured under load", flush=True)
                    continue
                load = load_average()
                seconds = max(duration, min(MAX_DURATION, math.ceil(8 * check["seconds"])))
                page_script = script
                if name in ANOTHER_EACH_TIME:
                    # The address already asked for is left out of the rotation.
                    rotated = targets[ANOTHER_EACH_TIME[name]][:-1]
                    page_script = rotation_script(script, rotated)
                paused = None
                if editors:
                    # The same page with the editors paused, just before: what the readers
                    # keep is measured against it, on the machine as it is at that moment.
                    with editors_paused(editors):
                        paused = wrk(server.port, path, seconds, page_script)
                results[name] = {**check, **wrk(server.port, path, seconds, page_script)}
                results[name].update(load_before=load, duration=seconds)
                if name in ANOTHER_EACH_TIME and results[name]["requests"] > len(rotated):
                    # More requests than release pages: some were asked for twice.
                    results[name]["repeated"] = results[name]["requests"] - len(rotated)
                if paused is not None:
                    results[name]["paused_rps"] = paused["rps"]
                print(f"  {mode:15} {name:22} {results[name]['rps']:8.1f} requests/s", flush=True)
                if built > 0.2:
                    drain(server, built)
                if check["bytes"] > SIZE_APART * release_size:
                    # Sending a page costs by its size: a far larger one (the sitemap, a
                    # feed) is also held to a minimal page of its own size, measured next,
                    # once the page's queued requests are answered.
                    same_size = wrk(server.port, minimal_path(check["bytes"]), duration, script)
                    results[name]["same_size_rps"] = same_size["rps"]
                # Sampled after every page: a worker killed for its timeout takes its peak along.
                peak = max(filter(None, [peak, server.peak_memory_mb()]), default=None)
        finally:
            editor_reports = stop_editors(editors) if editors else []
    minimal = statistics.mean([results["minimal"]["rps"], results["minimal (again)"]["rps"]])
    for result in results.values():
        result["share"] = result["rps"] / minimal if minimal and "rps" in result else None
        if result.get("same_size_rps"):
            result["share_same_size"] = result["rps"] / result["same_size_rps"]
    return {"pages": results, "minimal_rps": minimal, "peak_mb": peak, "editors": editor_reports}


def rotation_script(script, paths):
    """A wrk script beside ``script`` that reports as it does and asks for ``paths`` in turn."""
    rotating = script.with_name("another-each-request.lua")
    listed = ",\n".join(json.dumps(path) for path in paths)
    rotating.write_text(f"paths = {{\n{listed}\n}}\n{ROTATION}{script.read_text()}")
    return rotating


def drain(server, built):
    """Wait for the requests wrk left queued: they would slow the next page down.

    Connections are accepted in order, so once a new request is answered at most one
    request is still being built, on the other worker.
    """
    fetch(server.port, "/healthz", timeout=FETCH_TIMEOUT * 2)
    time.sleep(min(built, WORKER_TIMEOUT))


def explain(env, workdir, targets):
    """Each query of the release page, the news list and a search, with its plan."""
    log = workdir / "explain.jsonl"
    log.unlink(missing_ok=True)
    # One worker, asked for each page once before the log starts: what is explained is
    # what every later request costs, not a worker's first-request work.
    env = {**env, "BENCH_EXPLAIN_LOG": str(log), "GUNICORN_WORKERS": "1"}
    paths = {
        "release": f"/news/{targets['release']}/",
        "release, another each request": f"/news/{targets['releases'][1]}/",
        "news list": "/news/",
        "search, common word": "/search/?q=cooperation",
        "search, rare word": "/search/?q=samarkand",
    }
    # A release page asked for before keeps its own part: the other release's page is
    # asked for first with another release, so that its first build is what is explained.
    first = {**paths, "release, another each request": f"/news/{targets['releases'][0]}/"}
    flush_redis()
    with Server(env, SETTINGS["uncached"], workdir / "gunicorn-explain.log") as server:
        for path in first.values():
            fetch(server.port, path)
        log.write_text("")
        for path in paths.values():
            fetch(server.port, path)
    records = [json.loads(line) for line in log.read_text().splitlines() if line]
    # A query's plan comes before it runs; its time (and PostgreSQL's actual plan) after.
    queries = {}
    for record in records:
        queries.setdefault(record["id"], {}).update(record)
    return paths, list(queries.values())


def table(mode, run):
    lines = [
        f"#### {mode}",
        "",
        "| page | requests/s | p50 ms | p99 ms | queries | of minimal | of minimal of its size "
        "| errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in run["pages"].items():
        if result.get("skipped"):
            if result["error"]:
                why = f"not measured: {result['error']}"
            else:
                # Two workers, each building one page at a time: at most this many a second.
                why = f"≤ {2 / result['first_seconds']:.2f} (one request: "
                why += f"{result['first_seconds']:.1f} s; not loaded)"
            lines.append(f"| {name} | {why} | | | {result['queries']} | | | |")
            continue
        status = "" if result["status"] == 200 else f" (HTTP {result['status']})"
        if result.get("repeated"):
            status += f" ({result['repeated']} requests asked again)"
        errors = result["errors"]
        if result["timeouts"]:
            errors = f"{errors} ({result['timeouts']} timed out)"
        same_size = result.get("share_same_size")
        lines.append(
            f"| {name}{status} | {result['rps']:.1f} | {result['p50_ms']:.1f} | "
            f"{result['p99_ms']:.1f} | {result['queries']} | {result['share']:.1%} | "
            f"{'' if same_size is None else f'{same_size:.1%}'} | {errors} |"
        )
    lines.append("")
    lines.append(
        f"Minimal page: {run['minimal_rps']:.0f} requests/s (mean of the two runs). "
        f"Workers' peak memory (VmHWM): {run['peak_mb']} MB."
    )
    for number, report in enumerate(run["editors"], start=1):
        lines.append(
            f"Editor {number}: {report.get('saves')} saves {report.get('steps')}, "
            f"p50 {report.get('p50_ms')} ms, slowest {report.get('max_ms')} ms"
            + (f", failures: {report['failures']}" if report.get("failures") else "")
            + "."
        )
    return "\n".join(lines)


def editing_table(runs):
    read_only, editing = runs.get("cached"), runs.get("cached+editors")
    if not (read_only and editing):
        return ""
    lines = [
        "#### cached+editors against cached (read-only)",
        "",
        "| page | read-only requests/s | while editing | kept | kept, each against its "
        "run's minimal page | editors paused, just before | kept, against the editors paused |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in editing["pages"].items():
        before = read_only["pages"][name]
        if "rps" not in before or "rps" not in result:
            lines.append(f"| {name} | not measured | | | | | |")
            continue
        kept = result["rps"] / before["rps"] if before["rps"] else 0
        # The editors' processes take CPU from the same two cores, and other work on the
        # machine comes and goes between runs: the shares of each run's own minimal page
        # compare what the readers kept with less of that noise.
        fair = result["share"] / before["share"] if before["share"] else 0
        paused = result.get("paused_rps")
        against_paused = f"{paused:.1f} | {result['rps'] / paused:.0%}" if paused else " | "
        lines.append(
            f"| {name} | {before['rps']:.1f} | {result['rps']:.1f} | {kept:.0%} | {fair:.0%} | "
            f"{against_paused} |"
        )
    return "\n".join(lines)


def explain_report(paths, queries):
    lines = []
    for name, path in paths.items():
        mine = [query for query in queries if query["path"] == path]
        total = sum(query.get("ms", 0) for query in mine)
        lines += [f"### {name} ({path}): {len(mine)} SELECTs, {total:.1f} ms", ""]
        for query in sorted(mine, key=lambda query: -(query.get("ms") or float("inf"))):
            took = f"{query['ms']:.2f} ms" if "ms" in query else "did not finish"
            lines += [
                f"{took}; parameters {query['params']}",
                "",
                "```sql",
                COLUMNS.sub(r"\1 … FROM", query["sql"]),
                "```",
                "",
                "```",
                query["plan"],
                "```",
                "",
            ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="Synthetic releases (1000).")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--duration", type=int, default=5, help="Seconds of load a page (5).")
    parser.add_argument("--modes", default=",".join(MODES), help="Which of " + ", ".join(MODES))
    parser.add_argument("--rebuild", action="store_true", help="Build the database again.")
    parser.add_argument("--no-explain", action="store_true", help="Skip the query plans.")
    parser.add_argument(
        "--page",
        action="append",
        dest="pages",
        metavar="NAME",
        help='Measure only this page (and the minimal one); may be repeated: --page "sitemap".',
    )
    parser.add_argument("--editor", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--stop", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.editor:
        sys.path.insert(0, str(ROOT))
        return run_editor(args.editor, args.seconds, args.result, args.stop)
    modes = [mode for mode in args.modes.split(",") if mode]
    if unknown := set(modes) - set(MODES):
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    if not 1 <= args.duration <= 120 or args.size < 1:
        parser.error("--duration must be 1 to 120 seconds and --size at least 1")
    ensure_wrk()

    workdir = ROOT / "var" / "bench" / f"{args.db}-{args.size}"
    workdir.mkdir(parents=True, exist_ok=True)
    script = workdir / "report.lua"
    script.write_text(WRK_REPORT)
    env = environment(args, workdir, free_port())
    print(f"Database: {args.db}, {args.size:,} synthetic releases, in {workdir}", flush=True)
    built = build(args, workdir, env)
    targets = json.loads(manage(env, "shell", "-v0", "-c", TARGETS_SCRIPT, capture=True))
    about = {"machine": machine(), "built": built, "targets": targets, "duration": args.duration}
    print(
        f"Machine: {about['machine']['cpus']} CPUs, {about['machine']['cpu']}; "
        f"load {about['machine']['load']}",
        flush=True,
    )

    if args.pages:
        known = {name for mode in MODES for name, _ in all_pages(targets, 0, mode)}
        if unknown := set(args.pages) - known:
            parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    runs = {}
    for mode in modes:
        runs[mode] = measure_mode(mode, env, workdir, targets, args.duration, script, args.pages)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = [
        f"### {args.db}, {args.size:,} releases ({targets['public']:,} public), "
        f"{args.duration} s a page, {THREADS} threads × {CONNECTIONS} connections",
        "",
        f"Load average before: {about['machine']['load']}; after: {load_average()}.",
        "",
        *(table(mode, run) + "\n" for mode, run in runs.items()),
        editing_table(runs),
    ]
    if not args.no_explain:
        paths, queries = explain(env, workdir, targets)
        (workdir / f"explain-{stamp}.md").write_text(explain_report(paths, queries))
        report.append(f"\nQuery plans: {workdir / f'explain-{stamp}.md'}")
    text = "\n".join(report)
    (workdir / f"results-{stamp}.md").write_text(text + "\n")
    (workdir / f"results-{stamp}.json").write_text(json.dumps({**about, "runs": runs}, indent=2))
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
