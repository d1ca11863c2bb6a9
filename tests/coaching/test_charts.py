"""SVG charts: well-formed XML, accessible (role, title, desc), every text escaped, hidden
figures drawn as a dash and never as a bar."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from coaching.charts import (
    HIDDEN_MARK,
    Series,
    bar_chart,
    hbar_chart,
    line_chart,
    nice_ceiling,
    stacked_bar_chart,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
EVIL = "<script>alert(\"x\")</script> & 'quotes'"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)  # noqa: S314 - our own markup, parsed to check it
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def accessible(root: ET.Element, chart_id: str) -> None:
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.get("id") == f"{chart_id}-title" and title.text
    assert desc is not None and desc.get("id") == f"{chart_id}-desc"


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_bar_chart_is_valid_accessible_svg_with_one_bar_per_value():
    markup = bar_chart(
        chart_id="c1",
        title="Items reviewed",
        description="Per week",
        labels=["1 Mar", "8 Mar", "15 Mar"],
        series=Series("items", [4, 0, 10]),
    )
    root = parse(markup)
    accessible(root, "c1")
    bars = root.findall(".//svg:rect[@class='bar']", NS)
    assert len(bars) == 2  # a zero draws no bar
    heights = sorted(float(b.get("height")) for b in bars)
    assert heights[1] == pytest.approx(200) and heights[0] == pytest.approx(80)
    assert {"1 Mar", "8 Mar", "15 Mar", "4", "0", "10"} <= set(texts(root))


def test_every_label_is_escaped():
    charts = [
        bar_chart(
            chart_id="x",
            title=EVIL,
            description=EVIL,
            labels=[EVIL],
            series=Series(EVIL, [3]),
        ),
        line_chart(
            chart_id="y",
            title=EVIL,
            description=EVIL,
            labels=[EVIL, "b"],
            series=[Series(EVIL, [1, 2]), Series("other", [2, 1], dash="4 2")],
        ),
        stacked_bar_chart(
            chart_id="z",
            title=EVIL,
            description=EVIL,
            labels=[EVIL],
            series=[Series(EVIL, [1]), Series("rest", [2], hatch=True)],
        ),
        hbar_chart(
            chart_id="w", title=EVIL, description=EVIL, labels=[EVIL], series=Series(EVIL, [1])
        ),
    ]
    for markup in charts:
        assert "<script>" not in markup
        assert "&lt;script&gt;" in markup
        root = parse(markup)
        assert root.find("svg:title", NS).text == EVIL
        assert EVIL in texts(root) or any(EVIL in (t.text or "") for t in root.iter())
        assert not list(root.iter("{http://www.w3.org/2000/svg}script"))


def test_chart_id_cannot_break_out_of_its_attribute():
    markup = bar_chart(
        chart_id='a" onload="alert(1)',
        title="t",
        description="d",
        labels=["x"],
        series=Series("s", [1]),
    )
    root = parse(markup)
    assert root.get("onload") is None
    assert root.get("data-chart") == 'a" onload="alert(1)'


def test_hidden_values_are_a_dash_not_a_bar():
    root = parse(
        bar_chart(
            chart_id="h",
            title="Active participants",
            description="Groups under 5 are not shown",
            labels=["a", "b"],
            series=Series("active", [None, 7]),
        )
    )
    assert len(root.findall(".//svg:rect[@class='bar']", NS)) == 1
    assert HIDDEN_MARK in texts(root)


def test_line_chart_breaks_the_line_at_a_hidden_value():
    root = parse(
        line_chart(
            chart_id="l",
            title="Activity",
            description="d",
            labels=["a", "b", "c", "d", "e"],
            series=[Series("active", [5, 6, None, 7, 8]), Series("reactions", [1, 2, 3, 4, 5])],
        )
    )
    accessible(root, "l")
    lines = root.findall(".//svg:polyline", NS)
    assert len(lines) == 3  # two runs of the first series, one of the second
    assert len(root.findall(".//svg:circle", NS)) == 9
    assert {"active", "reactions"} <= set(texts(root))  # the legend


def test_stacked_bar_chart_stacks_and_totals_each_column():
    root = parse(
        stacked_bar_chart(
            chart_id="s",
            title="The ladder per month",
            description="d",
            labels=["Jan", "Feb", "Mar"],
            series=[
                Series("Spectators", [5, 6, None]),
                Series("Critics", [5, 0, None]),
                Series("not broken out", [0, 6, None], hatch=True),
            ],
        )
    )
    accessible(root, "s")
    segments = root.findall(".//svg:rect[@class='segment']", NS)
    assert len(segments) == 4
    assert root.find(".//svg:pattern[@id='s-hatch']", NS) is not None
    assert any(s.get("fill") == "url(#s-hatch)" for s in segments)
    values = texts(root)
    assert "10" in values and "12" in values and HIDDEN_MARK in values
    # The column of 12 reaches the top of the scale (nice ceiling 20 → 120 px of 200).
    feb = [s for s in segments if float(s.get("x")) > 200 and float(s.get("x")) < 400]
    assert sum(float(s.get("height")) for s in feb) == pytest.approx(120)


def test_hbar_chart_with_decimals_uses_the_active_language():
    with translation.override("nl"):
        markup = hbar_chart(
            chart_id="conf",
            title="Vertrouwen",
            description="d",
            labels=["begin", "nu"],
            series=Series("gemiddeld", [2.4, 3.5]),
            max_value=5,
            decimals=1,
            fills=["#d4a72c", "#9a6700"],
        )
    root = parse(markup)
    assert {"2,4", "3,5"} <= set(texts(root))
    bars = root.findall(".//svg:rect[@class='bar']", NS)
    assert [b.get("fill") for b in bars] == ["#d4a72c", "#9a6700"]
    # Coordinates are never localised.
    assert all("," not in (b.get("width") or "") for b in bars)


def test_mismatched_values_are_refused():
    with pytest.raises(ValueError, match="one value per label"):
        bar_chart(chart_id="e", title="t", description="d", labels=["a"], series=Series("s", []))
    with pytest.raises(ValueError, match="every series"):
        line_chart(
            chart_id="e", title="t", description="d", labels=["a"], series=[Series("s", [1, 2])]
        )


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (23, 25), (180, 200)]
)
def test_nice_ceiling(value, expected):
    assert nice_ceiling(value) == expected


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (1, ["0", "1"]),
        (2, ["0", "1", "2"]),
        (5, ["0", "1", "2", "3", "4", "5"]),
        (10, ["0", "2", "4", "6", "8", "10"]),
        (25, ["0", "5", "10", "15", "20", "25"]),
        (200, ["0", "50", "100", "150", "200"]),
    ],
)
def test_axis_ticks_are_round_numbers(top, ticks):
    root = parse(
        bar_chart(chart_id="t", title="t", description="d", labels=["a"], series=Series("s", [top]))
    )
    axis = [t.text for t in root.findall(".//svg:text[@class='axis']", NS)]
    assert axis[:-1] == ticks  # the last is the label under the bar
