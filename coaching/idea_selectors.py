"""Reads of the organisation's content ideas: items decided on as blog or newsletter input."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from coaching.models import Triage, Verdict
from monitoring.models import QueueMatch
from onboarding.models import Organisation

__all__ = ["IdeaFilters", "content_ideas_for"]


@dataclass(frozen=True)
class IdeaFilters:
    content_for: str = ""
    topic: int | None = None


def content_ideas_for(organisation: Organisation, filters: IdeaFilters) -> QuerySet[Triage]:
    """The organisation's content ideas (items decided on as blog or newsletter input), newest
    first, with the item, who had the idea, and the topics it matched (prefetched)."""
    ideas = (
        Triage.objects.filter(organisation=organisation, verdict=Verdict.CONTENT_IDEA)
        .select_related("membership__user", "queue_item__item__source")
        .prefetch_related("queue_item__matches__topic")
        .order_by("-decided_at", "-pk")
    )
    if filters.content_for:
        ideas = ideas.filter(content_for=filters.content_for)
    if filters.topic:
        ideas = ideas.filter(
            Exists(
                QueueMatch.objects.filter(
                    queue_item_id=OuterRef("queue_item_id"), topic_id=filters.topic
                )
            )
        )
    return ideas
