"""Reads of reactions and coach feedback.

A reaction is visible to the participant who wrote it and to the coaches of their
organisation; anybody else gets a 404. List pages read a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator

from coaching.models import Milestone, MilestoneKind, Reaction, ReactionRevision, ReactionStatus
from onboarding.models import Membership, Organisation, Policy, Role
from onboarding.policy_templates import blocks

__all__ = [
    "PolicyTips",
    "coach_memberships_of",
    "feedback_queue_for",
    "is_first_reaction",
    "policy_tips",
    "reaction_for",
    "reactions_of",
]


def _coach_organisation_ids(memberships: Iterable[Membership]) -> set[int]:
    return {m.organisation_id for m in memberships if m.role == Role.COACH and m.is_active}


def reaction_for(memberships: Sequence[Membership], pk: int) -> Reaction:
    """Reaction ``pk`` as seen by someone holding ``memberships`` in one organisation.

    Visible to the participant who wrote it and to coaches of the participant's organisation;
    Http404 for everybody else (another participant, a manager, a coach elsewhere).
    """
    if not memberships:
        raise Http404
    organisation_id = memberships[0].organisation_id
    own = [m.pk for m in memberships]
    visible = Q(membership_id__in=own)
    if organisation_id in _coach_organisation_ids(memberships):
        visible |= Q(membership__role=Role.PARTICIPANT)
    return get_object_or_404(
        Reaction.objects.filter(visible, membership__organisation_id=organisation_id)
        .select_related("membership__user", "membership__organisation", "queue_item__item__source")
        .prefetch_related(
            "revisions",
            "feedback__coach__user",
        ),
        pk=pk,
    )


def reactions_of(membership: Membership) -> list[Reaction]:
    """The participant's own reactions, newest first, each with its latest text."""
    reactions = list(
        Reaction.objects.filter(membership=membership)
        .select_related("queue_item__item")
        .order_by("-updated_at")
    )
    _attach_latest_revisions(reactions)
    return reactions


def _attach_latest_revisions(reactions: list[Reaction]) -> None:
    """Set ``latest_revision`` (or None) on each reaction, in one query."""
    latest_number = (
        ReactionRevision.objects.filter(reaction_id=OuterRef("reaction_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    latest = {
        rev.reaction_id: rev
        for rev in ReactionRevision.objects.filter(
            reaction_id__in=[r.pk for r in reactions], number=Subquery(latest_number)
        )
    }
    for reaction in reactions:
        reaction.latest_revision = latest.get(reaction.pk)


def feedback_queue_for(memberships: Iterable[Membership]) -> list[Reaction]:
    """Drafts waiting for feedback in every organisation where the user is a coach, oldest
    request first. Constant queries: the reactions, then their latest revisions."""
    organisation_ids = _coach_organisation_ids(memberships)
    reactions = list(
        Reaction.objects.filter(
            status=ReactionStatus.AWAITING_FEEDBACK,
            membership__organisation_id__in=organisation_ids,
            membership__role=Role.PARTICIPANT,
        )
        .select_related("membership__user", "membership__organisation", "queue_item__item")
        .order_by("updated_at")
    )
    if reactions:
        _attach_latest_revisions(reactions)
    return reactions


def coach_memberships_of(user_id: int) -> list[Membership]:
    """Every active coach membership of a user, across organisations."""
    return list(
        Membership.objects.active()
        .filter(user_id=user_id, role=Role.COACH)
        .select_related("organisation")
    )


@dataclass(frozen=True)
class PolicyTips:
    tips: list[str]
    url: str | None
    title: str


def policy_tips(organisation: Organisation, *, limit: int = 4) -> PolicyTips | None:
    """The current published policy as a few short tips: the first point of each section
    (or the first sentences when it has no lists), and a link to the whole text when the
    policy page exists."""
    policy = (
        Policy.objects.filter(organisation=organisation, published_at__isnull=False)
        .order_by("-published_at", "-version")
        .first()
    )
    if policy is None:
        return None
    parsed = blocks(policy.body)
    tips = [b.items[0] for b in parsed if b.kind == "list" and b.items]
    if not tips:
        tips = [b.text for b in parsed if b.kind == "paragraph" and b.text]
    tips = [Truncator(t).words(24) for t in tips[:limit]]
    try:
        url: str | None = reverse("policy", kwargs={"org": organisation.slug})
    except NoReverseMatch:
        url = None
    return PolicyTips(tips=tips, url=url, title=policy.title)


def is_first_reaction(reaction: Reaction) -> bool:
    """Whether this posted reaction is the one that reached the first-reaction milestone."""
    milestone = Milestone.objects.filter(
        membership_id=reaction.membership_id, kind=MilestoneKind.FIRST_REACTION
    ).first()
    return (
        milestone is not None
        and bool(reaction.posted_url)
        and (milestone.url == reaction.posted_url)
    )
