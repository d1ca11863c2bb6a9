"""Suite-wide fixtures and the guard that makes CI run against the real services."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("@")[-1]
    return [
        f"springplank database: {db['ENGINE'].rsplit('.', 1)[-1]} "
        f"{db.get('HOST') or ''}:{db.get('PORT') or ''}/{db['NAME']}",
        f"springplank broker: {broker}",
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under CI a missing database or broker is a failure, never a skip."""
    if not _ci():
        return
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise pytest.UsageError("CI=true needs DATABASE_URL and REDIS_URL (see .ci/run)")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("CI=true needs DATABASE_URL to point at PostgreSQL")
    import psycopg
    import redis

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"],
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        raise pytest.UsageError(f"PostgreSQL is not reachable: {exc}") from exc
    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        raise pytest.UsageError(f"Redis is not reachable: {exc}") from exc


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # noqa: PT004
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests change topics and intakes between polls: match on what the database says now.
    settings.SPRINGPLANK_MATCH_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker (celery.contrib.testing.worker) consuming from the configured broker:
    Redis when REDIS_URL is set (always under CI), the in-memory transport otherwise. It runs
    in a thread of this process, against the same database as the test."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20) as worker:
        yield worker


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("REDIS_URL"):
        # Without Redis, tests use Celery's in-memory transport rather than the demo's
        # filesystem broker, so nothing leaks between runs.
        from config.celery import app

        app.conf.broker_url = "memory://"
        app.conf.broker_transport_options = {}


def bench_kit_file(name: str) -> Path:
    """A file of the shared bench kit: $SPRINGPLANK_BENCH_KIT, or ../shared/bench beside the
    checkout, or /work/shared/bench (where this workplace keeps it)."""
    candidates = [
        os.environ.get("SPRINGPLANK_BENCH_KIT", ""),
        str(Path(__file__).resolve().parents[2] / "shared" / "bench"),
        "/work/shared/bench",
    ]
    for folder in candidates:
        if folder and (Path(folder) / name).is_file():
            return Path(folder) / name
    return Path(candidates[1]) / name
