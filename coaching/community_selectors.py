"""Reads of communities and of what participants logged doing online.

Every read is scoped to the acting organisation or participant membership: a community of
another organisation, or another person's logged action, is a 404. List pages read a fixed
number of queries, however many rows there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coaching.models import (
    Activity,
    ActivityKind,
    Community,
    CommunityMembership,
    Milestone,
    MilestoneKind,
)
from coaching.participant_selectors import participants_of
from onboarding.models import Membership, Organisation, Topic

__all__ = [
    "CELEBRATED_MILESTONES",
    "LOGGED_KINDS",
    "VISIT_NUDGE_DAYS",
    "MyCommunities",
    "MyCommunity",
    "SuggestionTarget",
    "communities_of",
    "community_for",
    "local_day_start",
    "logged_action_for",
    "logged_actions_of",
    "milestone_for",
    "my_communities",
    "suggestion_targets",
]

# What a participant can log having done online, in the order the form offers them.
LOGGED_KINDS: tuple[str, ...] = (
    ActivityKind.DISCUSSION_REPLIED,
    ActivityKind.DISCUSSION_STARTED,
    ActivityKind.NEWS_SHARED,
    ActivityKind.STATUS_UPDATE,
    ActivityKind.BLOG_PUBLISHED,
    ActivityKind.NEWSLETTER_CONTRIBUTED,
)
# Milestones of this part of the method, each celebrated on its own page.
CELEBRATED_MILESTONES: tuple[str, ...] = (
    MilestoneKind.FIRST_COMMUNITY,
    MilestoneKind.FIRST_REPLY,
    MilestoneKind.FIRST_DISCUSSION,
    MilestoneKind.FIRST_OWN_CONTENT,
)
# A joined community not looked at for this long gets a gentle reminder.
VISIT_NUDGE_DAYS = 14
RECENT_ACTIONS = 50

_TOPICS_BY_NAME = Prefetch("topics", queryset=Topic.objects.order_by("name"))


def local_day_start(moment: dt.datetime) -> dt.datetime:
    """Midnight of ``moment``'s day in the site's time zone."""
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


# --------------------------------------------------------------------------------------------
# Communities, for coaches and admins


def communities_of(organisation: Organisation) -> list[Community]:
    """The organisation's communities by name, with their topics (prefetched, by name) and
    ``suggested_count`` / ``joined_count`` of active participants. Two queries."""
    active = Q(members__membership__is_active=True)
    return list(
        Community.objects.filter(organisation=organisation)
        .annotate(
            suggested_count=Count(
                "members", filter=active & Q(members__status=CommunityMembership.Status.SUGGESTED)
            ),
            joined_count=Count(
                "members", filter=active & Q(members__status=CommunityMembership.Status.JOINED)
            ),
        )
        .prefetch_related(_TOPICS_BY_NAME)
        .order_by("name", "pk")
    )


def community_for(organisation: Organisation, pk: int) -> Community:
    """The organisation's community ``pk``; Http404 for any other."""
    return get_object_or_404(
        Community.objects.filter(organisation=organisation).prefetch_related(_TOPICS_BY_NAME),
        pk=pk,
    )


@dataclass(frozen=True)
class SuggestionTarget:
    """A participant a community can be suggested to, and where they stand with it now
    (suggested, joined, left, or "" when it was never suggested)."""

    membership: Membership
    status: str

    @property
    def status_label(self) -> str:
        return CommunityMembership.Status(self.status).label if self.status else ""


def suggestion_targets(community: Community) -> list[SuggestionTarget]:
    """The organisation's active participants by name, each with their standing in
    ``community``. Two queries."""
    members = list(participants_of(community.organisation))
    statuses = dict(
        CommunityMembership.objects.filter(community=community).values_list(
            "membership_id", "status"
        )
    )
    return [SuggestionTarget(m, statuses.get(m.pk, "")) for m in members]


# --------------------------------------------------------------------------------------------
# Communities, for the participant


@dataclass(frozen=True)
class MyCommunity:
    community: Community
    standing: CommunityMembership | None
    needs_visit: bool = False
    visited_today: bool = False

    @property
    def status(self) -> str:
        return self.standing.status if self.standing else ""


@dataclass(frozen=True)
class MyCommunities:
    """A participant's communities: suggested to them, joined, and the organisation's other
    ones (never suggested, or left), each list by name."""

    suggested: list[MyCommunity]
    joined: list[MyCommunity]
    others: list[MyCommunity]

    @property
    def nudges(self) -> list[MyCommunity]:
        """Joined communities not visited (nor joined) in the last ``VISIT_NUDGE_DAYS``."""
        return [c for c in self.joined if c.needs_visit]


def my_communities(membership: Membership, *, now: dt.datetime | None = None) -> MyCommunities:
    """Everything the participant's communities page shows, in three queries."""
    now = now or timezone.now()
    today = local_day_start(now)
    quiet_since = now - dt.timedelta(days=VISIT_NUDGE_DAYS)
    communities = list(
        Community.objects.filter(organisation_id=membership.organisation_id)
        .prefetch_related(_TOPICS_BY_NAME)
        .order_by("name", "pk")
    )
    standings = {
        s.community_id: s
        for s in CommunityMembership.objects.filter(
            membership=membership, community__in=[c.pk for c in communities]
        ).select_related("suggested_by__user")
    }
    suggested, joined, others = [], [], []
    for community in communities:
        standing = standings.get(community.pk)
        status = standing.status if standing else ""
        if status == CommunityMembership.Status.SUGGESTED:
            suggested.append(MyCommunity(community, standing))
        elif status == CommunityMembership.Status.JOINED:
            assert standing is not None
            seen = standing.last_visit_at or standing.joined_at
            joined.append(
                MyCommunity(
                    community,
                    standing,
                    needs_visit=seen is None or seen <= quiet_since,
                    visited_today=bool(standing.last_visit_at and standing.last_visit_at >= today),
                )
            )
        else:
            others.append(MyCommunity(community, standing))
    return MyCommunities(suggested=suggested, joined=joined, others=others)


# --------------------------------------------------------------------------------------------
# Logged actions and milestones


def logged_actions_of(membership: Membership, *, limit: int = RECENT_ACTIONS) -> list[Activity]:
    """The participant's own logged actions, newest first, at most ``limit``. One query."""
    return list(
        Activity.objects.filter(membership=membership, kind__in=LOGGED_KINDS).order_by(
            "-occurred_at", "-pk"
        )[:limit]
    )


def logged_action_for(membership: Membership, pk: int) -> Activity:
    """The participant's own logged action ``pk``; Http404 for anybody else's, and for
    activities recorded by the app itself (a posted reaction, a joined community)."""
    return get_object_or_404(
        Activity.objects.filter(membership=membership, kind__in=LOGGED_KINDS), pk=pk
    )


def milestone_for(membership: Membership, kind: str) -> Milestone:
    """The participant's milestone of ``kind`` among the celebrated ones; Http404 when it is
    not reached (yet) or not one of them."""
    if kind not in CELEBRATED_MILESTONES:
        raise Http404
    return get_object_or_404(Milestone, membership=membership, kind=kind)
