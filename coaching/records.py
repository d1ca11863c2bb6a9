"""What the write modules of the coaching app share: the error they raise, the moment they
act at, the reaction states that are final, and reaching a milestone once.

Kept apart so that every concern (triage, reactions, sessions, digests, communities) can use
them without importing another concern's module.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coaching.models import Milestone, ReactionStatus
from onboarding.models import Membership

__all__ = ["FINAL_STATUSES", "CoachingError", "milestone_reach", "resolve_now"]

# Final states: a reaction that is posted or set aside no longer "is being reacted".
FINAL_STATUSES = frozenset({ReactionStatus.POSTED, ReactionStatus.ABANDONED})


class CoachingError(ValidationError):
    """The change is not allowed in the current state; the message is for the person."""


def resolve_now(now: dt.datetime | None) -> dt.datetime:
    """``now`` when a caller (a test, a batch) fixes the moment, else the current time."""
    return now or timezone.now()


def milestone_reach(
    *, membership: Membership, kind: str, url: str = "", now: dt.datetime
) -> tuple[Milestone, bool]:
    """The membership's milestone of ``kind``, recorded now if it was not reached before."""
    try:
        with transaction.atomic():
            return Milestone.objects.get_or_create(
                membership=membership, kind=kind, defaults={"achieved_at": now, "url": url}
            )
    except IntegrityError:  # reached in a concurrent transaction
        return Milestone.objects.get(membership=membership, kind=kind), False
