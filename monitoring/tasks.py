"""Celery tasks of the monitoring pipeline. Thin: they take ids and call a service."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from monitoring import pipeline, scheduling
from monitoring.models import QueueItem, QueueStatus

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def enqueue_due_sources() -> int:
    """Every minute (celery beat): claim due sources and enqueue their polls.

    Each task polls a small batch of sources (``scheduling.poll_batches``), each source in its
    own poll. Running this twice at once is harmless: claims are exclusive and leased. If the
    broker refuses a message, the leases simply expire and the next run claims them again.
    """
    ids = scheduling.claim_due_sources(
        now=timezone.now(),
        limit=settings.SPRINGPLANK_POLL_BATCH,
        lease_seconds=settings.SPRINGPLANK_POLL_LEASE_SECONDS,
    )
    if ids:
        batches = scheduling.poll_batches(ids, max_size=settings.SPRINGPLANK_POLL_TASK_SOURCES)
        # One producer (one broker connection) for the whole round.
        with poll_sources.app.producer_or_acquire() as producer:
            for batch in batches:
                poll_sources.apply_async((batch,), producer=producer)
    return len(ids)


@shared_task(ignore_result=True, acks_late=True)
def poll_sources(source_ids: list[int]) -> int:
    """Poll a batch of sources one after the other; returns how many this task polled.

    Every source gets its own poll (its own transaction and outcome): one failing source
    never stops the others. The task stops starting new polls once its time budget is spent
    and hands the rest to a new task, so a batch of slow hosts cannot reach the time limit.
    Safe to run twice, like each poll; a worker killed mid-batch has the batch redelivered.
    """
    started = time.monotonic()
    budget = _batch_budget_seconds()
    for done, source_id in enumerate(source_ids):
        if done and time.monotonic() - started > budget:
            poll_sources.delay(source_ids[done:])
            return done
        if not connection.in_atomic_block:  # (a caller's transaction is the caller's)
            close_old_connections()  # as Celery does between tasks: drop a broken connection
        try:
            pipeline.source_poll(source_id=source_id)
        except SoftTimeLimitExceeded:
            pipeline.source_poll_timed_out(source_id=source_id)
            if source_ids[done + 1 :]:
                poll_sources.delay(source_ids[done + 1 :])
            return done + 1
        except Exception:
            # Recorded here, not raised: the lease of this source expires and it is claimed
            # again; the rest of the batch goes on.
            log.exception("poll of source %s failed unexpectedly", source_id)
    return len(source_ids)


def _batch_budget_seconds() -> float:
    """Start no poll that could still be running at the soft time limit: leave room for one
    whole fetch (its deadline) and a margin for parsing and storing."""
    soft_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    return max(0.0, soft_limit - settings.SPRINGPLANK_FETCH_DEADLINE - 30)


@shared_task(ignore_result=True, acks_late=True)
def poll_source(source_id: int) -> str:
    """Poll one source now (an admin's "poll now"). Safe to run twice; a deleted source exits
    quietly."""
    try:
        return pipeline.source_poll(source_id=source_id).status
    except SoftTimeLimitExceeded:
        # Record it like any failure, so the source backs off and its owner sees why nothing
        # arrives; this also releases the lease.
        return pipeline.source_poll_timed_out(source_id=source_id).status


@shared_task(ignore_result=True)
def expire_stale_queue_items() -> int:
    """Mark open queue items older than SPRINGPLANK_QUEUE_EXPIRY_DAYS as expired."""
    cutoff = timezone.now() - timedelta(days=settings.SPRINGPLANK_QUEUE_EXPIRY_DAYS)
    return QueueItem.objects.filter(status=QueueStatus.OPEN, created_at__lt=cutoff).update(
        status=QueueStatus.EXPIRED, expires_at=timezone.now()
    )
