"""Celery tasks of the monitoring pipeline. Thin: they take ids and call a service."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from monitoring import pipeline, scheduling
from monitoring.models import QueueItem, QueueStatus

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def enqueue_due_sources() -> int:
    """Every minute (celery beat): claim due sources and enqueue one poll per source.

    Running it twice at once is harmless: claims are exclusive and leased. If the broker
    refuses a message, the lease simply expires and the next run claims the source again.
    """
    ids = scheduling.claim_due_sources(
        now=timezone.now(),
        limit=settings.SPRINGPLANK_POLL_BATCH,
        lease_seconds=settings.SPRINGPLANK_POLL_LEASE_SECONDS,
    )
    if ids:
        # One producer (one broker connection) for the whole batch.
        with poll_source.app.producer_or_acquire() as producer:
            for source_id in ids:
                poll_source.apply_async((source_id,), producer=producer)
    return len(ids)


@shared_task(ignore_result=True, acks_late=True)
def poll_source(source_id: int) -> str:
    """Poll one source. Safe to run twice; a deleted source exits quietly."""
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
