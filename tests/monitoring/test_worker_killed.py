"""A worker killed in the middle of a poll loses nothing: the source stays claimed only until its
lease expires, then the scheduler claims it again and another worker polls it."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import close_old_connections, connection

from monitoring.models import Item, Source
from monitoring.tasks import enqueue_due_sources
from tests.monitoring.builders import follow, monitored_organisation, rss

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if predicate():
            return True
        time.sleep(0.1)
    return False


def start_worker(env):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-c",
            "1",
            "--pool=prefork",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killed_worker_loses_nothing(settings, raw_server):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("this test needs PostgreSQL and Redis, which CI provides")
        pytest.skip("needs PostgreSQL and Redis shared with a worker process")

    polls_started = threading.Event()
    healthy = threading.Event()
    body = rss([{"title": f"Story {n}", "link": f"https://k.example/{n}"} for n in range(3)])

    def handler(conn, stop):
        if not healthy.is_set():
            polls_started.set()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n<rss>")
            stop.wait(30)  # hangs until the worker is killed or the test ends
            return
        payload = body.encode()
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: "
            + str(len(payload)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + payload
        )

    server = raw_server(handler)
    settings.SPRINGPLANK_POLL_LEASE_SECONDS = 3
    org = monitored_organisation({"Stories": "story"})
    source_id = follow(org, server.url("/feed.xml")).source_id

    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        SPRINGPLANK_FETCH_ALLOWLIST=f"127.0.0.1:{server.port}",
        SPRINGPLANK_FETCH_DEADLINE="25",
        SPRINGPLANK_FETCH_TIMEOUT="25",
        DEBUG="false",
    )
    from config.celery import app

    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(app.conf.task_default_queue)

    first = start_worker(env)
    try:
        assert enqueue_due_sources() == 1
        assert polls_started.wait(60), "the worker never started polling"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)

    source = Source.objects.get(pk=source_id)
    assert source.last_polled_at is None and source.leased_until is not None
    assert enqueue_due_sources() == 0  # still leased: nobody else takes it yet

    healthy.set()
    time.sleep(3.2)
    second = start_worker(env)
    try:
        assert enqueue_due_sources() == 1
        assert wait_for(lambda: Source.objects.get(pk=source_id).last_status == "ok")
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)
    assert Item.objects.filter(source_id=source_id).count() == 3
