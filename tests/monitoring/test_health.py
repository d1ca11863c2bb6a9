"""A source's health in words, from the polling state the worker records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.health import Health, rows_with_health, source_health
from monitoring.models import Source, Subscription

NOW = timezone.now()


def source(**fields) -> Source:
    return Source(url="https://blog.example.org/feed", **fields)


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({}, Health.PENDING),
        ({"last_polled_at": NOW, "last_status": "ok"}, Health.OK),
        ({"last_polled_at": NOW, "last_status": "not_modified"}, Health.NOT_MODIFIED),
        ({"last_polled_at": NOW, "last_status": "http_500", "error_count": 2}, Health.FAILING),
        # The task's soft time limit records an error without counting it.
        (
            {"last_polled_at": NOW, "last_status": "timeout", "last_error": "too long"},
            Health.FAILING,
        ),
        # A new source whose first poll failed is failing, not pending.
        ({"last_status": "dns", "error_count": 1}, Health.FAILING),
        ({"last_polled_at": NOW, "error_count": 5, "disabled_at": NOW}, Health.DISABLED),
    ],
)
def test_state(fields, state):
    assert source_health(source(**fields)).state == state


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("http_404", "not found"),
        ("http_410", "not found"),
        ("http_403", "refuses"),
        ("http_429", "come back later"),
        ("http_503", "problem of its own"),
        ("http_418", "answered with an error"),
        ("blocked_address", "private or internal network"),
        ("timeout", "too long"),
        ("not_a_feed", "not a feed"),
        ("something_new", "The last check failed."),
    ],
)
def test_failures_are_explained_in_plain_words(code, words):
    health = source_health(source(last_status=code, last_error="raw message", error_count=3))
    assert words in health.explanation
    assert health.detail == "raw message"
    assert health.error_count == 3
    assert health.css == "bad"


def test_rows_put_failing_sources_first_then_sort_by_name():
    def sub(title: str, **fields) -> Subscription:
        return Subscription(title=title, source=source(last_polled_at=NOW, **fields))

    rows = rows_with_health(
        [
            sub("beta"),
            sub("Zulu", error_count=1, last_status="dns"),
            sub("alpha"),
            sub("Omega", error_count=4, last_status="dns"),
        ]
    )
    assert [r.subscription.title for r in rows] == ["Omega", "Zulu", "alpha", "beta"]


def test_a_row_is_due_when_its_next_poll_time_has_passed():
    (overdue,) = rows_with_health(
        [Subscription(source=source(next_poll_at=NOW - timedelta(minutes=1)))]
    )
    (later,) = rows_with_health(
        [Subscription(source=source(next_poll_at=NOW + timedelta(hours=1)))]
    )
    assert overdue.is_due and not later.is_due
