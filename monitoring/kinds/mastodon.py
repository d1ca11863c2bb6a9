"""Mastodon hashtags: the public tag timeline of one instance.

``GET https://{instance}/api/v1/timelines/tag/{tag}?limit=40&since_id=…`` through
monitoring/http.py. No credentials: most instances show tag timelines publicly; one that does
not says so with 401/403/422, reported as such. The source's address is the tag's page on the
instance (``https://mastodon.social/tags/zorg``); the instance may be given with a scheme and
port (``http://127.0.0.1:8080``), which is how tests and private instances use it.

Per poll: at most ``MAX_PAGES`` pages of 40, newest first, following the ``Link: <…>;
rel="next"`` header only to the same instance and only while the page was full and older than
the cursor. The cursor is the newest status id seen (``Source.cursor``). A 429 backs the source
off until ``X-RateLimit-Reset``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from monitoring.http import FetchError, FetchPolicy, HTTPStatusError, fetch_json, parse_retry_after
from monitoring.kinds import PollError, PollResult, register
from monitoring.kinds.posts import (
    AUTHOR_MAX,
    MAX_PAGES,
    external_id,
    newest_id,
    parse_timestamp,
    title_from_text,
)
from monitoring.models import Source, SourceKind
from monitoring.parsing import ParsedEntry
from monitoring.sanitise import clean_html, clean_text, safe_url

PAGE_SIZE = 40
DEFAULT_RATE_LIMIT_WAIT = 5 * 60
MAX_TAG_LENGTH = 100

# Mastodon hashtags: letters, digits, underscores (and the middle dot some languages use).
_TAG_RE = re.compile(r"[^\W]+(?:·[^\W]+)*")
_LINK_RE = re.compile(r"<([^>]*)>\s*;([^,]*)")


# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------


def instance_base_url(instance: str) -> str:
    """``mastodon.social`` or ``https://mastodon.social/about`` → ``https://mastodon.social``.

    Raises ValueError for something that is not a host name or an http(s) address.
    """
    value = (instance or "").strip().rstrip("/")
    if value.startswith("@") or "@" in value.split("//")[-1].split("/")[0]:
        raise ValueError(_("Enter the instance's address, such as mastodon.social."))
    if "://" not in value:
        value = "https://" + value
    cleaned = safe_url(value)
    if not cleaned:
        raise ValueError(_("Enter the instance's address, such as mastodon.social."))
    parts = urlsplit(cleaned)
    if not parts.hostname or "." not in parts.hostname and ":" not in parts.netloc:
        raise ValueError(_("Enter the instance's address, such as mastodon.social."))
    return urlunsplit((parts.scheme, parts.netloc.lower(), "", "", ""))


def normalise_tag(tag: str) -> str:
    """``#SocialMedia`` → ``socialmedia``: Mastodon compares hashtags without case.

    Raises ValueError for something that cannot be a hashtag.
    """
    value = (tag or "").strip().lstrip("#").strip()
    if not value or len(value) > MAX_TAG_LENGTH or not _TAG_RE.fullmatch(value):
        raise ValueError(
            _("A hashtag is one word of letters, digits or underscores, such as socialmedia.")
        )
    return value.lower()


def tag_page_url(instance: str, tag: str) -> str:
    """The tag's page on the instance: the source's address. Raises ValueError (see above)."""
    return f"{instance_base_url(instance)}/tags/{quote(normalise_tag(tag), safe='')}"


def instance_and_tag(source: Source) -> tuple[str, str]:
    """The instance's base URL and the hashtag of a source, from its address."""
    parts = urlsplit(source.url)
    match = re.fullmatch(r"/tags/([^/]+)/?", parts.path or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or match is None:
        raise PollError(
            "bad_source",
            _("This is not the address of a hashtag on a Mastodon instance."),
        )
    return f"{parts.scheme}://{parts.netloc}", unquote(match.group(1))


# --------------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------------


@register(SourceKind.MASTODON_TAG)
def poll_mastodon_tag(
    source: Source, *, policy: FetchPolicy | None = None, now: datetime
) -> PollResult:
    """Fetch the tag's statuses newer than the cursor. Raises PollError (bad_source,
    rate_limited, not_found, not_public, unknown_instance, bad_response); the cursor only
    moves when the whole poll succeeded."""
    base, tag = instance_and_tag(source)
    host = urlsplit(base).hostname or base
    cursor = source.cursor
    params: dict[str, Any] = {"limit": PAGE_SIZE}
    if cursor:
        params["since_id"] = cursor
    url = f"{base}/api/v1/timelines/tag/{quote(tag, safe='')}?{urlencode(params)}"

    statuses: list[dict[str, Any]] = []
    for _page in range(MAX_PAGES):
        page, link = _fetch_page(url, host=host, tag=tag, policy=policy, now=now)
        fresh = [s for s in page if _is_newer(s.get("id"), cursor)]
        statuses.extend(fresh)
        if not link or len(page) < PAGE_SIZE or len(fresh) < len(page):
            break
        url = _next_url(link, base=base, cursor=cursor)
        if url is None:
            break

    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for status in statuses:
        entry = _entry(status, host=host, now=now)
        if entry is not None and entry.external_id not in seen:
            seen.add(entry.external_id)
            entries.append(entry)
    # Ids are time-ordered numbers on Mastodon; other servers list the newest first.
    ids = [str(s["id"]) for s in statuses]
    newest = (newest_id(ids) or ids[0]) if ids else None
    return PollResult(entries=entries, cursor=newest)


def _fetch_page(
    url: str, *, host: str, tag: str, policy: FetchPolicy | None, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    try:
        data, result = fetch_json(url, policy=policy)
    except HTTPStatusError as exc:
        raise _status_error(exc, host=host, tag=tag, now=now) from exc
    except FetchError as exc:
        if exc.code == "bad_json":
            raise PollError(
                "bad_response",
                _("%(host)s answered with something that is not JSON.") % {"host": host},
            ) from None
        if exc.code == "dns":
            raise PollError(
                "unknown_instance",
                _("No server answers at %(host)s: check the Mastodon instance's address.")
                % {"host": host},
            ) from exc
        raise
    if not isinstance(data, list):
        raise PollError(
            "bad_response",
            _("%(host)s answered with JSON that is not a list of posts.") % {"host": host},
        )
    page = [s for s in data if isinstance(s, dict) and isinstance(s.get("id"), str | int)]
    return page, _link_next(result.headers.get("Link"))


def _status_error(exc: HTTPStatusError, *, host: str, tag: str, now: datetime) -> Exception:
    if exc.status == 429:
        wait = _seconds_until(exc.headers.get("X-RateLimit-Reset"), now)
        if wait is None:
            wait = exc.retry_after if exc.retry_after is not None else DEFAULT_RATE_LIMIT_WAIT
        return PollError(
            "rate_limited",
            _("%(host)s's rate limit is used up; this hashtag waits %(seconds)d seconds.")
            % {"host": host, "seconds": wait},
            retry_after=max(wait, 1),
        )
    if exc.status in (404, 410):
        return PollError(
            "not_found",
            _(
                "%(host)s has no hashtag timeline for #%(tag)s (HTTP %(status)d): check the "
                "instance's address and the hashtag."
            )
            % {"host": host, "tag": tag, "status": exc.status},
        )
    if exc.status in (401, 403, 422):
        return PollError(
            "not_public",
            _(
                "%(host)s shows hashtag timelines only to logged-in users (HTTP %(status)d); "
                "choose another instance."
            )
            % {"host": host, "status": exc.status},
        )
    return exc


def _seconds_until(value: str | None, now: datetime) -> int | None:
    """Seconds from ``now`` until an ISO 8601 time (Mastodon) or an HTTP date."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return parse_retry_after(value, now=now)
    if when.tzinfo is None:
        return None
    seconds = int((when - now).total_seconds()) + 1
    return max(1, min(seconds, 24 * 3600))


def _link_next(header: str | None) -> str | None:
    for target, params in _LINK_RE.findall(header or ""):
        if re.search(r"""rel\s*=\s*"?next"?""", params):
            return target.strip()
    return None


def _next_url(link: str, *, base: str, cursor: str) -> str | None:
    """The next page's address, only on the same instance, still bounded by the cursor."""
    target = safe_url(link, base_url=base + "/")
    if target is None:
        return None
    parts = urlsplit(target)
    if f"{parts.scheme}://{parts.netloc}".lower() != base.lower():
        return None
    query = dict(parse_qsl(parts.query))
    if cursor and "since_id" not in query and "min_id" not in query:
        query["since_id"] = cursor
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _is_newer(status_id: Any, cursor: str) -> bool:
    """Whether a status is newer than the cursor (always, when the ids are not numbers: the
    instance applied since_id itself)."""
    value = str(status_id)
    if not cursor or not value.isdigit() or not cursor.isdigit():
        return True
    return int(value) > int(cursor)


def _entry(status: dict[str, Any], *, host: str, now: datetime) -> ParsedEntry | None:
    uri = status.get("uri")
    url = safe_url(status.get("url")) or safe_url(uri)
    if not isinstance(uri, str) or not uri or url is None:
        return None
    content = status.get("content") if isinstance(status.get("content"), str) else ""
    spoiler = status.get("spoiler_text") if isinstance(status.get("spoiler_text"), str) else ""
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    acct = account.get("acct") if isinstance(account.get("acct"), str) else ""
    if acct and "@" not in acct:
        acct = f"{acct}@{host}"  # local accounts are named without their instance
    title = title_from_text(content) or title_from_text(spoiler)
    return ParsedEntry(
        external_id=external_id(uri),
        url=url,
        title=title,
        summary_html=clean_html(content, base_url=url),
        author=clean_text(f"@{acct}" if acct else "", max_length=AUTHOR_MAX),
        published_at=parse_timestamp(status.get("created_at"), now=now),
    )
