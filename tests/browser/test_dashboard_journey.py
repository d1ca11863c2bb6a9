"""A manager opens the adoption dashboard, reads the charts, looks at one department, and
prints it for a department meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coaching.models import ActivityKind, MilestoneKind
from onboarding.models import Role
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    ConfidenceCheckFactory,
    DepartmentFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _organisation():
    now = timezone.now()
    org = OrganisationFactory(slug="acme", name="Acme Care")
    coach = MembershipFactory(organisation=org, role=Role.COACH)
    manager = MembershipFactory(organisation=org, role=Role.MANAGER, user__email="mia@example.org")
    for name, size in (("Care", 6), ("HR", 7)):
        department = DepartmentFactory(organisation=org, name=name)
        first = MembershipFactory(
            organisation=org,
            department=department,
            role=Role.PARTICIPANT,
            invited_by=coach,
            created_at=now - dt.timedelta(days=90),
        )
        members = [first] + [
            MembershipFactory(
                organisation=org,
                department=department,
                role=Role.PARTICIPANT,
                invited_by=first,
                created_at=now - dt.timedelta(days=60),
            )
            for _ in range(size - 1)
        ]
        for i, member in enumerate(members):
            for week in range(6):
                ActivityFactory(
                    membership=member,
                    kind=ActivityKind.ITEM_REVIEWED,
                    occurred_at=now - dt.timedelta(weeks=week, hours=1),
                )
            if i % 2 == 0:
                ActivityFactory(
                    membership=member,
                    kind=ActivityKind.REACTION_POSTED,
                    occurred_at=now - dt.timedelta(days=3),
                )
                MilestoneFactory(
                    membership=member,
                    kind=MilestoneKind.FIRST_REACTION,
                    achieved_at=now - dt.timedelta(days=3),
                )
            ConfidenceCheckFactory(membership=member, score=2, taken_at=now - dt.timedelta(days=60))
            ConfidenceCheckFactory(membership=member, score=4, taken_at=now - dt.timedelta(days=2))
    return org, manager


def test_manager_reads_switches_department_and_prints(page):
    _org, manager = _organisation()

    log_in(page, manager.user.email, PASSWORD)
    page.wait_for_url("**/o/acme/dashboard/")
    assert page.get_by_test_id("page-title").inner_text() == "Adoption dashboard"
    assert "Acme Care, all departments" in page.get_by_test_id("dashboard-scope").inner_text()
    assert page.get_by_test_id("stat-participants").locator(".stat-value").inner_text() == "13"
    charts = page.locator("svg[data-chart]")
    assert charts.count() == 7
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("role") == "img"
        assert chart.locator("title").count() >= 1
        assert chart.bounding_box()["width"] > 200
    assert page.locator("svg[data-chart=chart-reviewed] rect.bar").count() >= 6
    assert page.locator("svg[data-chart=chart-ladder-months] rect.segment").count() >= 2
    # The numbers beneath a chart open on request.
    numbers = page.get_by_test_id("panel-activity").locator("details")
    assert not numbers.locator("table").is_visible()
    numbers.locator("summary").click()
    assert numbers.locator("table").is_visible()
    departments = page.get_by_test_id("departments")
    assert departments.locator("tbody tr").count() == 2

    # One department.
    page.get_by_test_id("department-select").select_option(label="HR")
    page.get_by_test_id("dashboard-show").click()
    page.wait_for_url("**/o/acme/dashboard/?department=*")
    assert "HR, Acme Care" in page.get_by_test_id("dashboard-scope").inner_text()
    assert page.get_by_test_id("stat-participants").locator(".stat-value").inner_text() == "7"
    assert page.locator("svg[data-chart]").count() == 7

    # Printed straight from the screen: no navigation, no filter, no buttons.
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.get_by_test_id("dashboard-filter").is_visible()
    assert not page.get_by_test_id("print-button").is_visible()
    assert page.locator("svg[data-chart=chart-activity]").is_visible()
    page.emulate_media(media="screen")

    # The print layout: the same department, every table open, no navigation at all.
    page.get_by_test_id("print-layout").click()
    page.wait_for_url("**print=1**")
    assert page.locator("nav, .topbar, .footer").count() == 0
    assert "HR, Acme Care" in page.get_by_test_id("dashboard-scope").inner_text()
    assert page.locator("svg[data-chart]").count() == 7
    assert page.get_by_test_id("panel-ladder_months").locator("table").is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_test_id("print-button").is_visible()
    assert page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") in (
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    )
    assert page.pdf()[:4] == b"%PDF"
    page.emulate_media(media="screen")
    page.get_by_test_id("back-to-dashboard").click()
    page.wait_for_url("**/o/acme/dashboard/?period=week&department=*")
    assert page.locator(".topbar").is_visible()
