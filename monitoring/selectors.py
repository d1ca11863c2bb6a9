"""Reads of the monitoring app, always scoped to one organisation."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet
from django.shortcuts import get_object_or_404

from monitoring.models import Item, QueueItem, SourceKind, Subscription
from monitoring.opml import OpmlOutline, build_opml
from onboarding.models import Organisation


def subscriptions_of(organisation: Organisation) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(organisation=organisation)
        .select_related("source", "topic")
        .order_by(F("paused_at").asc(nulls_first=True), "title", "source__url")
    )


def subscription_for(organisation: Organisation, pk: int) -> Subscription:
    """The organisation's subscription ``pk``; Http404 for anybody else's."""
    return get_object_or_404(
        Subscription.objects.select_related("source", "topic"), organisation=organisation, pk=pk
    )


def recent_queue_items(organisation: Organisation, *, limit: int = 50) -> QuerySet[QueueItem]:
    return (
        QueueItem.objects.open()
        .filter(organisation=organisation)
        .select_related("item__source")
        .prefetch_related("matches__topic")
        .annotate(recipients=Count("entries", distinct=True))
        .order_by("-created_at")[:limit]
    )


def opml_export(organisation: Organisation) -> bytes:
    outlines = [
        OpmlOutline(
            title=s.display_title,
            xml_url=s.source.url,
            html_url=s.source.site_url or None,
            category=s.topic.name if s.topic else "",
        )
        for s in subscriptions_of(organisation).filter(
            source__kind__in=["feed", "google_alert", "news_search"]
        )
    ]
    return build_opml(f"{organisation.name} — Springplank", outlines)


def subscription_following(
    organisation: Organisation, *, url: str, kind: str = SourceKind.FEED
) -> Subscription | None:
    """The organisation's subscription to the source of ``url``, if it follows it already.

    ``url`` is a cleaned URL (``services.clean_source_url``)."""
    # Imported here, not at the top: services may well read through this module.
    from monitoring.services import source_key

    return (
        Subscription.objects.filter(
            organisation=organisation, source__kind=kind, source__key=source_key(kind, url)
        )
        .select_related("source")
        .first()
    )


def recent_items_of(subscription: Subscription, *, limit: int = 20) -> list[Item]:
    """The newest items the subscription's source brought in, newest first."""
    return list(
        Item.objects.filter(source_id=subscription.source_id)
        .only("pk", "source_id", "external_id", "url", "canonical_url", "title", "published_at")
        .order_by("-fetched_at", "-published_at", "-pk")[:limit]
    )


def queue_items_by_item(organisation: Organisation, items: list[Item]) -> dict[int, QueueItem]:
    """For each of ``items`` that is in the organisation's queue (whatever its status), the
    queue item with its matches (topic and terms). A story reached through another source first
    is found too: queue items are keyed by the story, not by the item that brought it."""
    # Imported here, not at the top: the pipeline may well read through this module.
    from monitoring.pipeline import story_key

    item_ids_by_key: dict[str, list[int]] = {}
    for item in items:
        item_ids_by_key.setdefault(story_key(item), []).append(item.pk)
    if not item_ids_by_key:
        return {}
    found = (
        QueueItem.objects.filter(organisation=organisation, url_key__in=list(item_ids_by_key))
        .prefetch_related("matches__topic")
        .annotate(recipients=Count("entries", distinct=True))
    )
    return {item_id: q for q in found for item_id in item_ids_by_key[q.url_key]}
