"""Reads of an organisation's participants, for coaches and admins.

Each read is scoped to the acting organisation; the overview reads a fixed number of queries,
however many participants there are.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from coaching.models import Activity, Milestone, Reaction, ReactionStatus, Triage
from coaching.records import FINAL_STATUSES
from monitoring.models import InboxEntry, QueueStatus
from onboarding.models import Membership, Organisation

__all__ = ["participant_for", "participants_of", "participants_overview"]


def participants_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .participants()
        .filter(organisation=organisation)
        .select_related("user", "department", "invited_by__user")
        .order_by("user__first_name", "user__email")
    )


def participant_for(organisation: Organisation, pk: int) -> Membership:
    """The organisation's active participant membership ``pk``; Http404 for anybody else."""
    return get_object_or_404(participants_of(organisation), pk=pk)


def participants_overview(organisation: Organisation) -> list[Membership]:
    """The organisation's participants with what a coach needs at a glance, in 6 queries.

    Each membership gets ``inbox_count`` (open items not decided on yet), ``triaged_count``,
    ``posted_count``, ``drafts_count`` (reactions in progress), ``last_activity_at`` and
    ``milestone_list`` (achieved milestones, oldest first). Each figure is one grouped query
    over all participants, not a query (or a correlated subquery) per participant.
    """
    members = list(participants_of(organisation))
    ids = [m.pk for m in members]
    inbox = dict(
        InboxEntry.objects.filter(membership_id__in=ids, queue_item__status=QueueStatus.OPEN)
        .exclude(
            Exists(
                Triage.objects.filter(
                    queue_item_id=OuterRef("queue_item_id"),
                    membership_id=OuterRef("membership_id"),
                )
            )
        )
        .order_by()
        .values("membership_id")
        .annotate(n=Count("*"))
        .values_list("membership_id", "n")
    )
    triaged = {
        row["membership_id"]: row
        for row in Triage.objects.filter(membership_id__in=ids)
        .order_by()
        .values("membership_id")
        .annotate(n=Count("*"), last=Max("decided_at"))
    }
    reactions: dict[int, dict[str, int]] = defaultdict(dict)
    for membership_id, status, n in (
        Reaction.objects.filter(membership_id__in=ids)
        .order_by()
        .values("membership_id", "status")
        .annotate(n=Count("*"))
        .values_list("membership_id", "status", "n")
    ):
        reactions[membership_id][status] = n
    last_activity = dict(
        Activity.objects.filter(membership_id__in=ids)
        .order_by()
        .values("membership_id")
        .annotate(last=Max("occurred_at"))
        .values_list("membership_id", "last")
    )
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(membership_id__in=ids).order_by("achieved_at"):
        milestones[milestone.membership_id].append(milestone)
    for member in members:
        counts = reactions.get(member.pk, {})
        decided = triaged.get(member.pk, {})
        member.inbox_count = inbox.get(member.pk, 0)
        member.triaged_count = decided.get("n", 0)
        member.posted_count = counts.get(ReactionStatus.POSTED, 0)
        member.drafts_count = sum(n for st, n in counts.items() if st not in FINAL_STATUSES)
        moments = [t for t in (last_activity.get(member.pk), decided.get("last")) if t]
        member.last_activity_at = max(moments) if moments else None
        member.milestone_list = milestones.get(member.pk, [])
    return members
