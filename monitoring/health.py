"""How a source is doing, in words for the people who follow it.

Derived from the polling state the worker writes on ``Source``; nothing here touches the
database, so a list of subscriptions (with their sources selected) costs no extra queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Source, Subscription


class Health:
    PENDING = "pending"
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILING = "failing"
    DISABLED = "disabled"


@dataclass(frozen=True)
class SourceHealth:
    state: str
    label: str
    explanation: str
    # The worker's own message of the last failure (host and reason), for the curious.
    detail: str = ""
    error_count: int = 0

    @property
    def is_failing(self) -> bool:
        return self.state == Health.FAILING

    @property
    def is_pending(self) -> bool:
        return self.state == Health.PENDING

    @property
    def css(self) -> str:
        return {
            Health.OK: "ok",
            Health.NOT_MODIFIED: "ok",
            Health.PENDING: "warn",
            Health.FAILING: "bad",
            Health.DISABLED: "bad",
        }[self.state]


def _failure_explanation(code: str) -> str:
    """What a failure code means, for someone who does not know HTTP."""
    if code.startswith("http_"):
        status = code.removeprefix("http_")
        if status in {"404", "410"}:
            return _("The feed was not found at this address; it may have moved.")
        if status in {"401", "403"}:
            return _("The site refuses to give us the feed.")
        if status == "429":
            return _("The site asks us to come back later.")
        if status.startswith("5"):
            return _("The site has a problem of its own.")
        return _("The site answered with an error.")
    return {
        "blocked_address": _(
            "The address leads to a private or internal network, which is never fetched."
        ),
        "dns": _("The site's name could not be found."),
        "connection": _("The site could not be reached."),
        "tls": _("The site's security certificate could not be verified."),
        "timeout": _("The site took too long to answer."),
        "too_large": _("The feed is larger than we accept."),
        "too_many_redirects": _("The address sends us on to other addresses too many times."),
        "redirect_loop": _("The address keeps sending us round in circles."),
        "decode": _("The site's answer could not be unpacked."),
        "bad_url": _("The address is not usable."),
        "bad_scheme": _("The address is not usable."),
        "not_a_feed": _("What is at this address is not a feed."),
    }.get(code, _("The last check failed."))


def source_health(source: Source) -> SourceHealth:
    """The state of ``source`` in words. A source that was never polled is pending: that is
    also what a new source looks like while the broker is down."""
    if source.disabled_at is not None:
        return SourceHealth(
            Health.DISABLED,
            _("disabled"),
            _("An administrator switched this source off; it is not checked."),
        )
    if source.error_count > 0 or source.last_error:
        count = max(source.error_count, 1)
        return SourceHealth(
            Health.FAILING,
            _("failing"),
            _failure_explanation(source.last_status),
            detail=source.last_error,
            error_count=count,
        )
    if source.last_polled_at is None:
        return SourceHealth(
            Health.PENDING,
            _("pending"),
            _("Not checked yet; it will be checked in a moment."),
        )
    if source.last_status == "not_modified":
        return SourceHealth(
            Health.NOT_MODIFIED,
            _("not modified"),
            _("Nothing new since the check before."),
        )
    return SourceHealth(Health.OK, _("ok"), _("The last check went well."))


@dataclass(frozen=True)
class SourceRow:
    subscription: Subscription
    health: SourceHealth

    @property
    def source(self) -> Source:
        return self.subscription.source

    @property
    def is_paused(self) -> bool:
        return self.subscription.paused_at is not None

    @property
    def is_due(self) -> bool:
        """The next check's time has come: it happens as soon as a worker is free."""
        return self.source.next_poll_at <= timezone.now()


def rows_with_health(subscriptions: Iterable[Subscription]) -> list[SourceRow]:
    """Subscriptions with their health: failing ones first (paused or not: a failure is never
    tucked away), then by name, the same order on every database."""
    rows = [SourceRow(s, source_health(s.source)) for s in subscriptions]
    rows.sort(key=lambda r: (not r.health.is_failing, r.subscription.display_title.casefold()))
    return rows
