"""Source kinds: each turns one source into entries through the same door to the network.

An adapter is a function ``poll(source, *, policy, now) -> PollResult``. Every kind's entries
then go through the same store → match → queue → schedule path (monitoring.pipeline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from monitoring.http import FetchPolicy
from monitoring.models import Source
from monitoring.parsing import ParsedEntry


@dataclass
class PollResult:
    entries: list[ParsedEntry] = field(default_factory=list)
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    cursor: str | None = None  # None leaves the stored cursor as it is
    title: str | None = None
    site_url: str | None = None
    # Seconds the publisher asked us to wait at least (RSS ttl, Cache-Control max-age).
    interval_hints: list[int | None] = field(default_factory=list)
    status: str = "ok"


class PollError(Exception):
    """A poll that failed for a reason the source's owner should see.

    ``code`` is short and stable (shown as the status); ``str()`` is the human explanation;
    ``retry_after`` (seconds) is honoured by the scheduler.
    """

    def __init__(self, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


class FeedDiscovered(Exception):
    """The address is a web page announcing its feed: follow ``feed_url`` instead."""

    def __init__(self, feed_url: str) -> None:
        super().__init__(feed_url)
        self.feed_url = feed_url


Adapter = Callable[..., PollResult]
_ADAPTERS: dict[str, Adapter] = {}


def register(*kinds: str) -> Callable[[Adapter], Adapter]:
    def decorator(adapter: Adapter) -> Adapter:
        for kind in kinds:
            _ADAPTERS[kind] = adapter
        return adapter

    return decorator


def adapter_for(kind: str) -> Adapter:
    # Importing the modules registers their adapters.
    from monitoring.kinds import feed  # noqa: F401

    try:
        from monitoring.kinds import mastodon, xsearch  # noqa: F401
    except ImportError:  # pragma: no cover - optional kinds not present
        pass
    try:
        return _ADAPTERS[kind]
    except KeyError:
        raise PollError("unknown_kind", f"No poller for sources of kind {kind!r}.") from None


def poll(source: Source, *, policy: FetchPolicy | None = None, now: datetime) -> PollResult:
    return adapter_for(source.kind)(source, policy=policy, now=now)
