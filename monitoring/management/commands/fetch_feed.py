"""``manage.py fetch_feed URL``: what Springplank would make of one feed, without storing it.

For admins debugging a feed. It goes through the same door to the network as the worker
(``monitoring.http.fetch`` with the configured limits and allowlist) and the same parser and
sanitiser, and never opens a database connection: it works on a host whose database is down.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.discovery import find_feed_links, looks_like_html
from monitoring.http import FetchError, FetchPolicy, fetch
from monitoring.parsing import FeedParseError, ParsedFeed, parse_feed


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


class Command(BaseCommand):
    help = (
        "Fetch, parse and sanitise one feed with the worker's safety rules and limits, and "
        "print it as JSON. Touches no database. Exits non-zero with a one-line reason when "
        "the fetch is refused or fails, or when the address is not a feed."
    )
    # System checks may query the database; this command must run without one.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the feed's address (http or https)")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        try:
            policy = FetchPolicy.from_settings()
        except ValueError as exc:
            raise CommandError(
                _one_line(_("SPRINGPLANK_FETCH_ALLOWLIST is malformed: %(error)s") % {"error": exc})
            ) from None
        try:
            result = fetch(url, policy=policy)
        except FetchError as exc:
            raise CommandError(_one_line(f"{exc.code}: {exc}")) from None
        try:
            feed = parse_feed(
                result.content,
                base_url=result.url,
                now=timezone.now(),
                content_type=result.headers.get("Content-Type"),
                max_entries=settings.SPRINGPLANK_MAX_ENTRIES_PER_POLL,
            )
        except (FeedParseError, ValueError) as exc:
            raise CommandError(_one_line(self._not_a_feed(exc, result))) from None
        self.stdout.write(json.dumps(self._as_json(feed, result.url), ensure_ascii=False, indent=2))

    @staticmethod
    def _not_a_feed(exc: Exception, result: Any) -> str:
        message = f"not_a_feed: {exc}"
        if looks_like_html(result.content, result.headers.get("Content-Type")):
            links = find_feed_links(result.content, base_url=result.url)
            if links:
                message += " " + _("(the page announces a feed at %(url)s)") % {"url": links[0]}
        return message

    @staticmethod
    def _as_json(feed: ParsedFeed, final_url: str) -> dict[str, Any]:
        return {
            "title": feed.title,
            "url": final_url,
            "entries": [
                {
                    "title": entry.title,
                    "url": entry.url,
                    "published": entry.published_at.isoformat() if entry.published_at else None,
                    "summary": entry.summary_html,
                }
                for entry in feed.entries
            ],
        }
