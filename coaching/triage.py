"""State changes of the participant's inbox: marking an item read and deciding on it.

Every function takes keyword-only arguments and raises ``CoachingError`` (a ValidationError,
so forms can show it) when the change is not allowed.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coaching.models import Activity, ActivityKind, CoachingSession, ContentFor, Triage, Verdict
from coaching.records import CoachingError, resolve_now
from monitoring.models import InboxEntry, QueueItem, QueueStatus
from onboarding.models import Membership

__all__ = ["SAVING_VERDICTS", "inbox_mark_read", "triage_record"]

# Verdicts that keep an item for later: the Collector rung of the ladder.
SAVING_VERDICTS = frozenset({Verdict.INTERESTING, Verdict.CONTENT_IDEA})


def inbox_mark_read(
    *, membership: Membership, queue_item: QueueItem, now: dt.datetime | None = None
) -> bool:
    """Mark the item read in the participant's inbox. Returns whether it was unread; running
    it again changes nothing."""
    return bool(
        InboxEntry.objects.filter(
            membership=membership, queue_item=queue_item, read_at__isnull=True
        ).update(read_at=resolve_now(now))
    )


@transaction.atomic
def triage_record(
    *,
    membership: Membership,
    queue_item: QueueItem,
    verdict: str,
    content_for: str = "",
    rating: int | None = None,
    note: str = "",
    session: CoachingSession | None = None,
    now: dt.datetime | None = None,
) -> Triage:
    """Record the participant's decision on one item of their inbox (or change it).

    One Triage per (item, participant): running it again updates the same row, and the
    ``item_reviewed`` activity is recorded once. ``content_for`` (blog or newsletter) belongs
    to content ideas only and defaults to blog; ``rating`` is 1–5 or None. A ``session`` must be
    an open session of this participant: the decision is then recorded as made in it. The
    item is marked read. Raises CoachingError when the item was not routed to the participant,
    is no longer open, or the values are out of range.
    """
    moment = resolve_now(now)
    if verdict not in Verdict.values:
        raise CoachingError(_("Choose one of the four answers."))
    if verdict == Verdict.CONTENT_IDEA:
        content_for = content_for or ContentFor.BLOG
        if content_for not in ContentFor.values:
            raise CoachingError(_("A content idea is for the blog or the newsletter."))
    else:
        content_for = ""
    if rating is not None and not 1 <= rating <= 5:
        raise CoachingError(_("A rating goes from 1 to 5."))
    if session is not None and (session.participant_id != membership.pk or session.ended_at):
        raise CoachingError(_("This session has ended."))
    if queue_item.status != QueueStatus.OPEN:
        raise CoachingError(_("This item is no longer in the inbox."))
    if not InboxEntry.objects.filter(membership=membership, queue_item=queue_item).exists():
        raise CoachingError(_("This item is not in your inbox."))

    values = {
        "verdict": verdict,
        "content_for": content_for,
        "rating": rating,
        "note": note.strip(),
        "decided_at": moment,
    }
    if session is not None:
        values["session"] = session
    lookup = {"membership": membership, "queue_item": queue_item}
    triage = Triage.objects.select_for_update().filter(**lookup).first()
    created = False
    if triage is None:
        try:
            with transaction.atomic():
                triage = Triage.objects.create(
                    **lookup, organisation_id=queue_item.organisation_id, **values
                )
            created = True
        except IntegrityError:  # a second tab decided at the same moment
            triage = Triage.objects.select_for_update().get(**lookup)
    old_verdict, old_rating = (None, None) if created else (triage.verdict, triage.rating)
    if not created:
        for name, value in values.items():
            setattr(triage, name, value)
        triage.save(update_fields=list(values))

    url = queue_item.item.url if queue_item.item_id else ""
    kinds = []
    if old_verdict is None:
        kinds.append(ActivityKind.ITEM_REVIEWED)
    if verdict in SAVING_VERDICTS and old_verdict not in SAVING_VERDICTS:
        kinds.append(ActivityKind.ITEM_SAVED)
    if rating is not None and old_rating is None:
        kinds.append(ActivityKind.ITEM_RATED)
    Activity.objects.bulk_create(
        [
            Activity(membership=membership, kind=kind, url=url[:2000], occurred_at=moment)
            for kind in kinds
        ]
    )
    inbox_mark_read(membership=membership, queue_item=queue_item, now=moment)
    return triage
