"""Celery tasks of the coaching app. Thin: they call a service and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from coaching.digest import digest_send_due


@shared_task(ignore_result=True)
def send_digests() -> int:
    """Every hour (celery beat): send the daily and weekly inbox digests that are due.

    Safe to run twice, also at the same time: each participant's digest is claimed once per
    period before it is built, and never repeats an item (see coaching.digest.digest_send_due).
    """
    return digest_send_due()
