"""Reads of review sessions, for the coach who led them and the participant who attended."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from coaching.models import CoachingSession
from onboarding.models import Membership

__all__ = ["session_for", "sessions_for"]


def session_for(memberships: Sequence[Membership], pk: int) -> CoachingSession:
    """Session ``pk`` for its coach or its participant; Http404 for anybody else."""
    own = [m.pk for m in memberships]
    return get_object_or_404(
        CoachingSession.objects.filter(Q(coach_id__in=own) | Q(participant_id__in=own))
        .select_related("coach__user", "participant__user", "participant__organisation")
        .prefetch_related("triages__queue_item__item"),
        pk=pk,
    )


def sessions_for(memberships: Sequence[Membership]) -> QuerySet[CoachingSession]:
    """Sessions the user led or attended in this organisation, newest first, each with the
    number of decisions made in it."""
    own = [m.pk for m in memberships]
    return (
        CoachingSession.objects.filter(Q(coach_id__in=own) | Q(participant_id__in=own))
        .select_related("coach__user", "participant__user")
        .annotate(decisions=Count("triages"))
        .order_by("-started_at")
    )
