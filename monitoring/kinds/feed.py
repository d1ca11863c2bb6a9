"""Feeds: RSS, Atom, RDF and JSON Feed, including Google Alerts and news search feeds."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from monitoring.discovery import find_feed_links, looks_like_html
from monitoring.http import FetchPolicy, fetch
from monitoring.kinds import FeedDiscovered, PollError, PollResult, register
from monitoring.models import Source, SourceKind
from monitoring.parsing import FeedParseError, parse_feed


@register(SourceKind.FEED, SourceKind.GOOGLE_ALERT, SourceKind.NEWS_SEARCH)
def poll_feed(source: Source, *, policy: FetchPolicy | None = None, now: datetime) -> PollResult:
    """Conditional GET of the feed; a 304 costs one round trip and no parsing."""
    result = fetch(
        source.url,
        etag=source.etag or None,
        last_modified=source.last_modified or None,
        policy=policy,
    )
    if result.not_modified:
        return PollResult(
            not_modified=True,
            etag=result.etag or source.etag,
            last_modified=result.last_modified or source.last_modified,
            interval_hints=[result.max_age],
            status="not_modified",
        )
    try:
        parsed = parse_feed(
            result.content,
            base_url=result.url,
            now=now,
            content_type=result.headers.get("Content-Type"),
            max_entries=settings.SPRINGPLANK_MAX_ENTRIES_PER_POLL,
        )
    except FeedParseError as exc:
        content_type = result.headers.get("Content-Type")
        if looks_like_html(result.content, content_type):
            links = find_feed_links(result.content, base_url=result.url)
            if links and links[0] != source.url:
                raise FeedDiscovered(links[0]) from exc
            raise PollError(
                "not_a_feed",
                _("This is a web page without a feed link. Look for an RSS or Atom link on it."),
            ) from exc
        raise PollError("not_a_feed", str(exc)) from exc
    return PollResult(
        entries=list(parsed.entries),
        etag=result.etag or "",
        last_modified=result.last_modified or "",
        title=parsed.title or None,
        site_url=parsed.link or None,
        interval_hints=[result.max_age, parsed.ttl_minutes * 60 if parsed.ttl_minutes else None],
    )
