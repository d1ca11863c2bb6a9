"""The adoption dashboard (managers, coaches, admins) and "What my manager sees"
(participants)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from coaching import dashboard as selectors
from coaching.charts import Series, bar_chart, hbar_chart, line_chart, stacked_bar_chart
from coaching.dashboard import Breakdown, Dashboard, JoinedVia, Period
from coaching.ladder import LADDER, Rung
from coaching.models import MilestoneKind
from onboarding.access import org_view
from onboarding.models import Channel, Department, Role

# Darkest at the top of the ladder: the rungs stay apart in shades of grey on paper.
RUNG_COLORS = {
    Rung.CREATORS: "#08306b",
    Rung.CONVERSATIONALISTS: "#08519c",
    Rung.CRITICS: "#2171b5",
    Rung.COLLECTORS: "#4292c6",
    Rung.JOINERS: "#6baed6",
    Rung.SPECTATORS: "#9ecae1",
    Rung.INACTIVES: "#deebf7",
}
JOINED_COLORS = {
    JoinedVia.COLLEAGUE: "#1a7f37",
    JoinedVia.COACH: "#7fc97f",
    JoinedVia.UNKNOWN: "#e5f5e0",
}


def _values(figures: Any) -> list[int | None]:
    return [f.value for f in figures]


def _hidden_note(min_group: int) -> str:
    return _(
        "A dash (–) marks a figure that is not broken out: groups of fewer than %(n)s people "
        "are never shown, nor any figure from which such a group could be worked out."
    ) % {"n": min_group}


def _stacked(
    chart_id: str,
    title: str,
    labels: list[str],
    months: tuple[Breakdown[Any], ...],
    keys: list[tuple[Any, str, str]],
    note: str,
) -> SafeString:
    series = [
        Series(name=name, values=[m.parts[key].value for m in months], color=color)
        for key, name, color in keys
    ]
    pooled = [None if m.hidden else (m.pooled.value if m.pooled is not None else 0) for m in months]
    if any(pooled):
        series.append(Series(name=_("not broken out"), values=pooled, hatch=True))
    return stacked_bar_chart(
        chart_id=chart_id, title=title, description=note, labels=labels, series=series
    )


@dataclass(frozen=True)
class Panel:
    """Charts and the table of their numbers (every cell already a string)."""

    key: str
    charts: tuple[SafeString, ...]
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _pooled_text(b: Breakdown[Any]) -> str:
    if b.hidden:
        return str(b.total)
    return str(b.pooled) if b.pooled is not None else "0"


def _breakdown_rows(
    labels: list[str], months: tuple[Breakdown[Any], ...], keys: list[Any]
) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (label, *(str(m.parts[k]) for k in keys), _pooled_text(m), str(m.total))
        for label, m in zip(labels, months, strict=True)
    )


def _panels(board: Dashboard) -> dict[str, Panel]:
    summary, trend = board.summary, board.trend
    if summary is None or trend is None:
        return {}
    note = _hidden_note(board.min_group)
    labels = [b.label for b in trend.buckets]
    period = Period(trend.period).label
    months = list(board.month_labels)
    pooled_header = _("not broken out")
    panels = {}

    activity = line_chart(
        chart_id="chart-activity",
        title=_("Active participants, reactions posted and milestones reached, %(period)s")
        % {"period": period},
        description=note,
        labels=labels,
        series=[
            Series(_("active participants"), _values(trend.active), "#1f6feb"),
            Series(_("reactions posted"), _values(trend.reactions), "#cf222e", dash="7 4"),
            Series(_("milestones reached"), _values(trend.milestones), "#1a7f37", dash="2 3"),
        ],
    )
    reviewed = bar_chart(
        chart_id="chart-reviewed",
        title=_("Items reviewed, %(period)s") % {"period": period},
        description=note,
        labels=labels,
        series=Series(_("items reviewed"), _values(trend.reviewed), "#4292c6"),
    )
    panels["activity"] = Panel(
        key="activity",
        charts=(activity, reviewed),
        headers=(
            _("Week of") if trend.period == Period.WEEK else _("Month"),
            _("active participants"),
            _("reactions posted"),
            _("milestones reached"),
            _("items reviewed"),
        ),
        rows=tuple(
            (label, str(a), str(r), str(m), str(v))
            for label, a, r, m, v in zip(
                labels, trend.active, trend.reactions, trend.milestones, trend.reviewed, strict=True
            )
        ),
    )

    now = summary.ladder_now
    now_rows = [(str(r.label), str(now.parts[r])) for r in LADDER]
    if now.pooled is not None:
        now_rows.append((pooled_header, str(now.pooled)))
    now_rows.append((_("total"), str(now.total)))
    panels["ladder_now"] = Panel(
        key="ladder_now",
        charts=(
            hbar_chart(
                chart_id="chart-ladder-now",
                title=_("The ladder now: highest rung of each participant in the last 30 days"),
                description=note,
                labels=[str(r.label) for r in LADDER],
                series=Series(_("participants"), [now.parts[r].value for r in LADDER]),
                fills=[RUNG_COLORS[r] for r in LADDER],
            ),
        ),
        headers=(_("Rung"), _("participants")),
        rows=tuple(now_rows),
    )

    ladder_up = list(reversed(LADDER))
    panels["ladder_months"] = Panel(
        key="ladder_months",
        charts=(
            _stacked(
                "chart-ladder-months",
                _("The ladder per month: participants by highest rung"),
                months,
                summary.ladder_months,
                [(r, str(r.label), RUNG_COLORS[r]) for r in ladder_up],
                note,
            ),
        ),
        headers=(_("Month"), *(str(r.label) for r in LADDER), pooled_header, _("total")),
        rows=_breakdown_rows(months, summary.ladder_months, list(LADDER)),
    )

    confidence = summary.confidence
    confidence_charts: tuple[SafeString, ...] = ()
    confidence_rows = [(_("participants who answered"), str(confidence.people))]
    if confidence.start is not None and confidence.latest is not None:
        confidence_charts = (
            hbar_chart(
                chart_id="chart-confidence",
                title=_("Average confidence at the start and now (1 to 5)"),
                description=_(
                    "How comfortable participants feel posting online, from 1 (very uneasy) "
                    "to 5 (completely at ease): the average of each participant's first answer "
                    "and of their latest."
                ),
                labels=[_("at the start"), _("now")],
                series=Series(_("average"), [confidence.start, confidence.latest], "#9a6700"),
                max_value=5,
                decimals=1,
                fills=["#d4a72c", "#9a6700"],
            ),
        )
        confidence_rows[:0] = [
            (_("at the start"), number_format(confidence.start, 1)),
            (_("now"), number_format(confidence.latest, 1)),
        ]
        if confidence.rose is not None:
            confidence_rows.append((_("participants whose confidence rose"), str(confidence.rose)))
    panels["confidence"] = Panel(
        key="confidence",
        charts=confidence_charts,
        headers=("", _("average")),
        rows=tuple(confidence_rows),
    )

    joined = summary.joined
    joined_rows = [(str(JoinedVia(v).label), str(joined.parts[v])) for v in JoinedVia.values]
    if joined.pooled is not None:
        joined_rows.append((pooled_header, str(joined.pooled)))
    joined_rows.append((_("colleagues who invited someone"), str(summary.inviters)))
    panels["joined"] = Panel(
        key="joined",
        charts=(
            hbar_chart(
                chart_id="chart-joined",
                title=_("The snowball: how participants joined"),
                description=note,
                labels=[str(label) for label in JoinedVia.labels],
                series=Series(_("participants"), [joined.parts[v].value for v in JoinedVia.values]),
                fills=list(JOINED_COLORS.values()),
            ),
            _stacked(
                "chart-joined-months",
                _("The snowball per month: participants by how they joined"),
                months,
                summary.joined_months,
                [(v, str(JoinedVia(v).label), JOINED_COLORS[v]) for v in JoinedVia.values],
                note,
            ),
        ),
        headers=(
            _("Month"),
            *(str(label) for label in JoinedVia.labels),
            pooled_header,
            _("total"),
        ),
        rows=_breakdown_rows(months, summary.joined_months, list(JoinedVia.values)),
    )

    channel_labels = dict(Channel.choices)
    milestone_labels = dict(MilestoneKind.choices)
    panels["channels"] = Panel(
        key="channels",
        charts=(),
        headers=(_("Channel"), _("participants with a complete profile")),
        rows=tuple((str(channel_labels[c]), str(f)) for c, f in summary.channels),
    )
    panels["milestones"] = Panel(
        key="milestones",
        charts=(),
        headers=(_("Milestone"), _("participants who reached it")),
        rows=tuple((str(milestone_labels[k]), str(f)) for k, f in summary.milestones),
    )
    return panels


def _query(department: Department | None, period: str, **extra: str) -> str:
    params = {"period": period, **extra}
    if department is not None:
        params["department"] = str(department.pk)
    return urlencode(params)


@org_view(Role.MANAGER, Role.ADMIN, Role.COACH)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Aggregates only; ``?print=1`` renders the same figures as a page to print."""
    organisation = request.org_access.organisation  # type: ignore[attr-defined]
    raw = request.GET.get("department", "")
    department = selectors.department_for(organisation, raw) if raw else None
    period = request.GET.get("period", Period.WEEK)
    board = selectors.dashboard_for(organisation, department=department, period=period)
    context = {
        "board": board,
        "panels": _panels(board),
        "periods": Period.choices,
        "print_query": _query(department, board.period, print="1"),
        "screen_query": _query(department, board.period),
    }
    if request.GET.get("print") == "1":
        return render(request, "coaching/dashboard_print.html", context)
    return render(request, "coaching/dashboard.html", context)


@org_view(Role.PARTICIPANT)
def my_visibility(request: HttpRequest) -> HttpResponse:
    """What my manager sees: every figure about the participant that reaches a manager."""
    access = request.org_access  # type: ignore[attr-defined]
    membership = access.membership(Role.PARTICIPANT)
    return render(
        request,
        "coaching/visibility.html",
        {"seen": selectors.visibility_for(membership), "me": membership},
    )
