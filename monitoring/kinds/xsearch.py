"""X (Twitter) searches: a topic's query run against the X API v2 recent search.

Endpoint: ``GET {SPRINGPLANK_X_API_BASE}/2/tweets/search/recent`` with an app-only bearer token
(``SPRINGPLANK_X_BEARER_TOKEN`` or ``SPRINGPLANK_X_BEARER_TOKEN_FILE``, set by an administrator).
v2 is what current X API access levels offer; v1.1 ``search/tweets.json`` is gone for them.

python-twitter is used to parse, not to fetch: its ``Api`` makes its own ``requests`` calls,
which would bypass the one door to the network (monitoring/http.py: address checks, deadline,
size cap). So the HTTP call is :func:`monitoring.http.fetch_json` with an ``Authorization:
Bearer`` header, and each v2 tweet (with its author from ``includes.users``) is turned into a
``twitter.Status`` through ``Status.NewFromJsonDict``, mapping v2 names onto the model's.

Per poll: at most ``MAX_PAGES`` pages of 100 (``next_token``), newest first; ``since_id`` is the
newest id seen so far, kept in ``Source.cursor``. Redirects are refused (an API does not
redirect, and the bearer token must never follow one). 429 backs the source off until the
``x-rate-limit-reset`` time; 401/403 say the credentials were rejected.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import twitter
from django.conf import settings
from django.utils.translation import gettext as _

from monitoring.http import FetchError, FetchPolicy, HTTPStatusError, fetch_json
from monitoring.kinds import PollError, PollResult, register
from monitoring.kinds.posts import (
    AUTHOR_MAX,
    MAX_PAGES,
    external_id,
    newest_id,
    parse_timestamp,
    text_to_html,
    title_from_text,
)
from monitoring.models import Source, SourceKind
from monitoring.news_search import Dialect, Translation, translate
from monitoring.parsing import ParsedEntry
from monitoring.sanitise import clean_text
from onboarding.keywords import Query

SEARCH_PATH = "/2/tweets/search/recent"
PAGE_SIZE = 100
# The longest query X accepts on its self-serve access levels.
MAX_QUERY_LENGTH = 512
# When X sends no reset time with a 429, wait one rate-limit window.
DEFAULT_RATE_LIMIT_WAIT = 15 * 60

X_DIALECT = Dialect(
    name="X",
    intitle=False,
    site_operator="url:",
    site_paths=False,
    negated_phrases=True,
    negated_groups=True,
)

_USERNAME_RE = re.compile(r"[A-Za-z0-9_]{1,50}")


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


def bearer_token() -> str:
    return (getattr(settings, "SPRINGPLANK_X_BEARER_TOKEN", "") or "").strip()


def is_configured() -> bool:
    """Whether an administrator has given Springplank credentials for the X API."""
    return bool(bearer_token())


def not_configured_message() -> str:
    return _(
        "X searches need an app-only bearer token of the X API (an access level that includes "
        "recent search). An administrator must set SPRINGPLANK_X_BEARER_TOKEN (or "
        "SPRINGPLANK_X_BEARER_TOKEN_FILE, the path of a file holding it) in the environment "
        "of the web and worker processes and restart them."
    )


def api_base() -> str:
    return (getattr(settings, "SPRINGPLANK_X_API_BASE", "") or "https://api.twitter.com").rstrip(
        "/"
    )


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


def x_query_for(query: str | Query, *, language: str = "") -> Translation:
    """A topic query in X's search syntax, limited to ``language`` and without reposts.

    Raises QueryError for a query that does not parse. ``query`` is "" when nothing positive
    could be expressed.
    """
    translation = translate(query, X_DIALECT)
    if not translation.query:
        return translation
    # X applies AND before OR: a top-level OR must be grouped before anything is added to it.
    core = f"({translation.query})" if translation.shape == "or" else translation.query
    parts = [core]
    language = (language or "").split("-")[0].lower()
    if re.fullmatch(r"[a-z]{2,3}", language):
        parts.append(f"lang:{language}")
    parts.append("-is:retweet")
    text = " ".join(parts)
    notes = list(translation.untranslated)
    if len(text) > MAX_QUERY_LENGTH:
        notes.append(
            _(
                "The search is %(length)d characters long and X accepts at most %(limit)d; "
                "shorten the topic's query."
            )
            % {"length": len(text), "limit": MAX_QUERY_LENGTH}
        )
    return Translation(query=text, untranslated=tuple(notes), shape="and")


def search_page_url(query: str) -> str:
    """The search on x.com, newest first: what a person opens, and the source's address."""
    return "https://x.com/search?" + urlencode({"q": query, "f": "live"})


def query_of(source: Source) -> str:
    query = (source.config or {}).get("query")
    if isinstance(query, str) and query.strip():
        return query.strip()
    values = parse_qs(urlsplit(source.url).query).get("q") or [""]
    return values[0].strip()


# --------------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------------


@register(SourceKind.X_SEARCH)
def poll_x_search(
    source: Source, *, policy: FetchPolicy | None = None, now: datetime
) -> PollResult:
    """Fetch the posts newer than the cursor. Raises PollError (not_configured, bad_source,
    rate_limited, credentials_rejected, bad_query, bad_response); the cursor only moves when
    the whole poll succeeded, so a failed poll loses nothing."""
    token = bearer_token()
    if not token:
        raise PollError("not_configured", not_configured_message())
    query = query_of(source)
    if not query:
        raise PollError("bad_source", _("This X search has no query to search for."))
    policy = replace(policy or FetchPolicy.from_settings(), max_redirects=0)
    headers = {"Authorization": f"Bearer {token}"}
    since_id = source.cursor if source.cursor.isdigit() else ""

    limit = settings.SPRINGPLANK_MAX_ENTRIES_PER_POLL
    try:
        pages = _fetch_pages(query, since_id, headers=headers, policy=policy, now=now, limit=limit)
    except _StaleCursor:
        # A cursor older than the search window is refused by X: start again from now.
        pages = _fetch_pages(query, "", headers=headers, policy=policy, now=now, limit=limit)

    entries: list[ParsedEntry] = []
    ids: list[str] = []
    for data in pages:
        users = _users_by_id(data)
        for tweet in data.get("data") or []:
            entry = _entry(tweet, users, now=now)
            if entry is not None and len(entries) < limit:
                entries.append(entry)
                ids.append(str(tweet["id"]))
    newest = newest_id(ids, since_id)
    return PollResult(entries=entries, cursor=newest if newest != since_id else None)


class _StaleCursor(Exception):
    pass


def _fetch_pages(
    query: str,
    since_id: str,
    *,
    headers: dict[str, str],
    policy: FetchPolicy,
    now: datetime,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to MAX_PAGES pages, fewer once ``limit`` posts arrived or no page follows."""
    url = api_base() + SEARCH_PATH
    base_params: dict[str, Any] = {
        "query": query,
        "max_results": PAGE_SIZE,
        "tweet.fields": "created_at,author_id",
        "expansions": "author_id",
        "user.fields": "username,name",
    }
    if since_id:
        base_params["since_id"] = since_id
    pages: list[dict[str, Any]] = []
    received = 0
    next_token = ""
    for _page in range(MAX_PAGES):
        params = {**base_params, **({"next_token": next_token} if next_token else {})}
        try:
            data, _result = fetch_json(url, headers=headers, params=params, policy=policy)
        except HTTPStatusError as exc:
            if exc.status == 400 and since_id and not pages:
                raise _StaleCursor from exc
            raise _status_error(exc, now) from exc
        except FetchError as exc:
            if exc.code == "bad_json":
                raise PollError(
                    "bad_response", _("X answered with something that is not JSON.")
                ) from None
            raise
        pages.append(_checked_page(data))
        received += len(data.get("data") or [])
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        next_token = meta.get("next_token") if isinstance(meta.get("next_token"), str) else ""
        if not next_token or received >= limit:
            break
    return pages


def _status_error(exc: HTTPStatusError, now: datetime) -> Exception:
    if exc.status == 429:
        wait = _seconds_until_reset(exc.headers.get("x-rate-limit-reset"), now)
        if wait is None:
            wait = exc.retry_after if exc.retry_after is not None else DEFAULT_RATE_LIMIT_WAIT
        return PollError(
            "rate_limited",
            _("X's rate limit is used up; this search waits %(seconds)d seconds until it resets.")
            % {"seconds": wait},
            retry_after=max(wait, 1),
        )
    if exc.status in (401, 403):
        return PollError(
            "credentials_rejected",
            _(
                "X rejected the credentials (HTTP %(status)d): the bearer token is wrong or "
                "revoked, or its access level does not include recent search. An administrator "
                "must check SPRINGPLANK_X_BEARER_TOKEN."
            )
            % {"status": exc.status},
        )
    if exc.status == 400:
        return PollError(
            "bad_query",
            _("X refused the search (HTTP 400); check the topic's query for this search."),
        )
    return exc


def _seconds_until_reset(value: str | None, now: datetime) -> int | None:
    if not value or not value.strip().isdigit():
        return None
    seconds = int(value.strip()) - int(now.timestamp())
    return max(1, min(seconds, 24 * 3600))


def _checked_page(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PollError("bad_response", _("X answered with JSON of an unexpected shape."))
    tweets = data.get("data")
    if tweets is not None and not isinstance(tweets, list):
        raise PollError("bad_response", _("X answered with JSON of an unexpected shape."))
    if tweets is None and data.get("errors") and not isinstance(data.get("meta"), dict):
        raise PollError("bad_response", _("X answered with an error instead of results."))
    return data


def _users_by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    includes = data.get("includes")
    users = includes.get("users") if isinstance(includes, dict) else None
    if not isinstance(users, list):
        return {}
    return {str(u["id"]): u for u in users if isinstance(u, dict) and "id" in u}


def _status(tweet: dict[str, Any], users: dict[str, dict[str, Any]]) -> twitter.Status:
    """A v2 tweet as python-twitter's Status, its v1.1-style names filled from the v2 ones."""
    author = users.get(str(tweet.get("author_id")), {})
    return twitter.Status.NewFromJsonDict(
        {
            "id": int(tweet["id"]),
            "id_str": str(tweet["id"]),
            "full_text": tweet.get("text") or "",
            "created_at": tweet.get("created_at"),
            "user": {
                "id_str": str(author.get("id") or tweet.get("author_id") or ""),
                "screen_name": author.get("username") or "",
                "name": author.get("name") or "",
            },
        }
    )


def _entry(tweet: Any, users: dict[str, dict[str, Any]], *, now: datetime) -> ParsedEntry | None:
    if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
        return None
    if not isinstance(tweet.get("text", ""), str):
        return None
    status = _status(tweet, users)
    screen_name = status.user.screen_name if status.user else ""
    if screen_name and _USERNAME_RE.fullmatch(screen_name):
        url = f"https://x.com/{screen_name}/status/{status.id_str}"
        author = f"@{screen_name}"
    else:
        url = f"https://x.com/i/web/status/{status.id_str}"
        author = (status.user.name if status.user else "") or ""
    text = status.full_text or ""
    return ParsedEntry(
        external_id=external_id(f"https://x.com/i/web/status/{status.id_str}"),
        url=url,
        title=title_from_text(text),
        summary_html=text_to_html(text),
        author=clean_text(author, max_length=AUTHOR_MAX),
        published_at=parse_timestamp(status.created_at, now=now),
    )
