"""Shared by the kinds that bring in social posts (X searches, Mastodon hashtags).

A post has no title: the first words of its text stand in for one. Its id is the sha256 of a
stable address, so it is stored once per source however often it is fetched.
"""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, datetime, timedelta

from monitoring.sanitise import clean_html, clean_text

TITLE_LENGTH = 120
AUTHOR_MAX = 200
EARLIEST_DATE = datetime(2006, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
# A poll follows at most this many pages of results: enough to catch up after a quiet night,
# bounded so one busy search cannot use up an API quota (or a worker) in one go.
MAX_PAGES = 3


def external_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def title_from_text(text: str) -> str:
    """The first ~120 characters of the post's text, cut on a word boundary."""
    return clean_text(text, max_length=TITLE_LENGTH)


def text_to_html(text: str) -> str:
    """Plain text (a tweet) as sanitised HTML: escaped, with its line breaks kept."""
    escaped = html.escape(text or "")
    paragraphs = [p.replace("\n", "<br>") for p in escaped.split("\n\n") if p.strip()]
    return clean_html("".join(f"<p>{p}</p>" for p in paragraphs))


def parse_timestamp(value: object, *, now: datetime) -> datetime | None:
    """An ISO 8601 timestamp as UTC; None when missing, unparseable or before 2006; a date
    more than a day ahead of ``now`` (a wrong clock) becomes ``now``."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    if when < EARLIEST_DATE:
        return None
    if when > now + FUTURE_TOLERANCE:
        return now
    return when


def newest_id(ids: list[str], current: str = "") -> str:
    """The newest of numeric, time-ordered ids (X and Mastodon ids), compared as numbers."""
    numeric = [int(i) for i in [*ids, current] if i and str(i).isdigit()]
    return str(max(numeric)) if numeric else current
