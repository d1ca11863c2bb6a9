#!/usr/bin/env python3
"""Feed ingestion through the real worker path, side by side with newsboat.

Measures, on the shared bench corpus served by nginx on loopback:
1. cold ingest: every feed fetched, parsed, sanitised, stored in PostgreSQL, matched against
   200 topics of 10 organisations and queued — by real Celery workers fed through Redis;
2. warm re-poll: every feed polled again and answering 304.
Then runs ../shared/bench/peer_newsboat.sh on the same corpus in the same run and prints the
ratios ours/newsboat. One JSON line per measurement on stdout; progress on stderr.

Usage: bench_ingest.py [--corpus DIR] [--port 18080] [--database-url URL] [--redis-url URL]
                       [--workers 2] [--newsboat-threads 2] [--skip-newsboat]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT))


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def corpus_words(corpus: Path, limit: int = 4000) -> list[str]:
    """Words of the corpus titles, to build topics that actually match something."""
    import re

    words: dict[str, int] = {}
    for path in sorted((corpus / "feeds").glob("*.xml"))[:200]:
        text = path.read_text(encoding="utf-8", errors="replace")
        for title in re.findall(r"<title>([^<]{3,200})</title>", text):
            for word in re.findall(r"[^\W\d_]{5,}", title):
                words[word.lower()] = words.get(word.lower(), 0) + 1
    return [w for w, _ in sorted(words.items(), key=lambda kv: -kv[1])][:limit]


def build_organisations(urls: list[str], words: list[str], *, organisations: int, topics: int):
    """10 organisations × 20 topics; each feed followed by two organisations."""
    from django.utils import timezone

    from monitoring.models import Source, SourceKind, Subscription
    from monitoring.services import source_key
    from onboarding.models import Intake, Membership, Organisation, Role, Strategy, Topic, User

    rng = random.Random(20261201)
    now = timezone.now()
    orgs = []
    for n in range(organisations):
        org = Organisation.objects.create(name=f"Bench org {n}", slug=f"bench-{n}")
        Strategy.objects.create(organisation=org, approved_at=now)
        org_topics = []
        for t in range(topics):
            a, b, c, d = rng.sample(words, 4)
            # Shapes people write: a phrase, a pair of alternatives narrowed by a word, a
            # prefix with an exclusion, a title word. Each matches a few percent of items.
            query = {
                0: f'"{a} {b}"',
                1: f"({a} OR {b}) {c} {d}",
                2: f"{a} {b[:5]}* {c} -{d}",
                3: f"intitle:{a} intitle:{b}",
            }[t % 4]
            org_topics.append(
                Topic.objects.create(organisation=org, name=f"Topic {t}", query=query)
            )
        for p in range(5):
            user = User.objects.create_user(email=f"p{p}@bench-{n}.example", password=None)
            member = Membership.objects.create(user=user, organisation=org, role=Role.PARTICIPANT)
            intake = Intake.objects.create(membership=member)
            intake.topics.set(rng.sample(org_topics, 4))
        orgs.append(org)
    sources = Source.objects.bulk_create(
        [
            Source(kind=SourceKind.FEED, key=source_key("feed", u), url=u, next_poll_at=now)
            for u in urls
        ]
    )
    subscriptions = []
    for i, source in enumerate(sources):
        for org in (orgs[i % organisations], orgs[(i + 3) % organisations]):
            subscriptions.append(Subscription(organisation=org, source=source))
    Subscription.objects.bulk_create(subscriptions)
    return len(sources)


def wait_for_polls(since, start: float, total: int, label: str, timeout: float = 600) -> float:
    """Seconds from ``start`` (taken before the polls were enqueued) until every source has
    been polled since ``since``."""
    from django.db import close_old_connections

    from monitoring.models import Item, Source

    # The watcher shares the two cores with what it measures: one cheap count per 0.1 s, and
    # the item count (a scan of the growing table) only when a progress line is due.
    last, next_report = -1, 0.0
    while True:
        close_old_connections()
        done = Source.objects.filter(last_polled_at__gte=since).count()
        now = time.monotonic()
        if done >= total or (done != last and now >= next_report):
            items = Item.objects.count()
            say(f"  {label}: {done}/{total} sources polled, {items:,} items stored")
            last, next_report = done, now + 1.0
        if done >= total:
            return now - start
        if now - start > timeout:
            raise SystemExit(f"{label}: only {done}/{total} sources polled after {timeout}s")
        time.sleep(0.1)


def start_workers(env: dict[str, str], workers: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        f"--concurrency={workers}",
        "--pool=prefork",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env)
    from config.celery import app

    for _ in range(200):
        if app.control.ping(timeout=0.2):
            return process
        if process.poll() is not None:
            raise SystemExit("the Celery worker did not start")
    raise SystemExit("the Celery worker did not answer a ping")


def run_newsboat(threads: int) -> list[dict]:
    say(f"newsboat -x reload on the same corpus ({threads} threads)…")
    result = subprocess.run(
        ["bash", str(SHARED_BENCH / "peer_newsboat.sh"), str(threads)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    bench_dir = Path(os.environ.get("BENCH_DIR", "/tmp/springplank-bench"))
    parser.add_argument("--corpus", type=Path, default=bench_dir / "corpus")
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/springplank_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    )
    # Two processes per core: a poll spends part of its time waiting on the network and the
    # database, which a second process per core fills.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--newsboat-threads", type=int, default=2)
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--skip-newsboat", action="store_true")
    args = parser.parse_args()
    command = " ".join(shlex.quote(a) for a in sys.argv)

    urls = (args.corpus / "urls.txt").read_text().split()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        SPRINGPLANK_FETCH_ALLOWLIST=f"127.0.0.1:{args.port}",
        SPRINGPLANK_POLL_BATCH=str(len(urls) + 10),
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        DEBUG="false",
    )
    os.environ.update(env)

    say(f"fresh database {args.database_url.rsplit('/', 1)[1]}…")
    recreate_database(args.database_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    import django

    django.setup()
    from django.utils import timezone

    from monitoring.models import InboxEntry, Item, QueueItem, Source
    from monitoring.tasks import enqueue_due_sources

    total = build_organisations(
        urls, corpus_words(args.corpus), organisations=args.organisations, topics=args.topics
    )
    say(f"{total} sources, {args.organisations} organisations × {args.topics} topics")

    from config.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")
    worker = start_workers(env, args.workers)
    results = []
    try:
        since, start = timezone.now(), time.monotonic()
        enqueue_due_sources()
        cold_enqueue = time.monotonic() - start
        cold = wait_for_polls(since, start, total, "cold")
        items = Item.objects.count()
        failed = Source.objects.exclude(last_status="ok").count()
        if not items:
            errors = set(Source.objects.values_list("last_error", flat=True)[:3])
            raise SystemExit(f"cold: no source gave any item (is the corpus served?): {errors}")
        results.append(
            {
                "bench": "ingest",
                "run": "cold",
                "wall_s": round(cold, 3),
                "enqueue_s": round(cold_enqueue, 3),
                "feeds": total,
                "items": items,
                "items_per_s": round(items / cold),
                "failed_sources": failed,
                "queue_items": QueueItem.objects.count(),
                "inbox_entries": InboxEntry.objects.count(),
                "match_rate": round(QueueItem.objects.count() / (2 * items), 3),
                "workers": args.workers,
                "command": command,
            }
        )
        print(json.dumps(results[-1]), flush=True)

        Source.objects.update(next_poll_at=timezone.now(), leased_until=None)
        since, start = timezone.now(), time.monotonic()
        enqueue_due_sources()
        warm_enqueue = time.monotonic() - start
        warm = wait_for_polls(since, start, total, "warm")
        not_modified = Source.objects.filter(last_status="not_modified").count()
        results.append(
            {
                "bench": "ingest",
                "run": "warm",
                "wall_s": round(warm, 3),
                "enqueue_s": round(warm_enqueue, 3),
                "feeds": total,
                "not_modified": not_modified,
                "workers": args.workers,
                "command": command,
            }
        )
        print(json.dumps(results[-1]), flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    if args.skip_newsboat:
        return
    peer = {row["run"]: row for row in run_newsboat(args.newsboat_threads)}
    for row in peer.values():
        print(json.dumps(row), flush=True)
    ratios = {
        "bench": "ingest_ratio",
        "cold_ours_s": results[0]["wall_s"],
        "cold_newsboat_s": peer["cold"]["wall_s"],
        "cold_ratio": round(results[0]["wall_s"] / peer["cold"]["wall_s"], 3),
        "warm_ours_s": results[1]["wall_s"],
        "warm_newsboat_s": peer["warm"]["wall_s"],
        "warm_ratio": round(results[1]["wall_s"] / peer["warm"]["wall_s"], 3),
        "newsboat_threads": args.newsboat_threads,
        "command": command,
    }
    print(json.dumps(ratios), flush=True)


if __name__ == "__main__":
    main()
