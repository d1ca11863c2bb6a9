"""Claiming due sources and choosing the next poll time."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from monitoring.models import Source
from monitoring.scheduling import (
    PollBounds,
    backoff_after_error,
    claim_due_sources,
    interval_after_success,
)
from tests.monitoring.builders import follow, monitored_organisation

BOUNDS = PollBounds(minimum=300, maximum=6 * 3600, error_base=300, error_maximum=24 * 3600)
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_interval_follows_publishing_rate():
    hourly = [T0 - timedelta(hours=n) for n in range(10)]
    assert (
        interval_after_success(current=1800, new_items=1, published=hourly, bounds=BOUNDS) == 1800
    )
    daily = [T0 - timedelta(days=n) for n in range(10)]
    assert (
        interval_after_success(current=1800, new_items=1, published=daily, bounds=BOUNDS)
        == 6 * 3600
    )
    burst = [T0 - timedelta(seconds=10 * n) for n in range(10)]
    assert interval_after_success(current=1800, new_items=1, published=burst, bounds=BOUNDS) == 300


def test_interval_without_dates_halves_or_stretches():
    assert interval_after_success(current=1800, new_items=3, published=[], bounds=BOUNDS) == 900
    assert interval_after_success(current=1800, new_items=0, published=[], bounds=BOUNDS) == 2700


def test_publisher_hints_are_a_floor():
    burst = [T0 - timedelta(seconds=10 * n) for n in range(10)]
    result = interval_after_success(
        current=1800, new_items=1, published=burst, hints=[None, 7200], bounds=BOUNDS
    )
    assert result == 7200


def test_backoff_grows_exponentially_and_is_capped():
    delays = [
        backoff_after_error(source_id=1, error_count=n, retry_after=None, bounds=BOUNDS)
        for n in range(1, 12)
    ]
    assert delays == sorted(delays)
    assert 300 <= delays[0] <= 330
    assert 600 <= delays[1] <= 660
    assert delays[-1] <= 24 * 3600 * 1.1
    assert backoff_after_error(source_id=1, error_count=1, retry_after=9000, bounds=BOUNDS) == 9000


@pytest.mark.django_db
def test_claim_takes_due_followed_sources_and_leases_them():
    org = monitored_organisation({"x": "x"})
    due = follow(org, "https://a.example/feed").source
    later = follow(org, "https://b.example/feed").source
    paused = follow(org, "https://c.example/feed", paused_at=timezone.now()).source
    Source.objects.create(key="https://d.example/feed", url="https://d.example/feed")  # unfollowed
    now = timezone.now()
    Source.objects.filter(pk__in=[due.pk, paused.pk]).update(
        next_poll_at=now - timedelta(minutes=1)
    )
    Source.objects.filter(pk=later.pk).update(next_poll_at=now + timedelta(hours=1))

    assert claim_due_sources(now=now, limit=10, lease_seconds=300) == [due.pk]
    assert claim_due_sources(now=now, limit=10, lease_seconds=300) == []
    # A lost poll: once the lease expires the source is claimed again.
    assert claim_due_sources(now=now + timedelta(seconds=301), limit=10, lease_seconds=300) == [
        due.pk
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_overlap():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises whole transactions")
    org = monitored_organisation({"x": "x"})
    for n in range(60):
        follow(org, f"https://s{n}.example/feed")
    Source.objects.update(next_poll_at=timezone.now() - timedelta(minutes=1))
    now = timezone.now()
    results: list[list[int]] = []
    barrier = threading.Barrier(4)

    def claimer():
        try:
            barrier.wait()
            results.append(claim_due_sources(now=now, limit=20, lease_seconds=300))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [pk for batch in results for pk in batch]
    assert len(claimed) == len(set(claimed)) == 60
