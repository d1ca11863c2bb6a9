"""One poll of one source: fetch → parse → store → match → queue → schedule.

``source_poll`` is what the ``poll_source`` task runs. It is safe to run twice, even at the
same time: items are unique per (source, external id), queue items per (organisation,
canonical URL), matches and inbox entries per their pair; every insert ignores conflicts.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from monitoring import kinds, poll_queries
from monitoring.bulk import insert_ignore
from monitoring.canonical import canonical_url, unwrap_redirect
from monitoring.durability import relax_commits
from monitoring.http import FetchError, FetchPolicy, HTTPStatusError
from monitoring.kinds import FeedDiscovered, PollError, PollResult
from monitoring.matching import monitoring_state
from monitoring.models import (
    InboxEntry,
    Item,
    QueueItem,
    QueueMatch,
    QueueStatus,
    Source,
    Subscription,
)
from monitoring.parsing import ParsedEntry
from monitoring.scheduling import PollBounds, backoff_after_error, interval_after_success
from onboarding.keywords import Document

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollOutcome:
    source_id: int
    status: str
    new_items: int = 0
    queued: int = 0
    error: str = ""


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def source_poll(
    *, source_id: int, now: datetime | None = None, policy: FetchPolicy | None = None
) -> PollOutcome:
    """Poll the source once and record the outcome on it.

    A source deleted meanwhile is a quiet no-op. Network and parse failures are recorded on the
    source (status, message, error count) and back it off; they are not raised.
    """
    now = now or timezone.now()
    source = poll_queries.source_for_poll(source_id)
    if source is None:
        return PollOutcome(source_id, "gone")
    try:
        try:
            result = kinds.poll(source, policy=policy, now=now)
        except FeedDiscovered as found:
            source = _follow_discovered_feed(source, found.feed_url)
            result = kinds.poll(source, policy=policy, now=now)
    except FeedDiscovered:
        return _record_failure(
            source, now, "not_a_feed", "The announced feed is a web page again.", None
        )
    except HTTPStatusError as exc:
        return _record_failure(source, now, f"http_{exc.status}", str(exc), exc.retry_after)
    except FetchError as exc:
        return _record_failure(source, now, exc.code, str(exc), None)
    except PollError as exc:
        return _record_failure(source, now, exc.code, exc.message, exc.retry_after)

    relax_commits()
    if result.not_modified:
        _record_success(source, result, now, [])  # one statement: no transaction needed
        return PollOutcome(source_id, result.status)
    with transaction.atomic():
        new_items = store_entries(source, result.entries, now=now)
        queued = queue_items(source, new_items, now=now) if new_items else 0
        _record_success(source, result, now, new_items)
    return PollOutcome(source_id, result.status, new_items=len(new_items), queued=queued)


def source_poll_timed_out(*, source_id: int, now: datetime | None = None) -> PollOutcome:
    """Record a poll stopped by the task's time limit as a failure (backoff included)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return PollOutcome(source_id, "gone")
    return _record_failure(
        source, now or timezone.now(), "timeout", "The poll took too long and was stopped.", None
    )


def _follow_discovered_feed(source: Source, feed_url: str) -> Source:
    """Point the source at the feed its web page announced (autodiscovery).

    When another source already polls that feed, the subscriptions move over to it (one feed,
    one source) and the page's source is deleted if nothing refers to it any more.
    """
    from monitoring.services import clean_source_url, source_key

    feed_url = clean_source_url(feed_url)
    key = source_key(source.kind, feed_url)
    with transaction.atomic():
        existing = Source.objects.filter(kind=source.kind, key=key).exclude(pk=source.pk).first()
        if existing is None:
            Source.objects.filter(pk=source.pk).update(url=feed_url, key=key)
            source.url, source.key = feed_url, key
            return source
        for subscription in Subscription.objects.filter(source=source):
            if Subscription.objects.filter(
                organisation_id=subscription.organisation_id, source=existing
            ).exists():
                subscription.delete()
            else:
                Subscription.objects.filter(pk=subscription.pk).update(source=existing)
        if not source.items.exists():
            source.delete()
    return existing


def store_entries(source: Source, entries: list[ParsedEntry], *, now: datetime) -> list[Item]:
    """Insert the entries not stored yet; return the items this call inserted (without their
    summaries' second copy: the objects carry what matching needs)."""
    if not entries:
        return []
    rows, by_external_id = [], {}
    for entry in entries:
        url = unwrap_redirect(entry.url)[:2000] if entry.url else ""
        canonical = (canonical_url(url) if url else "")[:2000]
        item = Item(
            source=source,
            external_id=entry.external_id,
            url=url,
            canonical_url=canonical,
            title=entry.title,
            summary=entry.summary_html,
            author=entry.author,
            published_at=entry.published_at,
            fetched_at=now,
        )
        by_external_id[entry.external_id] = item
        rows.append(
            (
                source.pk,
                entry.external_id,
                url,
                canonical,
                entry.title,
                entry.summary_html,
                entry.author,
                entry.published_at,
                now,
            )
        )
    inserted = insert_ignore(
        Item,
        [
            "source",
            "external_id",
            "url",
            "canonical_url",
            "title",
            "summary",
            "author",
            "published_at",
            "fetched_at",
        ],
        rows,
        returning=["id", "external_id"],
    )
    if connection.vendor != "postgresql":
        # Without RETURNING, the rows written by this call are the ones stamped with ``now``.
        inserted = Item.objects.filter(
            source=source, external_id__in=list(by_external_id), fetched_at=now
        ).values_list("id", "external_id")
    new_items = []
    for pk, external_id in inserted:
        item = by_external_id[external_id]
        item.pk = pk
        new_items.append(item)
    return new_items


def queue_items(source: Source, items: list[Item], *, now: datetime) -> int:
    """Match new items against the subscribing organisations' topics and queue what is kept.

    Returns the number of (organisation, item) pairs queued, counting a story already in an
    organisation's queue (reached through another source) as queued again: it gains the new
    topics and routes but stays one queue item.
    """
    subscriptions = poll_queries.active_subscriptions(source.pk)
    if not subscriptions:
        return 0
    org_ids = {org_id for org_id, _, _ in subscriptions}
    matchers, routings = monitoring_state(org_ids)

    # (org_id, item) -> {topic_id: terms}
    kept: list[tuple[int, Item, dict[int, list[str]]]] = []
    for item in items:
        doc = Document(title=item.title, text=item.summary, url=item.canonical_url or item.url)
        for org_id, only_topic, keep_all in subscriptions:
            matcher = matchers.get(org_id)
            if matcher is None:  # monitoring not enabled for this organisation yet
                continue
            hits = matcher.match_document(doc)
            if only_topic is not None:
                hits = {t: terms for t, terms in hits.items() if t == only_topic}
            if hits or keep_all:
                kept.append((org_id, item, hits))
    if not kept:
        return 0

    # Inside the poll's transaction no savepoint is needed: any failure aborts the whole poll.
    with transaction.atomic(savepoint=False):
        keyed = [(org_id, story_key(item), item, hits) for org_id, item, hits in kept]
        # One row per story and organisation, even when two items of this poll are the same
        # story: an upsert may touch each row once per statement.
        queue_rows = list(
            {
                (org_id, key): (org_id, item.pk, key, QueueStatus.OPEN, now)
                for org_id, key, item, _ in reversed(keyed)
            }.values()
        )
        fields = ["organisation", "item", "url_key", "status", "created_at"]
        queue_ids = {
            (org_id, key): pk
            for pk, org_id, key in insert_ignore(
                QueueItem,
                fields,
                queue_rows,
                returning=["id", "organisation", "url_key"],
                return_existing=["organisation", "url_key"],
            )
        }
        if connection.vendor != "postgresql":
            queue_ids = {
                (org_id, key): pk
                for org_id, key, pk in QueueItem.objects.filter(
                    organisation_id__in=org_ids, url_key__in={key for _, key, _, _ in keyed}
                ).values_list("organisation_id", "url_key", "pk")
            }
        matches, entries = [], []
        for org_id, key, _item, hits in keyed:
            queue_id = queue_ids[(org_id, key)]
            for topic_id, terms in hits.items():
                matches.append((queue_id, topic_id, terms))
            routing = routings.get(org_id)
            if routing is not None:
                for membership_id in routing.recipients(hits):
                    entries.append((queue_id, membership_id, now))
        insert_ignore(QueueMatch, ["queue_item", "topic", "terms"], matches)
        insert_ignore(InboxEntry, ["queue_item", "membership", "created_at"], entries)
    return len(kept)


def story_key(item: Item) -> str:
    """One story, one key: its canonical URL, or the item itself when it has no URL."""
    return url_key(item.canonical_url or f"item:{item.source_id}:{item.external_id}")


def _record_success(source: Source, result: PollResult, now: datetime, new: list[Item]) -> None:
    bounds = PollBounds.from_settings()
    interval = interval_after_success(
        current=source.poll_interval,
        new_items=len(new),
        published=[e.published_at for e in result.entries if e.published_at],
        hints=result.interval_hints,
        bounds=bounds,
    )
    updates: dict[str, object] = {
        "last_polled_at": now,
        "last_success_at": now,
        "last_status": result.status,
        "last_error": "",
        "error_count": 0,
        "poll_interval": interval,
        "next_poll_at": now + timedelta(seconds=interval),
        "leased_until": None,
        "etag": (result.etag or "")[:500],
        "last_modified": (result.last_modified or "")[:100],
        "items_seen": source.items_seen + len(new),
    }
    if result.cursor is not None:
        updates["cursor"] = result.cursor[:200]
    if result.title and not source.title:
        updates["title"] = result.title[:300]
    if result.site_url and not source.site_url:
        updates["site_url"] = result.site_url[:2000]
    poll_queries.source_update(source.pk, **updates)


def _record_failure(
    source: Source, now: datetime, code: str, message: str, retry_after: int | None
) -> PollOutcome:
    error_count = source.error_count + 1
    delay = backoff_after_error(
        source_id=source.pk,
        error_count=error_count,
        retry_after=retry_after,
        bounds=PollBounds.from_settings(),
    )
    relax_commits()
    _write_failure(source, now, code, message, error_count, delay)  # one statement
    log.info("poll of source %s failed: %s (%s); next try in %ss", source.pk, code, message, delay)
    return PollOutcome(source.pk, code, error=message)


def _write_failure(
    source: Source, now: datetime, code: str, message: str, error_count: int, delay: int
) -> None:
    poll_queries.source_update(
        source.pk,
        last_polled_at=now,
        last_status=code[:32],
        last_error=message[:2000],
        error_count=error_count,
        next_poll_at=now + timedelta(seconds=delay),
        leased_until=None,
    )
