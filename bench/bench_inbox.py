"""Benchmark of the participant's inbox under concurrent load, on a large seeded data set.

Usage::

    .venv/bin/python bench/bench_inbox.py [--database-url postgres://user@host:5432/x]
        [--quick] [--reseed] [--organisations 50 --participants 10000 --items 1000000
        --queue-items 500000 --triages 300000] [--sessions 300] [--duration 15]
        [--connections 2,4,8] [--workers 4] [--port 18231]

What it does, all on loopback:

1. Uses the PostgreSQL server of ``--database-url`` (or $BENCH_DATABASE_URL, $DATABASE_URL,
   postgres://postgres@127.0.0.1:5432) but always its own database, ``springplank_bench_inbox``
   (``springplank_bench_inbox_quick`` with ``--quick``; ``--database-name`` to choose),
   created when missing and migrated. The database named in the URL is never touched, and
   neither is ``springplank_bench``, which the ingest benchmark drops and recreates.
2. Seeds it with ``manage.py seed_large --truncate`` unless it already holds a data set of the
   requested size (``--reseed`` forces it). Default size: 50 organisations, 10,000
   participants, 1,000,000 items, 500,000 queue items, 300,000 triage decisions (5 million
   inbox entries: each queue item routed to 10 interested participants); about 100 s to seed
   on a 2-core machine. ``--quick``: 10 organisations, 1,000 participants, 50,000 items,
   25,000 queue items, 15,000 decisions, 5-second runs at one concurrency.
3. Logs in ``--sessions`` participants spread over the organisations by writing Django
   sessions directly (SessionStore), and counts the queries of the inbox page in-process
   (CaptureQueriesContext) for each kind of request.
4. Starts gunicorn (``config.wsgi``, ``--workers`` sync workers, DEBUG off) on 127.0.0.1 and
   runs ``wrk`` with a Lua script that rotates through the sessions and the request paths
   (the inbox as it opens; most relevant first; unread only; one topic). Without wrk (Debian:
   ``apt-get install -y wrk``) a Python keep-alive client with as many threads does the same.

Output: progress on stderr; on stdout one JSON line per measurement (seed time, query
counts, and per scenario and concurrency: p50/p95/p99 latency, throughput, errors), a
summary line ``{"bench": "inbox", ...}`` (the inbox as it opens, with as many connections as
gunicorn workers)
and a last line with the exact command. The goal on a 2-core machine: p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_P95_MS = 50.0
FULL = {
    "organisations": 50,
    "participants": 10_000,
    "items": 1_000_000,
    "queue_items": 500_000,
    "triages": 300_000,
}
QUICK = {
    "organisations": 10,
    "participants": 1_000,
    "items": 50_000,
    "queue_items": 25_000,
    "triages": 15_000,
}

LUA = r"""
-- Rotates through "cookie<TAB>path" lines; each thread starts at its own offset.
local plan = {}
local index = 0
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_PLAN")) do
    local cookie, path = line:match("([^\t]+)\t(.+)")
    table.insert(plan, {cookie, path})
  end
  index = (tonumber(offset) or 1) * 7919
end

function request()
  index = index + 1
  local entry = plan[(index % #plan) + 1]
  return wrk.format("GET", entry[2], {["Cookie"] = entry[1], ["Host"] = "127.0.0.1"})
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"errors":{"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def emit(record: dict[str, object]) -> None:
    print(json.dumps(record), flush=True)


def bench_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def dataset_matches(size: dict[str, int]) -> bool:
    from coaching.models import Triage
    from monitoring.models import Item, QueueItem
    from onboarding.models import Membership, Organisation

    counts = {
        "organisations": Organisation.objects.filter(slug__startswith="seed-").count(),
        "participants": Membership.objects.filter(role="participant").count(),
        "items": Item.objects.count(),
        "queue_items": QueueItem.objects.count(),
        "triages": Triage.objects.count(),
    }
    log(f"dataset present: {counts}")
    return counts == size


def seed(size: dict[str, int]) -> dict[str, object]:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    started = time.monotonic()
    call_command(
        "seed_large",
        "--truncate",
        *[f"--{k.replace('_', '-')}={v}" for k, v in size.items()],
        stdout=out,
        stderr=sys.stderr,
    )
    seconds = time.monotonic() - started
    counts = {}
    for line in out.getvalue().splitlines():
        label, _, value = line.rpartition(" ")
        if label.strip() and value.replace(",", "").isdigit():
            counts[label.strip()] = int(value.replace(",", ""))
    return {"bench": "seed_large", "seconds": round(seconds, 1), "size": size, "rows": counts}


def make_sessions(count: int) -> list[tuple[str, str, int]]:
    """(session key, organisation slug, membership id) for ``count`` participants."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from coaching.seeding import participant_logins
    from onboarding.models import Membership, User

    Session.objects.all().delete()
    logins = participant_logins(count)
    users = User.objects.in_bulk([user_id for user_id, _email, _slug in logins])
    memberships = dict(
        Membership.objects.filter(
            user_id__in=[u for u, _e, _s in logins], role="participant"
        ).values_list("user_id", "pk")
    )
    sessions = []
    for user_id, _email, slug in logins:
        user = users[user_id]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["current_org"] = slug
        store.create()
        sessions.append((store.session_key, slug, memberships[user_id]))
    assert settings.SESSION_COOKIE_NAME
    return sessions


def plan_for(sessions: list[tuple[str, str, int]]) -> dict[str, list[tuple[str, str]]]:
    """Per scenario, the (cookie, path) pairs the load tool rotates through."""
    from django.conf import settings

    from onboarding.models import Topic

    topics: dict[str, int] = {}
    for slug, topic_id in Topic.objects.filter(
        organisation__slug__in={s for _k, s, _m in sessions}
    ).values_list("organisation__slug", "pk"):
        topics.setdefault(slug, topic_id)
    cookie = settings.SESSION_COOKIE_NAME
    inbox, mixed = [], []
    for n, (key, slug, _mid) in enumerate(sessions):
        base = f"/o/{slug}/inbox/"
        inbox.append((f"{cookie}={key}", base))
        variant = [base, base, base, f"{base}?sort=relevant", f"{base}?read=unread"]
        if slug in topics:
            variant.append(f"{base}?topic={topics[slug]}&state=all")
        mixed.append((f"{cookie}={key}", variant[n % len(variant)]))
    return {"inbox": inbox, "mixed": mixed}


def count_queries(plan: dict[str, list[tuple[str, str]]]) -> dict[str, int]:
    """The most queries one inbox request of each kind takes, measured in-process."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, int] = {}
    for scenario, pairs in plan.items():
        for cookie, path in pairs[:12]:
            kind = path.split("?", 1)[1].split("=", 1)[0] if "?" in path else "inbox"
            client = Client(HTTP_HOST="127.0.0.1")
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}: sessions are not valid")
            key = "inbox" if kind == "inbox" else f"inbox?{kind}"
            counts[key] = max(counts.get(key, 0), len(ctx.captured_queries))
        log(f"queries ({scenario}): {counts}")
    return counts


def start_gunicorn(url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "false",
            "DJANGO_ENV": "development",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [
        gunicorn,
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    log("starting " + shlex.join(command))
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            raise SystemExit("gunicorn exited at start-up")
    stop(process)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run_wrk(
    port: int, pairs: list[tuple[str, str]], connections: int, duration: int, workdir: Path
) -> dict[str, object]:
    plan_file = workdir / "plan.tsv"
    plan_file.write_text("".join(f"{c}\t{p}\n" for c, p in pairs))
    script = workdir / "rotate.lua"
    script.write_text(LUA)
    threads = max(1, min(2, connections))
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration}s",
        "--timeout=10s",
        f"--script={script}",
        f"http://127.0.0.1:{port}/",
    ]
    env = dict(os.environ, BENCH_PLAN=str(plan_file))
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith('{"requests"'))
    raw = json.loads(line)
    seconds = raw["duration_us"] / 1e6
    return {
        "tool": "wrk",
        "requests": raw["requests"],
        "throughput_rps": round(raw["requests"] / seconds, 1),
        "latency_ms": {
            "p50": round(raw["p50_us"] / 1000, 2),
            "p95": round(raw["p95_us"] / 1000, 2),
            "p99": round(raw["p99_us"] / 1000, 2),
            "max": round(raw["max_us"] / 1000, 2),
        },
        "errors": raw["errors"],
        "load_command": shlex.join(command),
    }


def run_python_client(
    port: int, pairs: list[tuple[str, str]], connections: int, duration: int
) -> dict[str, object]:
    """The fallback load tool: ``connections`` threads, each with a keep-alive connection."""
    latencies: list[float] = []
    errors = {"status": 0, "connect": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        n = offset * 7919
        while time.monotonic() < stop_at:
            cookie, path = pairs[n % len(pairs)]
            n += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                answer = conn.getresponse()
                answer.read()
            except OSError:
                with lock:
                    errors["connect"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - started)
            if answer.status != 200:
                with lock:
                    errors["status"] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i + 1,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000, 2)

    return {
        "tool": "python-keepalive-client",
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / seconds, 1),
        "latency_ms": {
            "p50": pct(50),
            "p95": pct(95),
            "p99": pct(99),
            "max": round(latencies[-1] * 1000, 2) if latencies else 0.0,
            "mean": round(statistics.fmean(latencies) * 1000, 2) if latencies else 0.0,
        },
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL server (its database name is replaced, see --database-name)",
    )
    parser.add_argument("--database-name", help="default springplank_bench_inbox[_quick]")
    parser.add_argument("--quick", action="store_true", help="small data set, short runs")
    parser.add_argument("--reseed", action="store_true", help="seed again even if present")
    for name in FULL:
        parser.add_argument(f"--{name.replace('_', '-')}", type=int)
    parser.add_argument("--sessions", type=int, default=300, help="participants logged in")
    parser.add_argument("--duration", type=int, help="seconds per run (15; 5 with --quick)")
    parser.add_argument(
        "--connections", help="concurrent connections per run, comma-separated (2,4,8; 4 quick)"
    )
    # One sync worker per core: the page is CPU-bound, and more workers than cores only queue
    # for the CPU (measured: 4 connections, p95 43 ms with 2 workers, 62 ms with 3 or 4).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=18231)
    parser.add_argument(
        "--scenarios", default="inbox,mixed", help="inbox (as it opens) and/or mixed"
    )
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()

    size = dict(QUICK if args.quick else FULL)
    for name in FULL:
        if getattr(args, name) is not None:
            size[name] = getattr(args, name)
    duration = args.duration or (5 if args.quick else 15)
    connections = [
        int(c) for c in (args.connections or ("4" if args.quick else "2,4,8")).split(",")
    ]
    server = args.database_url or "postgres://postgres@127.0.0.1:5432/postgres"
    name = args.database_name or (
        "springplank_bench_inbox_quick" if args.quick else "springplank_bench_inbox"
    )
    url = bench_url(server, name)

    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    seed_seconds = None
    if args.reseed or not dataset_matches(size):
        log("seeding (this takes a few minutes at full size)…")
        seeded = seed(size)
        seed_seconds = seeded["seconds"]
        emit(seeded)
    sessions = make_sessions(args.sessions)
    plan = plan_for(sessions)
    queries = count_queries(plan)
    emit({"bench": "inbox_queries", "queries": queries, "sessions": len(sessions)})

    from django.db import connection

    connection.close()
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
        if tool == "python":
            log("wrk not found (apt-get install -y wrk): using the Python client")
    process = start_gunicorn(url, args.port, args.workers)
    headline: dict[str, object] | None = None
    # The summary line: as many concurrent users as gunicorn has workers (or the first level).
    headline_connections = args.workers if args.workers in connections else connections[0]
    try:
        with tempfile.TemporaryDirectory(prefix="springplank-bench-") as tmp:
            # Warm up every worker: imports, template caches, database connections.
            run_python_client(args.port, plan["inbox"], args.workers * 2, 3)
            for scenario in [s for s in args.scenarios.split(",") if s in plan]:
                for conns in connections:
                    log(f"load: {scenario}, {conns} connections, {duration}s")
                    load_before = os.getloadavg()
                    if tool == "wrk":
                        result = run_wrk(args.port, plan[scenario], conns, duration, Path(tmp))
                    else:
                        result = run_python_client(args.port, plan[scenario], conns, duration)
                    p95 = result["latency_ms"]["p95"]  # type: ignore[index]
                    if scenario == "inbox" and conns == headline_connections:
                        headline = {
                            "bench": "inbox",
                            "connections": conns,
                            "p50_ms": result["latency_ms"]["p50"],  # type: ignore[index]
                            "p95_ms": p95,
                            "throughput_rps": result["throughput_rps"],
                            "queries_per_page": max(queries.values()),
                            "meets_goal": p95 < GOAL_P95_MS,
                            "goal_p95_ms": GOAL_P95_MS,
                            "seed_seconds": seed_seconds,
                            "dataset": size,
                            "database": name,
                        }
                    emit(
                        {
                            "bench": "inbox_load",
                            "scenario": scenario,
                            "connections": conns,
                            "gunicorn_workers": args.workers,
                            "duration_s": duration,
                            "sessions": len(sessions),
                            **result,
                            "queries_per_page": max(queries.values()),
                            "goal_p95_ms": GOAL_P95_MS,
                            "meets_goal": p95 < GOAL_P95_MS,
                            "dataset": size,
                            "cpus": os.cpu_count(),
                            "loadavg_before": [round(x, 2) for x in load_before],
                        }
                    )
    finally:
        stop(process)
    if headline is not None:
        emit(headline)
    emit({"bench": "command", "command": shlex.join([sys.executable, *sys.argv])})


if __name__ == "__main__":
    main()
