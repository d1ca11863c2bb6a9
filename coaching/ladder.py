"""Forrester's Social Technographics ladder, derived from the Activity log.

The ladder is a profile, not a label: a person holds every rung they showed an activity for in
the window (a month; the last week of it for Conversationalists, who post at least weekly), and
the highest rung held is the headline. Nobody active in the window is Inactive.

Windows are whole local days, half-open ``[start, end)``: "now" is the 30 days up to and
including today; a month of the history is the calendar month (this month up to and including
today). History is recomputed from the log on every read, with no table of its own: the log is
read grouped per person, kind and month (at most people × kinds × 12 rows, whatever the number
of activities), so a stored copy would add a second truth to keep in step without saving a
query.

Besides Activity rows, a profile saved as complete counts as the Joiner activity it is
(``profile_completed`` at the moment it was last saved): profiles are kept by the onboarding
app, which may not depend on coaching and so cannot write to its log.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Max, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.models import Activity, ActivityKind
from onboarding.models import Membership, Profile, ProfileStatus

__all__ = [
    "KIND_RUNG",
    "LADDER",
    "LadderHistory",
    "LadderProfile",
    "Rung",
    "Window",
    "distribution",
    "headline",
    "ladder_profiles",
    "month_windows",
    "recent_window",
    "rung_of",
    "rungs_held",
]


class Rung(models.TextChoices):
    """The rungs, top first (the order of the definition is the order of the ladder)."""

    CREATORS = "creators", _("Creators")
    CONVERSATIONALISTS = "conversationalists", _("Conversationalists")
    CRITICS = "critics", _("Critics")
    COLLECTORS = "collectors", _("Collectors")
    JOINERS = "joiners", _("Joiners")
    SPECTATORS = "spectators", _("Spectators")
    INACTIVES = "inactives", _("Inactives")


LADDER: tuple[Rung, ...] = tuple(Rung)

KIND_RUNG: dict[str, Rung] = {
    ActivityKind.ITEM_REVIEWED: Rung.SPECTATORS,
    ActivityKind.PROFILE_COMPLETED: Rung.JOINERS,
    ActivityKind.COMMUNITY_VISITED: Rung.JOINERS,
    ActivityKind.COMMUNITY_JOINED: Rung.JOINERS,
    ActivityKind.SOURCE_FOLLOWED: Rung.COLLECTORS,
    ActivityKind.ITEM_SAVED: Rung.COLLECTORS,
    ActivityKind.DISCUSSION_REPLIED: Rung.CRITICS,
    ActivityKind.ITEM_RATED: Rung.CRITICS,
    # A posted reaction is a comment on someone else's post.
    ActivityKind.REACTION_POSTED: Rung.CRITICS,
    ActivityKind.STATUS_UPDATE: Rung.CONVERSATIONALISTS,
    ActivityKind.NEWS_SHARED: Rung.CONVERSATIONALISTS,
    ActivityKind.BLOG_PUBLISHED: Rung.CREATORS,
    ActivityKind.DISCUSSION_STARTED: Rung.CREATORS,
    ActivityKind.NEWSLETTER_CONTRIBUTED: Rung.CREATORS,
}

# Kinds that place nobody on the ladder (a coaching session is coached, not shown online).
RUNGLESS_KINDS = frozenset({ActivityKind.SESSION_HELD})

MONTH_DAYS = 30
WEEK_DAYS = 7


def rung_of(kind: str) -> Rung | None:
    """The rung an activity of ``kind`` shows, or None for one that is on no rung."""
    return KIND_RUNG.get(kind)


@dataclass(frozen=True)
class Window:
    """Local days ``[start, end)``; Conversationalists count from ``conversation_start``."""

    start: dt.datetime
    end: dt.datetime

    @property
    def conversation_start(self) -> dt.datetime:
        return max(self.start, _days_before(self.end, WEEK_DAYS))

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, dt.datetime) and self.start <= moment < self.end


def _local_midnight(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def _days_before(moment: dt.datetime, days: int) -> dt.datetime:
    # Wall-clock arithmetic in the local zone: midnight stays midnight across a DST change.
    local = timezone.localtime(moment)
    return (local.replace(tzinfo=None) - dt.timedelta(days=days)).replace(tzinfo=local.tzinfo)


def _tomorrow(now: dt.datetime) -> dt.datetime:
    today = _local_midnight(now)
    return (today.replace(tzinfo=None) + dt.timedelta(days=1)).replace(tzinfo=today.tzinfo)


def recent_window(now: dt.datetime) -> Window:
    """The 30 local days up to and including today."""
    end = _tomorrow(now)
    return Window(start=_days_before(end, MONTH_DAYS), end=end)


def _month_start(year: int, month: int, tzinfo: dt.tzinfo) -> dt.datetime:
    while month < 1:
        year, month = year - 1, month + 12
    while month > 12:
        year, month = year + 1, month - 12
    return dt.datetime(year, month, 1, tzinfo=tzinfo)


def month_windows(now: dt.datetime, months: int = 12) -> list[Window]:
    """The last ``months`` calendar months, oldest first; the current one ends after today."""
    local = timezone.localtime(now)
    tomorrow = _tomorrow(now)
    windows = []
    for back in range(months - 1, -1, -1):
        start = _month_start(local.year, local.month - back, local.tzinfo)
        end = _month_start(local.year, local.month - back + 1, local.tzinfo)
        windows.append(Window(start=start, end=min(end, tomorrow)))
    return windows


def rungs_held(events: Iterable[tuple[str, dt.datetime]], window: Window) -> frozenset[Rung]:
    """The rungs shown by ``events`` — (activity kind, moment) pairs — within ``window``.

    Conversationalists need an activity in the window's last week; every other rung one in the
    whole window. Kinds on no rung are ignored. Inactive is never returned: it is the absence of
    every rung (see ``headline``).
    """
    held = set()
    for kind, moment in events:
        rung = KIND_RUNG.get(kind)
        if rung is None or moment not in window:
            continue
        if rung == Rung.CONVERSATIONALISTS and moment < window.conversation_start:
            continue
        held.add(rung)
    return frozenset(held)


def headline(rungs: Iterable[Rung]) -> Rung:
    """The highest rung held; Inactive when none is."""
    held = set(rungs)
    return next((rung for rung in LADDER if rung in held), Rung.INACTIVES)


def distribution(headlines: Iterable[Rung]) -> dict[Rung, int]:
    """How many people have each rung as their headline, for every rung (top first)."""
    counts = Counter(headlines)
    return {rung: counts.get(rung, 0) for rung in LADDER}


@dataclass(frozen=True)
class LadderProfile:
    """One person's rungs now and in each month of the history (oldest first)."""

    now: frozenset[Rung]
    months: tuple[frozenset[Rung], ...]

    @property
    def headline(self) -> Rung:
        return headline(self.now)

    @property
    def month_headlines(self) -> tuple[Rung, ...]:
        return tuple(headline(rungs) for rungs in self.months)


@dataclass(frozen=True)
class LadderHistory:
    recent: Window
    windows: tuple[Window, ...]
    profiles: dict[int, LadderProfile]

    def profile(self, membership_id: int) -> LadderProfile:
        """The membership's profile; someone without any activity is Inactive throughout."""
        found = self.profiles.get(membership_id)
        if found is None:
            return LadderProfile(now=frozenset(), months=(frozenset(),) * len(self.windows))
        return found


def _month_index(windows: Sequence[Window]) -> dict[tuple[int, int], int]:
    return {(w.start.year, w.start.month): i for i, w in enumerate(windows)}


def ladder_profiles(
    memberships: QuerySet[Membership], *, now: dt.datetime | None = None, months: int = 12
) -> LadderHistory:
    """The ladder of every membership in ``memberships``, now and per month, in three queries.

    The log is read aggregated: the latest moment per (person, kind, local month) for the
    history and per (person, kind) for the last 30 days, plus complete profiles saved in the
    period. Memberships without any activity are left out of ``profiles`` (see
    ``LadderHistory.profile``).
    """
    now = now or timezone.now()
    windows = month_windows(now, months)
    recent = recent_window(now)
    since = min(windows[0].start, recent.start)
    kinds = list(KIND_RUNG)
    tz = timezone.get_current_timezone()

    log = Activity.objects.filter(
        membership__in=memberships, kind__in=kinds, occurred_at__gte=since
    ).order_by()
    monthly = (
        log.filter(occurred_at__lt=windows[-1].end)
        .annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("membership_id", "kind", "month")
        .annotate(last=Max("occurred_at"))
        .values_list("membership_id", "kind", "last")
    )
    latest = (
        log.filter(occurred_at__gte=recent.start, occurred_at__lt=recent.end)
        .values("membership_id", "kind")
        .annotate(last=Max("occurred_at"))
        .values_list("membership_id", "kind", "last")
    )
    profiles_saved = Profile.objects.filter(
        membership__in=memberships, status=ProfileStatus.COMPLETE, updated_at__gte=since
    ).values_list("membership_id", "updated_at")

    index = _month_index(windows)
    by_month: dict[int, dict[int, list[tuple[str, dt.datetime]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    by_recent: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)

    def add_to_month(membership_id: int, kind: str, moment: dt.datetime) -> None:
        local = timezone.localtime(moment)
        i = index.get((local.year, local.month))
        if i is not None:
            by_month[membership_id][i].append((kind, moment))

    for membership_id, kind, last in monthly:
        add_to_month(membership_id, kind, last)
    for membership_id, kind, last in latest:
        by_recent[membership_id].append((kind, last))
    for membership_id, saved_at in profiles_saved:
        event = (ActivityKind.PROFILE_COMPLETED.value, saved_at)
        add_to_month(membership_id, *event)
        by_recent[membership_id].append(event)

    profiles = {}
    for membership_id in set(by_month) | set(by_recent):
        per_month = by_month.get(membership_id, {})
        profiles[membership_id] = LadderProfile(
            now=rungs_held(by_recent.get(membership_id, ()), recent),
            months=tuple(rungs_held(per_month.get(i, ()), w) for i, w in enumerate(windows)),
        )
    return LadderHistory(recent=recent, windows=tuple(windows), profiles=profiles)
