"""Adoption dashboards: what managers (and coaches and admins) see of an organisation.

Privacy by design: a dashboard shows counts of groups, never one person, and no group of fewer
people than ``SPRINGPLANK_PRIVACY_MIN_GROUP`` is broken out. Concretely:

- a count of people is shown only when both the people it counts and the people of the same
  scope it leaves out are none or at least the threshold ("active: 18 of 20" would single out
  the two who were not);
- a breakdown into parts (rungs of the ladder, how people joined, departments) hides every part
  under the threshold and, when that alone could be worked out by subtraction from the total,
  pools as many further parts as needed: the pooled remainder spans at least two parts and at
  least the threshold of people, or only the total is shown;
- counts of events (reactions posted, items reviewed, milestones reached) are shown for a scope
  that is itself broken out;
- a scope (the organisation, or a department) that is not broken out shows nothing but that.

The threshold keeps anyone from being singled out; it does not hide what a whole group has in
common ("all 6 of HR were active" is shown, and says it of each of them).

Everything a page shows is read in a fixed number of queries, whatever the number of people or
activities: the organisation's participants once, with what is known per person, and the
activity log aggregated per period in the database.

The same functions build "What my manager sees" (``visibility_for``), so a participant reads
exactly the figures the dashboard shows about the groups they are in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth, TruncWeek
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coaching.ladder import LADDER, LadderHistory, Rung, Window, ladder_profiles
from coaching.models import Activity, ActivityKind, Milestone, MilestoneKind, Triage, Verdict
from onboarding.models import (
    Channel,
    ConfidenceCheck,
    Department,
    Membership,
    Organisation,
    Profile,
    ProfileStatus,
    Role,
)

__all__ = [
    "Breakdown",
    "Dashboard",
    "DepartmentRow",
    "Figure",
    "JoinedVia",
    "Period",
    "Population",
    "Summary",
    "Trend",
    "Visibility",
    "breakdown",
    "dashboard_for",
    "department_choices",
    "department_for",
    "min_group",
    "population_of",
    "summarise",
    "visibility_for",
]

K = TypeVar("K")

TREND_LENGTH = 12
COLLEAGUE_ROLES = frozenset({Role.PARTICIPANT, Role.MANAGER})
SMALL, DERIVED = "small", "derived"


class JoinedVia(models.TextChoices):
    """How a participant came in: the snowball is the colleagues bringing colleagues."""

    COLLEAGUE = "colleague", gettext_lazy("invited by a colleague")
    COACH = "coach", gettext_lazy("invited by a coach or admin")
    UNKNOWN = "unknown", gettext_lazy("no inviter recorded")


class Period(models.TextChoices):
    WEEK = "week", gettext_lazy("per week")
    MONTH = "month", gettext_lazy("per month")


def min_group() -> int:
    return max(1, int(settings.SPRINGPLANK_PRIVACY_MIN_GROUP))


# --------------------------------------------------------------------------------------------
# Figures that may not be broken out


@dataclass(frozen=True)
class Figure:
    """A number as a dashboard shows it. ``value`` is None when it is not broken out; the true
    number is then not kept, so no template can show it by mistake."""

    value: int | None
    min_group: int
    reason: str = ""

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is not None:
            return str(self.value)
        if self.reason == SMALL:
            return fewer_than(self.min_group)
        return _("not broken out")


def fewer_than(threshold: int) -> str:
    return ngettext("fewer than %(n)s person", "fewer than %(n)s people", threshold) % {
        "n": threshold
    }


def people(count: int, threshold: int) -> Figure:
    """A group of ``count`` people: shown when none or at least ``threshold``."""
    if 0 < count < threshold:
        return Figure(None, threshold, SMALL)
    return Figure(count, threshold)


def subset(count: int, total: int, threshold: int) -> Figure:
    """``count`` of the ``total`` people of a scope: shown only when neither they nor the rest
    form a group under the threshold."""
    if 0 < count < threshold:
        return Figure(None, threshold, SMALL)
    if 0 < total - count < threshold:
        return Figure(None, threshold, DERIVED)
    return Figure(count, threshold)


def events(count: int, threshold: int) -> Figure:
    return Figure(count, threshold)


@dataclass(frozen=True)
class Breakdown(Generic[K]):
    """A total split into parts. Hidden parts are pooled; ``pooled`` is their combined size,
    None when nothing is pooled."""

    total: Figure
    parts: dict[K, Figure]
    pooled: Figure | None

    @property
    def hidden(self) -> bool:
        return self.total.hidden

    def value(self, key: K) -> int | None:
        return self.parts[key].value


def breakdown(counts: Mapping[K, int], threshold: int) -> Breakdown[K]:
    """Split ``counts`` (parts of one total, in display order) as the privacy rules allow.

    Parts of 1 to threshold−1 people are hidden. While the hidden parts could still be told
    apart by subtraction — only one of them holds people, or together they hold fewer than the
    threshold — the smallest shown part with people is hidden too.
    """
    total = sum(counts.values())
    if 0 < total < threshold:
        return Breakdown(
            total=Figure(None, threshold, SMALL),
            parts={k: Figure(None, threshold, SMALL) for k in counts},
            pooled=None,
        )
    hidden = {k for k, n in counts.items() if 0 < n < threshold}

    def exposed() -> bool:
        pooled = sum(counts[k] for k in hidden)
        return bool(hidden) and (len(hidden) == 1 or pooled < threshold)

    while exposed():
        shown = sorted(
            (n, i, k) for i, (k, n) in enumerate(counts.items()) if n > 0 and k not in hidden
        )
        if not shown:
            break
        hidden.add(shown[0][2])
    parts = {}
    for k, n in counts.items():
        if k in hidden:
            parts[k] = Figure(None, threshold, SMALL if n < threshold else DERIVED)
        else:
            parts[k] = Figure(n, threshold)
    pooled = Figure(sum(counts[k] for k in hidden), threshold) if hidden else None
    return Breakdown(total=Figure(total, threshold), parts=parts, pooled=pooled)


# --------------------------------------------------------------------------------------------
# The organisation's participants, with what is known per person


@dataclass(frozen=True)
class Person:
    pk: int
    department_id: int | None
    joined_at: dt.datetime
    joined_via: str
    inviter_id: int | None
    onboarded: bool
    first_confidence: int | None
    latest_confidence: int | None


@dataclass(frozen=True)
class Population:
    """Everything a dashboard counts about an organisation's active participants."""

    organisation: Organisation
    now: dt.datetime
    departments: tuple[Department, ...]
    people: tuple[Person, ...]
    ladder: LadderHistory
    active_ids: frozenset[int]
    complete_channels: Mapping[int, frozenset[str]]
    milestones: Mapping[int, frozenset[str]]

    @property
    def windows(self) -> tuple[Window, ...]:
        return self.ladder.windows

    def in_department(self, department_id: int | None) -> list[Person]:
        return [p for p in self.people if p.department_id == department_id]


def _participants(organisation: Organisation) -> models.QuerySet[Membership]:
    return Membership.objects.active().participants().filter(organisation=organisation)


def _joined_via(inviter_role: str | None) -> str:
    if inviter_role is None:
        return JoinedVia.UNKNOWN
    if inviter_role in COLLEAGUE_ROLES:
        return JoinedVia.COLLEAGUE
    return JoinedVia.COACH


def population_of(organisation: Organisation, *, now: dt.datetime | None = None) -> Population:
    """The organisation's active participants and what is known per person, in 8 queries."""
    now = now or timezone.now()
    members = _participants(organisation)
    checks = ConfidenceCheck.objects.filter(membership=OuterRef("pk"))
    rows = (
        members.order_by("pk")
        .annotate(
            first_score=Subquery(checks.order_by("taken_at", "pk").values("score")[:1]),
            latest_score=Subquery(checks.order_by("-taken_at", "-pk").values("score")[:1]),
        )
        .values_list(
            "pk",
            "department_id",
            "created_at",
            "invited_by_id",
            "invited_by__role",
            "intake__completed_at",
            "first_score",
            "latest_score",
        )
    )
    found = [
        Person(
            pk=row[0],
            department_id=row[1],
            joined_at=row[2],
            inviter_id=row[3],
            joined_via=_joined_via(row[4]),
            onboarded=row[5] is not None,
            first_confidence=row[6],
            latest_confidence=row[7],
        )
        for row in rows
    ]
    ladder = ladder_profiles(members, now=now, months=TREND_LENGTH)
    active_ids = frozenset(
        Activity.objects.filter(
            membership__in=members,
            occurred_at__gte=ladder.recent.start,
            occurred_at__lt=ladder.recent.end,
        )
        .order_by()
        .values_list("membership_id", flat=True)
        .distinct()
    )
    channels: dict[int, set[str]] = defaultdict(set)
    for membership_id, channel in Profile.objects.filter(
        membership__in=members, status=ProfileStatus.COMPLETE
    ).values_list("membership_id", "channel"):
        channels[membership_id].add(channel)
    reached: dict[int, set[str]] = defaultdict(set)
    for membership_id, kind in Milestone.objects.filter(membership__in=members).values_list(
        "membership_id", "kind"
    ):
        reached[membership_id].add(kind)
    return Population(
        organisation=organisation,
        now=now,
        departments=tuple(Department.objects.filter(organisation=organisation).order_by("name")),
        people=tuple(found),
        ladder=ladder,
        active_ids=active_ids,
        complete_channels={k: frozenset(v) for k, v in channels.items()},
        milestones={k: frozenset(v) for k, v in reached.items()},
    )


# --------------------------------------------------------------------------------------------
# What is shown of one scope (the organisation, or a department)


@dataclass(frozen=True)
class Confidence:
    """Average answers (1–5) at the start and the latest, of the people who answered."""

    people: Figure
    start: float | None
    latest: float | None
    rose: Figure | None


@dataclass(frozen=True)
class Summary:
    """The people-based figures of one scope."""

    participants: Figure
    active: Figure
    onboarded: Figure
    joined: Breakdown[str]
    inviters: Figure
    ladder_now: Breakdown[Rung]
    ladder_months: tuple[Breakdown[Rung], ...]
    joined_months: tuple[Breakdown[str], ...]
    confidence: Confidence
    channels: tuple[tuple[str, Figure], ...]
    milestones: tuple[tuple[str, Figure], ...]

    @property
    def hidden(self) -> bool:
        return self.participants.hidden


def _confidence(group: Sequence[Person], threshold: int) -> Confidence:
    answered = [p for p in group if p.first_confidence is not None]
    figure = people(len(answered), threshold)
    if figure.hidden or not answered:
        return Confidence(people=figure, start=None, latest=None, rose=None)
    start = sum(p.first_confidence or 0 for p in answered) / len(answered)
    latest = sum(p.latest_confidence or 0 for p in answered) / len(answered)
    rose = sum(1 for p in answered if (p.latest_confidence or 0) > (p.first_confidence or 0))
    return Confidence(
        people=figure,
        start=round(start, 1),
        latest=round(latest, 1),
        rose=subset(rose, len(answered), threshold),
    )


def summarise(population: Population, group: Sequence[Person], threshold: int) -> Summary:
    """The figures a dashboard shows about ``group`` (pure: no queries)."""
    size = len(group)
    ids = {p.pk for p in group}
    joined_counts = {via: 0 for via in JoinedVia.values}
    for p in group:
        joined_counts[p.joined_via] += 1
    inviters = {p.inviter_id for p in group if p.joined_via == JoinedVia.COLLEAGUE}
    profiles = [population.ladder.profile(p.pk) for p in group]
    ladder_months = []
    joined_months = []
    for i, window in enumerate(population.windows):
        present = [
            (p, prof) for p, prof in zip(group, profiles, strict=True) if p.joined_at < window.end
        ]
        rungs = {rung: 0 for rung in LADDER}
        via = {v: 0 for v in JoinedVia.values}
        for p, prof in present:
            rungs[prof.month_headlines[i]] += 1
            via[p.joined_via] += 1
        ladder_months.append(breakdown(rungs, threshold))
        joined_months.append(breakdown(via, threshold))
    now_rungs = {rung: 0 for rung in LADDER}
    for prof in profiles:
        now_rungs[prof.headline] += 1
    channels = []
    for channel in Channel.values:
        count = sum(1 for p in group if channel in population.complete_channels.get(p.pk, ()))
        if count:
            channels.append((channel, subset(count, size, threshold)))
    milestones = []
    for kind in MilestoneKind.values:
        count = sum(1 for p in group if kind in population.milestones.get(p.pk, ()))
        milestones.append((kind, subset(count, size, threshold)))
    return Summary(
        participants=people(size, threshold),
        active=subset(len(ids & population.active_ids), size, threshold),
        onboarded=subset(sum(1 for p in group if p.onboarded), size, threshold),
        joined=breakdown(joined_counts, threshold),
        inviters=people(len(inviters), threshold),
        ladder_now=breakdown(now_rungs, threshold),
        ladder_months=tuple(ladder_months),
        joined_months=tuple(joined_months),
        confidence=_confidence(group, threshold),
        channels=tuple(channels),
        milestones=tuple(milestones),
    )


def department_partition(population: Population, threshold: int) -> Breakdown[int | None]:
    """Participants per department (None: no department); the parts shown are the
    departments broken out."""
    counts: dict[int | None, int] = {d.pk: 0 for d in population.departments}
    counts[None] = 0
    for p in population.people:
        counts[p.department_id] = counts.get(p.department_id, 0) + 1
    if not counts[None]:
        del counts[None]
    return breakdown(counts, threshold)


def department_for(organisation: Organisation, raw: str) -> Department:
    """The organisation's department with id ``raw``; Http404 for anything else (a department
    of another organisation, a malformed id)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise Http404
    return get_object_or_404(Department, organisation=organisation, pk=int(raw))


def department_choices(population: Population, threshold: int) -> list[tuple[Department, bool]]:
    """The organisation's departments, each with whether it is broken out."""
    if people(len(population.people), threshold).hidden:
        return [(d, False) for d in population.departments]
    partition = department_partition(population, threshold)
    return [(d, not partition.parts[d.pk].hidden) for d in population.departments]


# --------------------------------------------------------------------------------------------
# Activity over time


@dataclass(frozen=True)
class Bucket:
    start: dt.datetime
    end: dt.datetime
    label: str


@dataclass(frozen=True)
class Trend:
    period: str
    buckets: tuple[Bucket, ...]
    active: tuple[Figure, ...]
    reactions: tuple[Figure, ...]
    reviewed: tuple[Figure, ...]
    milestones: tuple[Figure, ...]


def _week_buckets(now: dt.datetime, count: int) -> list[Bucket]:
    local = timezone.localtime(now)
    monday = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    monday -= dt.timedelta(days=local.weekday())
    buckets = []
    for back in range(count - 1, -1, -1):
        start = (monday - dt.timedelta(weeks=back)).replace(tzinfo=local.tzinfo)
        end = (monday - dt.timedelta(weeks=back - 1)).replace(tzinfo=local.tzinfo)
        buckets.append(Bucket(start, end, date_format(start, "j M")))
    return buckets


def _month_buckets(windows: Sequence[Window]) -> list[Bucket]:
    return [Bucket(w.start, w.end, month_label(w.start)) for w in windows]


def month_label(start: dt.datetime) -> str:
    return date_format(start, "M ’y")


def _bucket_key(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _trend(
    population: Population,
    group: Sequence[Person],
    department: Department | None,
    period: str,
    threshold: int,
) -> Trend:
    """Active participants, reactions posted, items reviewed and milestones reached per week
    or month, in three aggregated queries."""
    tz = timezone.get_current_timezone()
    if period == Period.MONTH:
        buckets = _month_buckets(population.windows)
        trunc = TruncMonth
    else:
        buckets = _week_buckets(population.now, TREND_LENGTH)
        trunc = TruncWeek
    scope = Q(
        membership__organisation=population.organisation,
        membership__role=Role.PARTICIPANT,
        membership__is_active=True,
    )
    if department is not None:
        scope &= Q(membership__department=department)
    since, until = buckets[0].start, buckets[-1].end
    log = Activity.objects.filter(scope, occurred_at__gte=since, occurred_at__lt=until).order_by()
    log = log.annotate(bucket=trunc("occurred_at", tzinfo=tz))
    counted: dict[tuple[dt.date, str], int] = {}
    for bucket, kind, n in (
        log.filter(kind__in=[ActivityKind.REACTION_POSTED, ActivityKind.ITEM_REVIEWED])
        .values("bucket", "kind")
        .annotate(n=Count("pk"))
        .values_list("bucket", "kind", "n")
    ):
        counted[(_bucket_key(bucket), kind)] = n
    active = {
        _bucket_key(bucket): n
        for bucket, n in log.values("bucket")
        .annotate(n=Count("membership_id", distinct=True))
        .values_list("bucket", "n")
    }
    reached = {
        _bucket_key(bucket): n
        for bucket, n in Milestone.objects.filter(
            scope, achieved_at__gte=since, achieved_at__lt=until
        )
        .order_by()
        .annotate(bucket=trunc("achieved_at", tzinfo=tz))
        .values("bucket")
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    }
    keys = [b.start.date() for b in buckets]
    present = [sum(1 for p in group if p.joined_at < b.end) for b in buckets]
    return Trend(
        period=period,
        buckets=tuple(buckets),
        active=tuple(
            subset(active.get(k, 0), n, threshold) for k, n in zip(keys, present, strict=True)
        ),
        reactions=tuple(
            events(counted.get((k, ActivityKind.REACTION_POSTED), 0), threshold) for k in keys
        ),
        reviewed=tuple(
            events(counted.get((k, ActivityKind.ITEM_REVIEWED), 0), threshold) for k in keys
        ),
        milestones=tuple(events(reached.get(k, 0), threshold) for k in keys),
    )


# --------------------------------------------------------------------------------------------
# The dashboard


@dataclass(frozen=True)
class DepartmentRow:
    """One row of the per-department table: a department broken out, or the departments that
    are not, together (``members`` names them)."""

    name: str
    members: tuple[str, ...]
    department_id: int | None
    participants: Figure
    active: Figure
    onboarded: Figure
    invited_by_colleague: Figure
    reactions: Figure
    reviewed: Figure

    @property
    def is_pooled(self) -> bool:
        return bool(self.members)


@dataclass(frozen=True)
class Dashboard:
    """``summary`` and ``trend`` are None when the scope is not broken out; ``participants``
    then says why ("fewer than 5 people" or "not broken out")."""

    organisation: Organisation
    department: Department | None
    period: str
    min_group: int
    now: dt.datetime
    participants: Figure
    summary: Summary | None
    trend: Trend | None
    month_labels: tuple[str, ...]
    departments: tuple[DepartmentRow, ...]
    department_choices: tuple[tuple[Department, bool], ...]

    @property
    def hidden(self) -> bool:
        return self.summary is None


def _department_events(
    population: Population, since: dt.datetime
) -> dict[tuple[int | None, str], int]:
    rows = (
        Activity.objects.filter(
            membership__organisation=population.organisation,
            membership__role=Role.PARTICIPANT,
            membership__is_active=True,
            kind__in=[ActivityKind.REACTION_POSTED, ActivityKind.ITEM_REVIEWED],
            occurred_at__gte=since,
        )
        .order_by()
        .values("membership__department_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("membership__department_id", "kind", "n")
    )
    return {(department_id, kind): n for department_id, kind, n in rows}


def _department_row(
    name: str,
    members: tuple[str, ...],
    department_id: int | None,
    group: Sequence[Person],
    population: Population,
    counted: Mapping[tuple[int | None, str], int],
    keys: Iterable[int | None],
    threshold: int,
) -> DepartmentRow:
    size = len(group)
    keys = list(keys)
    return DepartmentRow(
        name=name,
        members=members,
        department_id=department_id,
        participants=Figure(size, threshold),
        active=subset(sum(1 for p in group if p.pk in population.active_ids), size, threshold),
        onboarded=subset(sum(1 for p in group if p.onboarded), size, threshold),
        invited_by_colleague=subset(
            sum(1 for p in group if p.joined_via == JoinedVia.COLLEAGUE), size, threshold
        ),
        reactions=events(
            sum(counted.get((k, ActivityKind.REACTION_POSTED), 0) for k in keys), threshold
        ),
        reviewed=events(
            sum(counted.get((k, ActivityKind.ITEM_REVIEWED), 0) for k in keys), threshold
        ),
    )


def _department_rows(population: Population, threshold: int) -> list[DepartmentRow]:
    """Departments broken out, then the others together (when that group may be shown)."""
    partition = department_partition(population, threshold)
    if partition.hidden:
        return []
    since = _week_buckets(population.now, TREND_LENGTH)[0].start
    counted = _department_events(population, since)
    names: dict[int | None, str] = {d.pk: d.name for d in population.departments}
    names[None] = _("No department")
    rows = []
    pooled_keys = []
    for key, figure in partition.parts.items():
        if figure.hidden:
            pooled_keys.append(key)
            continue
        rows.append(
            _department_row(
                names[key],
                (),
                key,
                population.in_department(key),
                population,
                counted,
                [key],
                threshold,
            )
        )
    if pooled_keys and partition.pooled is not None and not partition.pooled.hidden:
        group = [p for p in population.people if p.department_id in pooled_keys]
        rows.append(
            _department_row(
                _("Other departments together"),
                tuple(names[k] for k in pooled_keys),
                None,
                group,
                population,
                counted,
                pooled_keys,
                threshold,
            )
        )
    return rows


def _scope_figure(size: int, broken_out: bool, threshold: int) -> Figure:
    if broken_out:
        return people(size, threshold)
    return Figure(None, threshold, SMALL if 0 < size < threshold else DERIVED)


def dashboard_for(
    organisation: Organisation,
    *,
    department: Department | None = None,
    period: str = Period.WEEK,
    now: dt.datetime | None = None,
) -> Dashboard:
    """The adoption dashboard of ``organisation``, or of one of its departments.

    A scope that is not broken out (an organisation of fewer participants than the threshold,
    or a department that ``department_partition`` does not show) has no summary and no trend.
    Reads at most 12 queries, whatever the number of participants and activities.
    ``department`` must belong to ``organisation``: the caller looks it up scoped.
    """
    threshold = min_group()
    population = population_of(organisation, now=now)
    choices = department_choices(population, threshold)
    if department is None:
        group = list(population.people)
        scope = people(len(group), threshold)
    else:
        group = population.in_department(department.pk)
        shown = dict((d.pk, ok) for d, ok in choices).get(department.pk, False)
        scope = _scope_figure(len(group), shown, threshold)
    period = period if period in Period.values else Period.WEEK
    summary = trend = None
    if not scope.hidden:
        summary = summarise(population, group, threshold)
        trend = _trend(population, group, department, period, threshold)
    return Dashboard(
        organisation=organisation,
        department=department,
        period=period,
        min_group=threshold,
        now=population.now,
        participants=scope,
        summary=summary,
        trend=trend,
        month_labels=tuple(month_label(w.start) for w in population.windows),
        departments=tuple(_department_rows(population, threshold)),
        department_choices=tuple(choices),
    )


# --------------------------------------------------------------------------------------------
# What my manager sees


@dataclass(frozen=True)
class Shown:
    """One figure a participant is part of, as the dashboards show it: organisation-wide and
    for their department (None when they have no department)."""

    label: str
    yours: str
    organisation: str
    department: str | None


@dataclass(frozen=True)
class MonthShown:
    label: str
    rung: Rung
    organisation: str
    department: str | None


@dataclass(frozen=True)
class Visibility:
    membership: Membership
    min_group: int
    department: Department | None
    organisation: Figure
    department_scope: Figure | None
    figures: tuple[Shown, ...]
    months: tuple[MonthShown, ...]
    department_row: str
    content_ideas: int
    activity: Mapping[str, int]

    @property
    def organisation_hidden(self) -> bool:
        return self.organisation.hidden

    @property
    def department_hidden(self) -> bool:
        return self.department_scope is None or self.department_scope.hidden


def _not_broken_out() -> str:
    return _("not broken out")


class _Reader:
    """Reads one figure from the organisation's and the department's summary as text."""

    def __init__(self, org: Summary | None, dept: Summary | None, has_department: bool) -> None:
        self.org, self.dept, self.has_department = org, dept, has_department

    def __call__(self, pick: Callable[[Summary], object]) -> tuple[str, str | None]:
        def text(summary: Summary | None) -> str:
            if summary is None:
                return _not_broken_out()
            value = pick(summary)
            return _not_broken_out() if value is None else str(value)

        return text(self.org), (text(self.dept) if self.has_department else None)


def visibility_for(membership: Membership, *, now: dt.datetime | None = None) -> Visibility:
    """Exactly what the adoption dashboards show about the groups ``membership`` is in, for
    the organisation-wide view and for their department's view; plus their own totals that
    are added into the counts per week, and how many content ideas show their name."""
    threshold = min_group()
    population = population_of(membership.organisation, now=now)
    me = next((p for p in population.people if p.pk == membership.pk), None)
    department = membership.department if membership.department_id else None
    org_scope = people(len(population.people), threshold)
    org = None if org_scope.hidden else summarise(population, population.people, threshold)
    dept_scope = dept = None
    if department is not None:
        shown = dict((d.pk, ok) for d, ok in department_choices(population, threshold))
        group = population.in_department(department.pk)
        dept_scope = _scope_figure(len(group), shown.get(department.pk, False), threshold)
        dept = None if dept_scope.hidden else summarise(population, group, threshold)
    read = _Reader(org, dept, department is not None)
    figures: list[Shown] = []
    months: list[MonthShown] = []
    department_row = _not_broken_out()

    def add(label: str, yours: str, texts: tuple[str, str | None]) -> None:
        figures.append(Shown(label, yours, *texts))

    if me is not None:
        among, not_among = _("You are among them."), _("You are not among them.")
        profile = population.ladder.profile(me.pk)
        add(
            _("Participants"),
            _("You are counted."),
            (str(org_scope), str(dept_scope) if dept_scope else None),
        )
        add(
            _("Active in the last 30 days"),
            among if me.pk in population.active_ids else not_among,
            read(lambda s: s.active),
        )
        add(
            _("Finished getting started"),
            among if me.onboarded else not_among,
            read(lambda s: s.onboarded),
        )
        add(
            _("How people joined"),
            str(JoinedVia(me.joined_via).label),
            read(lambda s: s.joined.parts[me.joined_via]),
        )
        add(
            _("The ladder now (last 30 days)"),
            str(profile.headline.label),
            read(lambda s: s.ladder_now.parts[profile.headline]),
        )
        if me.first_confidence is not None:
            add(
                _("Average confidence, at the start and now"),
                _("Your answers are part of both averages."),
                read(lambda s: s.confidence.people),
            )
        channel_labels = dict(Channel.choices)
        for channel in sorted(population.complete_channels.get(me.pk, ())):
            add(
                _("Complete profiles on %(channel)s")
                % {"channel": channel_labels.get(channel, channel)},
                _("Yours is counted."),
                read(lambda s, c=channel: dict(s.channels).get(c)),
            )
        reached = population.milestones.get(me.pk, frozenset())
        for kind, label in MilestoneKind.choices:
            if kind in reached:
                add(
                    _("Milestone: %(milestone)s") % {"milestone": label},
                    _("You reached it."),
                    read(lambda s, k=kind: dict(s.milestones).get(k)),
                )
        for i, window in enumerate(population.windows):
            if me.joined_at >= window.end:
                continue
            rung = profile.month_headlines[i]
            texts = read(lambda s, i=i, rung=rung: s.ladder_months[i].parts[rung])
            months.append(MonthShown(month_label(window.start), rung, *texts))
        if org is not None:
            partition = department_partition(population, threshold)
            part = partition.parts.get(me.department_id)
            if part is not None and not part.hidden:
                department_row = _("shown as a row of its own")
            elif partition.pooled is not None and not partition.pooled.hidden:
                department_row = _("counted in the row “Other departments together”")

    return Visibility(
        membership=membership,
        min_group=threshold,
        department=department,
        organisation=org_scope,
        department_scope=dept_scope,
        figures=tuple(figures),
        months=tuple(months),
        department_row=department_row,
        content_ideas=Triage.objects.filter(
            membership=membership, verdict=Verdict.CONTENT_IDEA
        ).count(),
        activity=_own_activity(membership, population.now),
    )


def _own_activity(membership: Membership, now: dt.datetime) -> dict[str, int]:
    """The participant's own contributions to the counts per week of the last 12 weeks."""
    since = _week_buckets(now, TREND_LENGTH)[0].start
    tz = timezone.get_current_timezone()
    log = Activity.objects.filter(membership=membership, occurred_at__gte=since).order_by()
    kinds = dict(
        log.filter(kind__in=[ActivityKind.REACTION_POSTED, ActivityKind.ITEM_REVIEWED])
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    weeks = log.annotate(week=TruncWeek("occurred_at", tzinfo=tz)).values("week").distinct()
    return {
        "reactions": kinds.get(ActivityKind.REACTION_POSTED, 0),
        "reviewed": kinds.get(ActivityKind.ITEM_REVIEWED, 0),
        "active_weeks": weeks.count(),
        "milestones": Milestone.objects.filter(
            membership=membership, achieved_at__gte=since
        ).count(),
    }
