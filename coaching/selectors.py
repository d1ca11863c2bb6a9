"""Reads of the coaching app."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from onboarding.access import org_view
from onboarding.models import Membership, Organisation

__all__ = ["org_view", "participants_of", "adoption_summary", "AdoptionSummary"]


def participants_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .participants()
        .filter(organisation=organisation)
        .select_related("user", "department", "invited_by__user")
        .order_by("user__first_name", "user__email")
    )


@dataclass(frozen=True)
class AdoptionSummary:
    participants: int
    departments: int


def adoption_summary(organisation: Organisation) -> AdoptionSummary:
    return AdoptionSummary(
        participants=participants_of(organisation).count(),
        departments=organisation.departments.count(),
    )
