"""A coach adds a feed, sees it pending, sees it healthy once a worker polled it, and pauses
and resumes it, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from monitoring.models import Subscription
from monitoring.pipeline import source_poll
from onboarding.models import Role
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, MembershipFactory
from tests.monitoring.brokers import IN_MEMORY, celery_broker
from tests.monitoring.builders import monitored_organisation, rss

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLES = [
    {
        "title": "Huurprijzen stijgen opnieuw",
        "link": "https://news.example.org/huur",
        "description": "<p>De huurprijzen in de regio stijgen.</p>",
    },
    {
        "title": "Nieuwe bibliotheek geopend",
        "link": "https://news.example.org/bieb",
        "description": "<p>Boeken.</p>",
    },
]


@pytest.fixture
def feed_url(settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    settings.SPRINGPLANK_FETCH_DEADLINE = 5
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(ARTICLES, title="Regio Nieuws"), content_type="application/rss+xml"
    )
    return f"http://127.0.0.1:{httpserver.port}/feed.xml"


@pytest.fixture(autouse=True)
def memory_broker():
    with celery_broker(IN_MEMORY):
        yield


def test_coach_adds_a_feed_sees_it_polled_then_pauses_and_resumes_it(page, feed_url):
    org = monitored_organisation({"Housing": "huurprijzen"}, slug="acme", name="Acme")
    coach = MembershipFactory(organisation=org, role=Role.COACH)
    log_in(page, coach.user.email, PASSWORD)
    page.wait_for_url("**/o/acme/**")

    page.click('[data-nav="sources"]')
    page.wait_for_url("**/o/acme/sources/")
    page.click('[data-action="add"]')
    page.fill("#id_url", feed_url)
    page.select_option("#id_topic", label="Housing")
    page.click("button[type=submit].primary")

    page.wait_for_url("**/o/acme/sources/*/")
    health = page.get_by_test_id("health")
    assert health.get_by_test_id("status").inner_text() == "pending"
    assert "checked in a moment" in health.inner_text()
    assert "It will be checked in a moment." in page.locator(".messages").inner_text()

    subscription = Subscription.objects.get(organisation=org)
    assert source_poll(source_id=subscription.source_id).status == "ok"

    page.reload()
    assert page.get_by_test_id("health").get_by_test_id("status").inner_text() == "ok"
    assert page.get_by_test_id("page-title").inner_text() == "Regio Nieuws"
    rows = page.get_by_test_id("item-row")
    assert rows.count() == 2
    housing = rows.filter(has_text="Huurprijzen stijgen opnieuw")
    assert housing.get_by_test_id("queued").count() == 1
    assert "Housing: huurprijzen" in housing.inner_text()
    link = housing.get_by_role("link", name="Huurprijzen stijgen opnieuw")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "not queued" in rows.filter(has_text="Nieuwe bibliotheek").inner_text()

    page.click('[data-nav="sources"]')
    row = page.get_by_test_id("source-row").filter(has_text="Regio Nieuws")
    expect(row.get_by_test_id("status")).to_have_text("ok")
    row.locator('[data-action="pause"]').click()
    expect(page.locator(".messages")).to_contain_text("Paused")
    row = page.get_by_test_id("source-row").filter(has_text="Regio Nieuws")
    expect(row.get_by_test_id("paused")).to_be_visible()

    row.locator('[data-action="resume"]').click()
    expect(page.locator(".messages")).to_contain_text("Resumed")
    row = page.get_by_test_id("source-row").filter(has_text="Regio Nieuws")
    expect(row.get_by_test_id("paused")).to_have_count(0)
    expect(row.locator('[data-action="pause"]')).to_be_visible()
    subscription.refresh_from_db()
    assert subscription.paused_at is None
