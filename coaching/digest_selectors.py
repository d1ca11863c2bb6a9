"""Reads of the e-mail digest: the participant's preference and what a digest holds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef

from coaching.models import DigestFrequency, DigestPreference, Triage
from monitoring.models import InboxEntry, QueueStatus
from onboarding.models import Membership

__all__ = ["DigestEntries", "digest_entries", "digest_preference_of"]


def digest_preference_of(membership: Membership) -> DigestPreference:
    """The participant's digest preference, unsaved and off when they never chose one."""
    preference = DigestPreference.objects.filter(membership=membership).first()
    return preference or DigestPreference(membership=membership, frequency=DigestFrequency.OFF)


@dataclass(frozen=True)
class DigestEntries:
    entries: list[InboxEntry]
    total: int
    newest_id: int | None


def digest_entries(*, membership: Membership, after_id: int, limit: int) -> DigestEntries:
    """Inbox entries that arrived after entry ``after_id``: up to ``limit`` of those still open
    and undecided (newest first), how many such there are, and the newest id of all of them."""
    arrived = InboxEntry.objects.filter(membership=membership, pk__gt=after_id)
    newest_id = arrived.aggregate(n=Max("pk"))["n"]
    if newest_id is None:
        return DigestEntries([], 0, None)
    wanted = arrived.filter(pk__lte=newest_id, queue_item__status=QueueStatus.OPEN).exclude(
        Exists(
            Triage.objects.filter(queue_item_id=OuterRef("queue_item_id"), membership=membership)
        )
    )
    total = wanted.count()
    entries = list(
        wanted.select_related("queue_item__item__source").order_by("-created_at", "-pk")[:limit]
    )
    return DigestEntries(entries, total, newest_id)
