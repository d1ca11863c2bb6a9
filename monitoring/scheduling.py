"""When to poll a source next, and claiming due sources without two workers taking the same one.

Scheduling state lives in the database (``Source.next_poll_at`` and ``leased_until``), never in
the broker: a lost message or a killed worker delays a poll by at most one lease.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from monitoring.models import Source, Subscription


@dataclass(frozen=True)
class PollBounds:
    minimum: int  # seconds
    maximum: int
    error_base: int
    error_maximum: int

    @classmethod
    def from_settings(cls) -> PollBounds:
        return cls(
            minimum=settings.SPRINGPLANK_POLL_MIN_SECONDS,
            maximum=settings.SPRINGPLANK_POLL_MAX_SECONDS,
            error_base=settings.SPRINGPLANK_POLL_ERROR_BASE_SECONDS,
            error_maximum=settings.SPRINGPLANK_POLL_ERROR_MAX_SECONDS,
        )


def _jitter(source_id: int, seconds: int) -> int:
    """Up to 10% extra, fixed per source, so sources added together drift apart (and tests
    stay deterministic: no random())."""
    digest = hashlib.blake2b(str(source_id).encode(), digest_size=2).digest()
    return seconds * int.from_bytes(digest, "big") // (65535 * 10)


def interval_after_success(
    *,
    current: int,
    new_items: int,
    published: Sequence[datetime],
    hints: Sequence[int | None] = (),
    bounds: PollBounds,
) -> int:
    """The next polling interval in seconds after a successful poll.

    Follows how often the source publishes: half the median gap between its recent entries,
    so a source posting hourly is polled about every half hour. Without dates it halves the
    interval when something new came and stretches it by half when nothing did. ``hints``
    (RSS ttl, Cache-Control max-age, in seconds) are a floor: the publisher asked us not to come
    sooner. The result stays within the bounds.
    """
    dates = sorted((d for d in published if d is not None), reverse=True)[:20]
    if len(dates) >= 3:
        gaps = sorted(
            (a - b).total_seconds() for a, b in zip(dates, dates[1:], strict=False) if a > b
        )
        interval = int(gaps[len(gaps) // 2] / 2) if gaps else current
    elif new_items:
        interval = current // 2
    else:
        interval = current + current // 2
    floor = max((h for h in hints if h), default=0)
    interval = max(interval, floor)
    return max(bounds.minimum, min(bounds.maximum, interval))


def backoff_after_error(
    *, source_id: int, error_count: int, retry_after: int | None, bounds: PollBounds
) -> int:
    """Seconds to wait after the ``error_count``-th consecutive failure: exponential, capped,
    never sooner than the server's Retry-After."""
    exponent = min(max(error_count - 1, 0), 20)
    delay = min(bounds.error_maximum, bounds.error_base * (2**exponent))
    delay += _jitter(source_id, delay)
    if retry_after:
        delay = max(delay, min(retry_after, 7 * 24 * 3600))
    return delay


def claim_due_sources(*, now: datetime, limit: int, lease_seconds: int) -> list[int]:
    """Claim up to ``limit`` due sources and lease them for ``lease_seconds``.

    Two schedulers running at once never claim the same source: on PostgreSQL the rows are
    locked with SELECT … FOR UPDATE SKIP LOCKED; on SQLite (the demo) the whole claim runs in
    one write transaction, which serialises claimers. A claimed source that is never polled
    (a lost message, a killed worker) becomes due again when its lease expires.
    """
    followed = Subscription.objects.filter(source=OuterRef("pk"), paused_at__isnull=True)
    due = (
        Source.objects.filter(Exists(followed), disabled_at__isnull=True, next_poll_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .order_by("next_poll_at")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            Source.objects.filter(pk__in=ids).update(
                leased_until=now + timedelta(seconds=lease_seconds)
            )
    return ids


def poll_batches(source_ids: list[int], *, max_size: int) -> list[list[int]]:
    """Split claimed sources into the batches one poll task each carries.

    A task costs about as much to publish and dispatch as a whole 304 poll, so a big round is
    sent in batches of up to ``max_size`` sources. Small rounds stay one source per task, and
    any round keeps at least 32 tasks (when it has that many sources), so that every worker of
    a large pool has work and one slow host holds up few others.
    """
    size = max(1, min(max_size, len(source_ids) // 32))
    return [source_ids[i : i + size] for i in range(0, len(source_ids), size)]
