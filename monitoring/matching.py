"""Organisations' topics compiled for matching, and who an item is routed to."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings

from onboarding import keywords
from onboarding.models import Topic
from onboarding.selectors import topic_choices

log = logging.getLogger(__name__)


@lru_cache(maxsize=512)
def _compile(signature: tuple[tuple[int, str], ...]) -> keywords.CompiledTopics[int]:
    """Compile once per distinct set of (topic id, query); a changed topic changes the key."""
    parsed: dict[int, keywords.Query] = {}
    for topic_id, query in signature:
        try:
            parsed[topic_id] = keywords.parse(query)
        except keywords.QueryError:
            # Topics are validated when saved; one broken by a language change must not stop
            # the organisation's other topics from matching.
            log.warning("topic %s has an invalid query; skipped", topic_id)
    return keywords.compile_queries(parsed)


def matchers_for(organisation_ids: Iterable[int]) -> dict[int, keywords.CompiledTopics[int]]:
    """Compiled topics per organisation whose monitoring is enabled (an approved strategy with
    at least one active topic). One query for all organisations."""
    ids = set(organisation_ids)
    per_org: dict[int, list[tuple[int, str]]] = {}
    rows = (
        Topic.objects.active()
        .filter(organisation_id__in=ids, organisation__strategy__approved_at__isnull=False)
        .order_by("pk")
        .values_list("organisation_id", "pk", "query")
    )
    for org_id, topic_id, query in rows:
        per_org.setdefault(org_id, []).append((topic_id, query))
    return {org_id: _compile(tuple(pairs)) for org_id, pairs in per_org.items()}


@dataclass
class Routing:
    """Participants of one organisation by topic of interest; those who chose no topics
    receive everything their organisation queues."""

    by_topic: dict[int, set[int]] = field(default_factory=dict)
    everything: set[int] = field(default_factory=set)

    @property
    def everyone(self) -> set[int]:
        return self.everything.union(*self.by_topic.values())

    def recipients(self, topic_ids: Iterable[int]) -> set[int]:
        topic_ids = list(topic_ids)
        if not topic_ids:
            return self.everyone
        found = set(self.everything)
        for topic_id in topic_ids:
            found |= self.by_topic.get(topic_id, set())
        return found


def routing_for(organisation_ids: Iterable[int]) -> dict[int, Routing]:
    """Routing tables for the organisations, by the rule of ``onboarding.selectors``: a
    participant gets the active topics they chose; one who chose none gets everything."""
    result: dict[int, Routing] = {}
    for org_id, members in topic_choices(organisation_ids).items():
        routing = result[org_id] = Routing()
        for membership_id, topics in members.items():
            if not topics:
                routing.everything.add(membership_id)
            for topic_id in topics:
                routing.by_topic.setdefault(topic_id, set()).add(membership_id)
    return result


@dataclass
class _Snapshot:
    matcher: keywords.CompiledTopics[int] | None
    routing: Routing
    loaded_at: float


_SNAPSHOTS: dict[int, _Snapshot] = {}


def monitoring_state(
    organisation_ids: Iterable[int],
) -> tuple[dict[int, keywords.CompiledTopics[int]], dict[int, Routing]]:
    """Matchers and routing tables of the organisations, as ``matchers_for`` and
    ``routing_for`` give them, kept per worker process for SPRINGPLANK_MATCH_CACHE_SECONDS.

    A poll needs both for every organisation following the source; reading them again for
    each of a thousand polls a minute costs more than the matching itself. A changed topic or
    intake therefore reaches matching within that many seconds (0 disables the cache).
    """
    ttl = settings.SPRINGPLANK_MATCH_CACHE_SECONDS
    now = time.monotonic()
    ids = set(organisation_ids)
    stale = {i for i in ids if i not in _SNAPSHOTS or now - _SNAPSHOTS[i].loaded_at >= ttl}
    if stale:
        matchers, routings = matchers_for(stale), routing_for(stale)
        for org_id in stale:
            _SNAPSHOTS[org_id] = _Snapshot(
                matchers.get(org_id), routings.get(org_id, Routing()), now
            )
    snapshots = {i: _SNAPSHOTS[i] for i in ids}
    if ttl <= 0:
        _SNAPSHOTS.clear()
    return (
        {i: s.matcher for i, s in snapshots.items() if s.matcher is not None},
        {i: s.routing for i, s in snapshots.items()},
    )
