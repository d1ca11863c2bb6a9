"""Small charts as server-rendered inline SVG: no script, no external assets, fine on paper.

Every function is pure: it takes labels and numbers and returns safe markup in which each text
(titles, labels, series names) is escaped by ``format_html``, so a label holding ``<script>``
is shown as text. Coordinates are plain numbers, never localised; values shown as text are.

A value of ``None`` is a figure that is not broken out (see coaching.dashboard): no bar or
point is drawn for it, only a dash, and the chart's description says why. Each chart is an
``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``; the page puts a table of the
same numbers beneath it. Series are told apart by lightness, hatching and dash patterns as well
as colour, so they survive a black-and-white printer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

__all__ = ["HIDDEN_MARK", "Series", "bar_chart", "hbar_chart", "line_chart", "stacked_bar_chart"]

WIDTH = 640
PLOT_HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 18, 30
LEGEND_ROW = 18
LEGEND_CHAR_WIDTH = 6.8
HIDDEN_MARK = "–"
SVG_NS = "http://www.w3.org/2000/svg"

Number = int | float


@dataclass(frozen=True)
class Series:
    """One named row of values. ``color`` is a fill or stroke colour; ``hatch`` fills with
    diagonal lines instead; ``dash`` is an SVG dash pattern for lines."""

    name: str
    values: Sequence[Number | None]
    color: str = "#1f6feb"
    hatch: bool = False
    dash: str = ""


def _f(value: float) -> str:
    """A coordinate: a plain number with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _shown(value: Number | None, decimals: int) -> str:
    if value is None:
        return HIDDEN_MARK
    return number_format(value, decimals if isinstance(value, float) else 0)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _ticks(top: float) -> list[float]:
    """Grid lines at whole, round steps: 0, 5, 10, 15, 20 rather than 0, 6.25, 12.5, …"""
    for parts in (4, 5, 2):
        step = top / parts
        if step >= 1 and float(step).is_integer():
            return [step * i for i in range(parts + 1)]
    return [0.0, float(top)]


def _legend_positions(series: Sequence[Series]) -> list[tuple[float, int]]:
    """(x, row) of each legend item, flowing left to right and wrapping; an item is as wide
    as its name (estimated: no fonts are measured on the server)."""
    positions = []
    x, row = float(LEFT), 0
    for s in series:
        width = 22 + len(s.name) * LEGEND_CHAR_WIDTH + 18
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, row = float(LEFT), row + 1
        positions.append((x, row))
        x += width
    return positions


def _legend_height(series: Sequence[Series]) -> int:
    if len(series) < 2:
        return 0
    return (_legend_positions(series)[-1][1] + 1) * LEGEND_ROW + 6


def _open(chart_id: str, title: str, description: str, height: int) -> SafeString:
    return format_html(
        '<svg xmlns="{ns}" class="chart chart-wide" role="img" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" font-family="system-ui, sans-serif" font-size="11" '
        'aria-labelledby="{id}-title {id}-desc" '
        'data-chart="{id}"><title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>',
        ns=SVG_NS,
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
    )


def _defs(chart_id: str, series: Sequence[Series]) -> SafeString:
    if not any(s.hatch for s in series):
        return mark_safe("")  # noqa: S308 - a constant
    return format_html(
        '<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#555555" stroke-width="2"/></pattern></defs>',
        id=chart_id,
    )


def _fill(chart_id: str, series: Series) -> str:
    return f"url(#{chart_id}-hatch)" if series.hatch else series.color


def _axis(top: float, plot_bottom: float, scale: float, decimals: int) -> SafeString:
    parts = []
    for tick in _ticks(top):
        y = plot_bottom - tick * scale
        parts.append(
            format_html(
                '<line class="grid" x1="{l}" x2="{r}" y1="{y}" y2="{y}"/>'
                '<text class="axis" x="{tx}" y="{y}" text-anchor="end" '
                'dominant-baseline="middle">{label}</text>',
                l=LEFT,
                r=WIDTH - RIGHT,
                y=_f(y),
                tx=LEFT - 6,
                label=_shown(int(tick) if float(tick).is_integer() else tick, decimals),
            )
        )
    return format_html_join("", "{}", ((p,) for p in parts))


def _x_labels(labels: Sequence[str], centres: Sequence[float], y: float) -> SafeString:
    return format_html_join(
        "",
        '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((_f(x), _f(y), label) for x, label in zip(centres, labels, strict=True)),
    )


def _legend(
    chart_id: str, series: Sequence[Series], y0: float, *, lines: bool = False
) -> SafeString:
    if len(series) < 2:
        return mark_safe("")  # noqa: S308 - a constant
    items = []
    for s, (x, row) in zip(series, _legend_positions(series), strict=True):
        y = y0 + row * LEGEND_ROW
        if lines:
            swatch = format_html(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{c}" stroke-width="2.5" '
                'stroke-dasharray="{d}"/>',
                x1=_f(x),
                x2=_f(x + 18),
                y=_f(y + 6),
                c=s.color,
                d=s.dash or "none",
            )
        else:
            swatch = format_html(
                '<rect x="{x}" y="{y}" width="12" height="12" fill="{fill}" stroke="#333333" '
                'stroke-width="0.5"/>',
                x=_f(x),
                y=_f(y),
                fill=_fill(chart_id, s),
            )
        items.append(
            format_html(
                '<g class="legend-item">{swatch}<text class="legend" x="{tx}" y="{ty}">{name}'
                "</text></g>",
                swatch=swatch,
                tx=_f(x + 22),
                ty=_f(y + 10),
                name=s.name,
            )
        )
    return format_html_join("", "{}", ((item,) for item in items))


def _columns(count: int) -> tuple[float, list[float]]:
    band = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return band, [LEFT + band * (i + 0.5) for i in range(count)]


def _top(values: Sequence[Number | None], max_value: float | None) -> float:
    if max_value is not None:
        return max_value
    return nice_ceiling(max([v for v in values if v is not None] or [0]))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Series,
    max_value: float | None = None,
    decimals: int = 0,
) -> SafeString:
    """Vertical bars, one per label, each with its value written above it."""
    values = list(series.values)
    if len(values) != len(labels):
        raise ValueError("one value per label")
    top = _top(values, max_value)
    height = TOP + PLOT_HEIGHT + BOTTOM
    plot_bottom = TOP + PLOT_HEIGHT
    scale = PLOT_HEIGHT / top
    band, centres = _columns(len(labels))
    bar_width = min(band * 0.6, 64)
    bars = []
    for label, value, x in zip(labels, values, centres, strict=True):
        if value is None or value <= 0:
            bars.append(
                format_html(
                    '<text class="value" x="{x}" y="{y}" text-anchor="middle">{v}</text>',
                    x=_f(x),
                    y=_f(plot_bottom - 4),
                    v=_shown(value, decimals),
                )
            )
            continue
        h = min(value, top) * scale
        bars.append(
            format_html(
                '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}">'
                "<title>{label}: {v}</title></rect>"
                '<text class="value" x="{cx}" y="{ty}" text-anchor="middle">{v}</text>',
                x=_f(x - bar_width / 2),
                y=_f(plot_bottom - h),
                w=_f(bar_width),
                h=_f(h),
                fill=_fill(chart_id, series),
                label=label,
                v=_shown(value, decimals),
                cx=_f(x),
                ty=_f(plot_bottom - h - 4),
            )
        )
    return format_html(
        "{open}{defs}{axis}{bars}{labels}</svg>",
        open=_open(chart_id, title, description, height),
        defs=_defs(chart_id, [series]),
        axis=_axis(top, plot_bottom, scale, decimals),
        bars=format_html_join("", "{}", ((b,) for b in bars)),
        labels=_x_labels(labels, centres, plot_bottom + 18),
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    max_value: float | None = None,
    decimals: int = 0,
) -> SafeString:
    """One line per series over the labels; a hidden value breaks the line."""
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError("one value per label in every series")
    top = _top([v for s in series for v in s.values], max_value)
    legend_height = _legend_height(series)
    plot_bottom = TOP + PLOT_HEIGHT
    height = plot_bottom + BOTTOM + legend_height
    scale = PLOT_HEIGHT / top
    _band, centres = _columns(len(labels))
    drawn = []
    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        dots = []
        for label, value, x in zip(labels, s.values, centres, strict=True):
            if value is None:
                runs.append([])
                dots.append(
                    format_html(
                        '<text class="value" x="{x}" y="{y}" text-anchor="middle">{m}</text>',
                        x=_f(x),
                        y=_f(plot_bottom - 14),
                        m=HIDDEN_MARK,
                    )
                )
                continue
            y = plot_bottom - min(value, top) * scale
            runs[-1].append((x, y))
            dots.append(
                format_html(
                    '<circle class="point" cx="{x}" cy="{y}" r="3.5" fill="#ffffff" stroke="{c}" '
                    'stroke-width="2">'
                    "<title>{name}, {label}: {v}</title></circle>",
                    x=_f(x),
                    y=_f(y),
                    c=s.color,
                    name=s.name,
                    label=label,
                    v=_shown(value, decimals),
                )
            )
        lines = format_html_join(
            "",
            '<polyline class="series" points="{}" fill="none" stroke="{}" stroke-width="2.5" '
            'stroke-dasharray="{}"/>',
            (
                (" ".join(f"{_f(x)},{_f(y)}" for x, y in run), s.color, s.dash or "none")
                for run in runs
                if len(run) > 1
            ),
        )
        drawn.append(format_html("{}{}", lines, format_html_join("", "{}", ((d,) for d in dots))))
    legend = _legend(chart_id, series, plot_bottom + BOTTOM, lines=True)
    return format_html(
        "{open}{axis}{lines}{labels}{legend}</svg>",
        open=_open(chart_id, title, description, height),
        axis=_axis(top, plot_bottom, scale, decimals),
        lines=format_html_join("", "{}", ((d,) for d in drawn)),
        labels=_x_labels(labels, centres, plot_bottom + 18),
        legend=legend,
    )


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    max_value: float | None = None,
) -> SafeString:
    """One column per label, stacked from the first series at the bottom upwards, with the
    column's total above it. A column whose every value is None is not broken out at all."""
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError("one value per label in every series")
    totals: list[int | None] = []
    for i in range(len(labels)):
        column = [s.values[i] for s in series]
        totals.append(None if all(v is None for v in column) else sum(v or 0 for v in column))
    top = _top(totals, max_value)
    legend_height = _legend_height(series)
    plot_bottom = TOP + PLOT_HEIGHT
    height = plot_bottom + BOTTOM + legend_height
    scale = PLOT_HEIGHT / top
    band, centres = _columns(len(labels))
    bar_width = min(band * 0.7, 64)
    parts = []
    for i, (label, x) in enumerate(zip(labels, centres, strict=True)):
        total = totals[i]
        y = plot_bottom
        for s in series:
            value = s.values[i]
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(
                format_html(
                    '<rect class="segment" x="{x}" y="{y}" width="{w}" height="{h}" '
                    'fill="{fill}" stroke="#ffffff" stroke-width="0.5">'
                    "<title>{label}, {name}: {v}</title></rect>",
                    x=_f(x - bar_width / 2),
                    y=_f(y),
                    w=_f(bar_width),
                    h=_f(h),
                    fill=_fill(chart_id, s),
                    label=label,
                    name=s.name,
                    v=_shown(value, 0),
                )
            )
        parts.append(
            format_html(
                '<text class="value" x="{x}" y="{y}" text-anchor="middle">{v}</text>',
                x=_f(x),
                y=_f(y - 4),
                v=_shown(total, 0),
            )
        )
    return format_html(
        "{open}{defs}{axis}{bars}{labels}{legend}</svg>",
        open=_open(chart_id, title, description, height),
        defs=_defs(chart_id, series),
        axis=_axis(top, plot_bottom, scale, 0),
        bars=format_html_join("", "{}", ((p,) for p in parts)),
        labels=_x_labels(labels, centres, plot_bottom + 18),
        legend=_legend(chart_id, series, plot_bottom + BOTTOM),
    )


HBAR_LABEL_WIDTH = 120
LABEL_CHAR_WIDTH = 6.6
HBAR_ROW = 26


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Series,
    max_value: float | None = None,
    decimals: int = 0,
    fills: Sequence[str] | None = None,
) -> SafeString:
    """Horizontal bars, one row per label (top to bottom), the value written after each bar.
    ``fills`` gives each row its own colour (a rung of the ladder keeps its colour)."""
    values = list(series.values)
    if len(values) != len(labels) or (fills is not None and len(fills) != len(labels)):
        raise ValueError("one value (and fill) per label")
    top = _top(values, max_value)
    # Room for the longest label (estimated, as for the legend), within bounds.
    longest = max((len(label) for label in labels), default=0)
    plot_left = min(max(HBAR_LABEL_WIDTH, 16 + longest * LABEL_CHAR_WIDTH), WIDTH // 2)
    plot_right = WIDTH - RIGHT - 48
    scale = (plot_right - plot_left) / top
    height = TOP + len(labels) * HBAR_ROW + 8
    rows = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + i * HBAR_ROW
        middle = y + HBAR_ROW / 2
        length = 0.0 if value is None or value <= 0 else min(value, top) * scale
        fill = fills[i] if fills is not None else _fill(chart_id, series)
        bar = (
            format_html(
                '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" '
                'stroke="#333333" stroke-width="0.5"><title>{label}: {v}</title></rect>',
                x=_f(plot_left),
                y=_f(y + 4),
                w=_f(length),
                h=HBAR_ROW - 8,
                fill=fill,
                label=label,
                v=_shown(value, decimals),
            )
            if length
            else mark_safe("")  # noqa: S308 - a constant
        )
        rows.append(
            format_html(
                '<text class="axis label" x="{lx}" y="{my}" text-anchor="end" '
                'dominant-baseline="middle">{label}</text>{bar}'
                '<text class="value" x="{vx}" y="{my}" dominant-baseline="middle">{v}</text>',
                lx=_f(plot_left - 8),
                my=_f(middle),
                label=label,
                bar=bar,
                vx=_f(plot_left + length + 6),
                v=_shown(value, decimals),
            )
        )
    return format_html(
        '{open}{defs}<line class="grid" x1="{x}" x2="{x}" y1="{y1}" y2="{y2}"/>{rows}</svg>',
        open=_open(chart_id, title, description, height),
        defs=_defs(chart_id, [series]),
        x=_f(plot_left),
        y1=TOP,
        y2=_f(TOP + len(labels) * HBAR_ROW),
        rows=format_html_join("", "{}", ((r,) for r in rows)),
    )
