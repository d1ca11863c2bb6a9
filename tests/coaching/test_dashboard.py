"""The adoption dashboard: its numbers against known data, the privacy threshold (no group of
fewer than 5 people broken out, not even by subtraction), the department filter, who may see
it, its query count, the print layout, and "What my manager sees"."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from coaching.dashboard import (
    DERIVED,
    SMALL,
    JoinedVia,
    Period,
    breakdown,
    dashboard_for,
    subset,
    visibility_for,
)
from coaching.ladder import Rung
from coaching.models import ActivityKind, MilestoneKind
from onboarding.models import Department, Membership, Organisation, Role
from tests.factories import (
    ActivityFactory,
    ConfidenceCheckFactory,
    DepartmentFactory,
    IntakeFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProfileFactory,
    TriageFactory,
)

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2025, 3, 15, 12, 0, tzinfo=AMS)  # a Saturday; the week began on 10 March
THIS_WEEK = dt.datetime(2025, 3, 12, 10, 0, tzinfo=AMS)
LAST_WEEK = dt.datetime(2025, 3, 5, 10, 0, tzinfo=AMS)
TWO_WEEKS_AGO = dt.datetime(2025, 2, 26, 10, 0, tzinfo=AMS)
LONG_AGO = dt.datetime(2024, 12, 1, 9, 0, tzinfo=AMS)


# --------------------------------------------------------------------------------------------
# The privacy rules themselves


def test_breakdown_hides_small_parts_and_what_would_reveal_them():
    result = breakdown({"a": 8, "b": 5, "c": 1, "d": 0}, 5)
    assert result.total.value == 14
    assert result.parts["a"].value == 8
    # "c" alone would be 14 − 8 − 5: the smallest shown part ("b") is pooled with it.
    assert result.parts["c"].hidden and result.parts["c"].reason == SMALL
    assert result.parts["b"].hidden and result.parts["b"].reason == DERIVED
    assert result.parts["d"].value == 0
    assert result.pooled.value == 6
    assert str(result.parts["c"]) == "fewer than 5 people"
    assert str(result.parts["b"]) == "not broken out"


def test_breakdown_pools_until_the_pool_is_big_enough():
    result = breakdown({"a": 20, "b": 2, "c": 1, "d": 6}, 5)
    # b and c together are 3, still under 5: d joins them.
    assert [k for k, f in result.parts.items() if f.hidden] == ["b", "c", "d"]
    assert result.pooled.value == 9
    assert result.parts["a"].value == 20


def test_breakdown_of_a_small_total_shows_nothing():
    result = breakdown({"a": 3, "b": 1}, 5)
    assert result.hidden and result.pooled is None
    assert all(f.hidden for f in result.parts.values())
    assert str(result.total) == "fewer than 5 people"


def test_breakdown_shows_everything_when_every_part_is_big_or_empty():
    result = breakdown({"a": 5, "b": 0, "c": 12}, 5)
    assert [f.value for f in result.parts.values()] == [5, 0, 12]
    assert result.pooled is None


def test_a_threshold_of_one_hides_nothing():
    result = breakdown({"a": 1, "b": 2}, 1)
    assert [f.value for f in result.parts.values()] == [1, 2]


def test_subset_hides_the_group_and_its_complement():
    assert subset(3, 20, 5).reason == SMALL
    assert subset(18, 20, 5).reason == DERIVED  # would single out the two others
    assert subset(15, 20, 5).value == 15
    assert subset(20, 20, 5).value == 20
    assert subset(0, 20, 5).value == 0


# --------------------------------------------------------------------------------------------
# An organisation with known numbers


@dataclass
class Acme:
    org: Organisation
    care: Department
    hr: Department
    finance: Department
    manager: Membership
    coach: Membership
    c: list[Membership]
    h: list[Membership]
    f: list[Membership]


def _participant(org, department, name, invited_by=None, joined=LONG_AGO):
    return MembershipFactory(
        organisation=org,
        department=department,
        role=Role.PARTICIPANT,
        invited_by=invited_by,
        created_at=joined,
        user__first_name=name,
    )


def build_acme(slug: str = "acme") -> Acme:
    """14 participants: Care 6 (c0–c5), HR 6 (h0–h5, h5 joined on 1 March), Finance 2.

    Joined: c1–c5 invited by c0 and h1–h4 by h0 (9 by a colleague); c0, h0, h5, f0, f1 by the
    coach (5). This week c0–c4 posted a reaction (their first) and c0–c5 and h0 reviewed an
    item; last week h0–h5 reviewed two items each; two weeks ago f0 reviewed one. f1 did
    nothing. Confidence: c0–c5 went from 2 to 4, h0–h5 answered 3 once. Complete LinkedIn
    profiles for all 14 (saved long ago), X for c0–c2. Getting started finished by c0–c5 and
    h0–h2.
    """
    org = OrganisationFactory(slug=slug, name="Acme Care")
    care = DepartmentFactory(organisation=org, name="Care")
    hr = DepartmentFactory(organisation=org, name="HR")
    finance = DepartmentFactory(organisation=org, name="Finance")
    coach = MembershipFactory(
        organisation=org, role=Role.COACH, user__first_name="Carla", user__last_name="Coach"
    )
    manager = MembershipFactory(
        organisation=org, role=Role.MANAGER, user__first_name="Mia", user__last_name="Manager"
    )
    c0 = _participant(org, care, "c0", coach)
    c = [c0] + [_participant(org, care, f"c{i}", c0) for i in range(1, 6)]
    h0 = _participant(org, hr, "h0", coach)
    h = [h0] + [_participant(org, hr, f"h{i}", h0) for i in range(1, 5)]
    h.append(_participant(org, hr, "h5", coach, joined=dt.datetime(2025, 3, 1, tzinfo=AMS)))
    f = [_participant(org, finance, f"f{i}", coach) for i in range(2)]

    for m in c[:5]:
        ActivityFactory(membership=m, kind=ActivityKind.REACTION_POSTED, occurred_at=THIS_WEEK)
        MilestoneFactory(membership=m, kind=MilestoneKind.FIRST_REACTION, achieved_at=THIS_WEEK)
    for m in [*c, h0]:
        ActivityFactory(membership=m, kind=ActivityKind.ITEM_REVIEWED, occurred_at=THIS_WEEK)
    for m in h:
        for _ in range(2):
            ActivityFactory(membership=m, kind=ActivityKind.ITEM_REVIEWED, occurred_at=LAST_WEEK)
    ActivityFactory(membership=f[0], kind=ActivityKind.ITEM_REVIEWED, occurred_at=TWO_WEEKS_AGO)
    for m in c:
        ConfidenceCheckFactory(membership=m, score=2, taken_at=LONG_AGO)
        ConfidenceCheckFactory(membership=m, score=4, taken_at=LAST_WEEK)
    for m in h:
        ConfidenceCheckFactory(membership=m, score=3, taken_at=LAST_WEEK)
    for m in [*c, *h, *f]:
        ProfileFactory(membership=m, channel="linkedin", status="complete", updated_at=LONG_AGO)
    for m in c[:3]:
        ProfileFactory(membership=m, channel="x", status="complete", updated_at=LONG_AGO)
    for m in [*c, *h[:3]]:
        IntakeFactory(membership=m, complete=True)
    return Acme(org, care, hr, finance, manager, coach, c, h, f)


@pytest.fixture
def acme() -> Acme:
    return build_acme()


def dashboard_url(org: Organisation, **params: object) -> str:
    url = reverse("dashboard", kwargs={"org": org.slug})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_numbers_of_the_whole_organisation(acme):
    board = dashboard_for(acme.org, now=NOW)
    s = board.summary
    assert board.participants.value == 14
    # 13 of 14 were active in the last 30 days: showing 13 would single out f1.
    assert s.active.hidden and s.active.reason == DERIVED
    assert s.onboarded.value == 9
    assert s.joined.parts[JoinedVia.COLLEAGUE].value == 9
    assert s.joined.parts[JoinedVia.COACH].value == 5
    assert s.joined.parts[JoinedVia.UNKNOWN].value == 0
    assert s.inviters.hidden  # two colleagues invited others: fewer than 5

    trend = board.trend
    assert trend.period == Period.WEEK and len(trend.buckets) == 12
    assert trend.buckets[-1].start == dt.datetime(2025, 3, 10, tzinfo=AMS)
    assert trend.buckets[0].start == dt.datetime(2024, 12, 23, tzinfo=AMS)
    assert [f.value for f in trend.reactions[-3:]] == [0, 0, 5]
    assert [f.value for f in trend.reviewed[-3:]] == [1, 12, 7]
    assert [f.value for f in trend.milestones[-3:]] == [0, 0, 5]
    # Active per week: 1 (hidden), 6 of 14, 7 of 14.
    assert trend.active[-3].reason == SMALL
    assert [f.value for f in trend.active[-2:]] == [6, 7]

    # The ladder now: Critics c0–c4 (5), Spectators 8, Inactive f1 (1). Inactives alone would
    # be 14 − 5 − 8: the Critics are pooled with them.
    now = s.ladder_now
    assert now.parts[Rung.SPECTATORS].value == 8
    assert now.parts[Rung.INACTIVES].reason == SMALL
    assert now.parts[Rung.CRITICS].reason == DERIVED
    assert now.pooled.value == 6
    assert now.parts[Rung.CREATORS].value == 0
    # December: every complete profile was saved then, so all 13 who had joined were Joiners.
    december = s.ladder_months[8]
    assert december.parts[Rung.JOINERS].value == 13 and december.total.value == 13
    # Before anybody joined, the months are empty (0 people: nothing to hide).
    assert s.ladder_months[0].total.value == 0

    assert s.confidence.people.value == 12
    assert s.confidence.start == 2.5 and s.confidence.latest == 3.5
    assert s.confidence.rose.value == 6
    channels = dict(s.channels)
    assert channels["linkedin"].value == 14
    assert channels["x"].reason == SMALL
    milestones = dict(s.milestones)
    assert milestones[MilestoneKind.FIRST_REACTION].value == 5
    assert milestones[MilestoneKind.FIRST_SESSION].value == 0


def test_monthly_trend(acme):
    board = dashboard_for(acme.org, period=Period.MONTH, now=NOW)
    trend = board.trend
    assert [b.start.month for b in trend.buckets[-2:]] == [2, 3]
    assert trend.reviewed[-1].value == 19 and trend.reviewed[-2].value == 1
    assert trend.reactions[-1].value == 5
    assert trend.active[-1].reason == DERIVED  # 12 of 14 in March: would single out f0, f1


def test_departments_are_broken_out_only_when_no_small_group_can_be_worked_out(acme):
    board = dashboard_for(acme.org, now=NOW)
    rows = {row.name: row for row in board.departments}
    # Finance (2) is too small; alone, it would be the organisation minus Care and HR, so the
    # smaller of those (Care) is pooled with it.
    assert set(rows) == {"HR", "Other departments together"}
    assert rows["Other departments together"].members == ("Care", "Finance")
    assert rows["Other departments together"].participants.value == 8
    hr = rows["HR"]
    assert hr.participants.value == 6
    assert hr.reviewed.value == 13 and hr.reactions.value == 0
    assert hr.onboarded.reason == SMALL  # 3 of 6
    assert dict((d.name, shown) for d, shown in board.department_choices) == {
        "Care": False,
        "Finance": False,
        "HR": True,
    }


def test_a_department_dashboard(acme):
    board = dashboard_for(acme.org, department=acme.hr, now=NOW)
    assert board.participants.value == 6
    assert board.summary.active.value == 6
    assert board.summary.ladder_now.parts[Rung.SPECTATORS].value == 6
    assert [f.value for f in board.trend.reviewed[-2:]] == [12, 1]
    assert board.trend.active[-1].reason == SMALL  # only h0 this week


@pytest.mark.parametrize(
    ("name", "shown"), [("Finance", "fewer than 5 people"), ("Care", "not broken out")]
)
def test_a_department_that_is_not_broken_out_shows_nothing(acme, name, shown):
    department = Department.objects.get(organisation=acme.org, name=name)
    board = dashboard_for(acme.org, department=department, now=NOW)
    assert board.hidden and board.trend is None
    assert str(board.participants) == shown


def test_the_threshold_is_a_setting(acme, settings):
    settings.SPRINGPLANK_PRIVACY_MIN_GROUP = 2
    board = dashboard_for(acme.org, department=acme.finance, now=NOW)
    assert board.participants.value == 2
    # f0 a Spectator, f1 Inactive: one each, pooled together.
    assert board.summary.ladder_now.parts[Rung.INACTIVES].reason == SMALL
    assert board.summary.ladder_now.pooled.value == 2
    assert {row.name for row in board.departments} == {"Care", "Finance", "HR"}


# --------------------------------------------------------------------------------------------
# The page


@pytest.fixture
def manager_client(client, acme):
    client.force_login(acme.manager.user)
    return client


def _svg_ids(html: str) -> set[str]:
    return set(re.findall(r'<svg[^>]*data-chart="([^"]+)"', html))


def test_manager_sees_the_charts_and_tables(manager_client, acme):
    with time_machine.travel(NOW, tick=False):
        response = manager_client.get(dashboard_url(acme.org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adoption dashboard" in html
    assert _svg_ids(html) == {
        "chart-activity",
        "chart-reviewed",
        "chart-ladder-now",
        "chart-ladder-months",
        "chart-confidence",
        "chart-joined",
        "chart-joined-months",
    }
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        ET.fromstring(svg)  # noqa: S314 - our own markup, parsed to check it
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert html.count('<details class="chart-data">') == 5
    assert 'data-testid="stat-participants"><span class="stat-value">14<' in html
    assert "fewer than 5 people" in html and "not broken out" in html
    # Nobody's name reaches the page.
    for m in [*acme.c, *acme.h, *acme.f]:
        assert f">{m.user.first_name}<" not in html
    assert 'data-nav="dashboard"' in html


def test_department_filter(manager_client, acme):
    with time_machine.travel(NOW, tick=False):
        response = manager_client.get(dashboard_url(acme.org, department=acme.hr.pk))
        small = manager_client.get(dashboard_url(acme.org, department=acme.finance.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "HR, Acme Care" in html
    assert 'data-testid="stat-participants"><span class="stat-value">6<' in html
    assert f'<option value="{acme.hr.pk}" selected>' in html
    assert small.status_code == 200
    page = small.content.decode()
    assert 'data-testid="not-broken-out"' in page and "fewer than 5 people" in page
    assert "<svg" not in page


def test_department_of_another_organisation_is_404(manager_client, acme):
    elsewhere = DepartmentFactory(name="Elsewhere")
    assert manager_client.get(dashboard_url(acme.org, department=elsewhere.pk)).status_code == 404
    for raw in ("x", "²", "9" * 30):
        assert manager_client.get(dashboard_url(acme.org, department=raw)).status_code == 404


def test_another_organisations_dashboard_is_404(manager_client, acme):
    other = build_acme("other")
    assert manager_client.get(dashboard_url(other.org)).status_code == 404


def test_participants_get_403_and_coaches_and_admins_may_look(client, acme):
    client.force_login(acme.c[0].user)
    assert client.get(dashboard_url(acme.org)).status_code == 403
    client.force_login(acme.coach.user)
    assert client.get(dashboard_url(acme.org)).status_code == 200
    admin = MembershipFactory(organisation=acme.org, role=Role.ADMIN)
    client.force_login(admin.user)
    assert client.get(dashboard_url(acme.org)).status_code == 200


def test_a_small_organisation_shows_no_figures(client):
    org = OrganisationFactory(slug="tiny")
    manager = MembershipFactory(organisation=org, role=Role.MANAGER)
    for _ in range(3):
        member = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
        ActivityFactory(membership=member, kind=ActivityKind.REACTION_POSTED)
    client.force_login(manager.user)
    html = client.get(dashboard_url(org)).content.decode()
    assert 'data-testid="not-broken-out"' in html
    assert "fewer than 5 people" in html
    assert "<svg" not in html and 'data-testid="departments"' not in html


def test_labels_are_escaped(manager_client, acme):
    acme.hr.name = "<script>alert(1)</script>"
    acme.hr.save()
    html = manager_client.get(dashboard_url(acme.org, department=acme.hr.pk)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_print_layout_has_no_navigation(manager_client, acme):
    with time_machine.travel(NOW, tick=False):
        response = manager_client.get(dashboard_url(acme.org, department=acme.hr.pk, print=1))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="print-layout"' in html
    assert 'class="nav"' not in html and 'class="topbar"' not in html
    assert '<details class="chart-data" open>' in html
    assert "HR, Acme Care" in html and "<svg" in html
    assert f'href="?period=week&amp;department={acme.hr.pk}"' in html  # back, same filter


def test_screen_layout_links_to_the_print_layout(manager_client, acme):
    html = manager_client.get(dashboard_url(acme.org, period="month")).content.decode()
    assert 'href="?period=month&amp;print=1"' in html
    assert 'onclick="window.print()"' in html
    assert "Items reviewed, per month" in html


def test_dutch_dashboard(manager_client, acme):
    acme.manager.user.language = "nl"
    acme.manager.user.save()
    html = manager_client.get(dashboard_url(acme.org)).content.decode()
    assert "Toeschouwers" in html and "Critici" in html
    assert "minder dan 5 mensen" in html


def _grow(org: Organisation, count: int) -> None:
    ops = DepartmentFactory(organisation=org, name="Ops")
    inviter = Membership.objects.filter(organisation=org, role=Role.PARTICIPANT).first()
    for i in range(count):
        member = _participant(org, ops, f"o{i}", inviter)
        for week in range(12):
            moment = NOW - dt.timedelta(weeks=week, hours=i)
            ActivityFactory(membership=member, kind=ActivityKind.ITEM_REVIEWED, occurred_at=moment)
            ActivityFactory(membership=member, kind=ActivityKind.ITEM_SAVED, occurred_at=moment)
        ActivityFactory(membership=member, kind=ActivityKind.NEWS_SHARED, occurred_at=THIS_WEEK)
        MilestoneFactory(
            membership=member, kind=MilestoneKind.FIRST_REACTION, achieved_at=LAST_WEEK
        )
        ConfidenceCheckFactory(membership=member, score=1, taken_at=LONG_AGO)
        ConfidenceCheckFactory(membership=member, score=5, taken_at=LAST_WEEK)
        ProfileFactory(membership=member, status="complete", updated_at=LAST_WEEK)


@pytest.mark.parametrize("scope", ["weeks", "months", "department"])
def test_query_count_does_not_grow_with_the_data(
    manager_client, acme, django_assert_max_num_queries, scope
):
    params = {
        "weeks": {},
        "months": {"period": "month"},
        "department": {"department": acme.hr.pk},
    }[scope]
    url = dashboard_url(acme.org, **params)
    manager_client.get(url)  # the first request of a session also writes the session
    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(25) as small:
            assert manager_client.get(url).status_code == 200
        _grow(acme.org, 40)
        with django_assert_max_num_queries(len(small.captured_queries)) as large:
            response = manager_client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    html = response.content.decode()
    if not params:
        assert 'data-testid="stat-participants"><span class="stat-value">54<' in html


# --------------------------------------------------------------------------------------------
# What my manager sees


def test_visibility_lists_the_groups_a_participant_is_in(acme):
    seen = visibility_for(acme.h[1], now=NOW)
    figures = {f.label: f for f in seen.figures}
    assert figures["Participants"].organisation == "14"
    assert figures["Participants"].department == "6"
    assert figures["Active in the last 30 days"].yours == "You are among them."
    assert figures["Active in the last 30 days"].organisation == "not broken out"
    assert figures["Active in the last 30 days"].department == "6"
    assert figures["How people joined"].yours == "invited by a colleague"
    assert figures["How people joined"].organisation == "9"
    assert figures["The ladder now (last 30 days)"].yours == "Spectators"
    assert figures["The ladder now (last 30 days)"].organisation == "8"
    assert figures["Complete profiles on LinkedIn"].organisation == "14"
    assert "Milestone: first reaction posted" not in figures
    assert seen.department_row == "shown as a row of its own"
    assert seen.months[-1].rung == Rung.SPECTATORS
    assert len(seen.months) == 4  # joined in December
    assert seen.activity == {"reactions": 0, "reviewed": 2, "active_weeks": 1, "milestones": 0}


def test_visibility_says_when_a_group_is_not_broken_out(acme):
    seen = visibility_for(acme.f[1], now=NOW)
    figures = {f.label: f for f in seen.figures}
    assert seen.department_hidden
    assert figures["Participants"].department == "fewer than 5 people"
    assert figures["The ladder now (last 30 days)"].yours == "Inactives"
    assert figures["The ladder now (last 30 days)"].organisation == "fewer than 5 people"
    assert figures["The ladder now (last 30 days)"].department == "not broken out"
    assert figures["Active in the last 30 days"].yours == "You are not among them."
    assert seen.department_row == "counted in the row “Other departments together”"


def test_visibility_page(client, acme):
    me = acme.c[0]
    TriageFactory(membership=me, queue_item__organisation=acme.org, verdict="content_idea")
    client.force_login(me.user)
    with time_machine.travel(NOW, tick=False):
        progress = client.get(reverse("my_progress", kwargs={"org": acme.org.slug}))
        url = reverse("my_visibility", kwargs={"org": acme.org.slug})
        assert f'href="{url}"' in progress.content.decode()
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "What my manager sees" in html
    assert me.user.email in html and str(acme.coach.user) in html  # the People page row
    assert "You marked 1 item as a content idea" in html
    assert "Milestone: first reaction posted" in html
    assert "Care is not broken out" in html
    activity = re.search(r'data-testid="visibility-activity">(.*?)</dl>', html, flags=re.S)
    assert (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", activity.group(1))).split()
        == (
            "Items reviewed 1 Reactions posted 1 Milestones reached 1 Weeks you were active 1"
        ).split()
    )


def test_visibility_is_for_participants_of_this_organisation(client, acme):
    client.force_login(acme.manager.user)
    url = reverse("my_visibility", kwargs={"org": acme.org.slug})
    assert client.get(url).status_code == 403
    other = build_acme("other")
    client.force_login(other.c[0].user)
    assert client.get(url).status_code == 404


def test_visibility_of_a_small_organisation(client):
    org = OrganisationFactory(slug="tiny")
    me = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    client.force_login(me.user)
    html = client.get(reverse("my_visibility", kwargs={"org": "tiny"})).content.decode()
    assert 'data-testid="organisation-hidden"' in html
    assert "fewer than 5 people" in html
