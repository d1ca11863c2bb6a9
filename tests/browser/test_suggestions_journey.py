"""A coach turns an approved strategy into running monitoring from the suggestions page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from monitoring.models import SourceKind, Subscription
from onboarding.models import FollowSuggestion, Organisation, Role, Strategy, Topic
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory
from tests.monitoring.suggestion_urlconf import use_suggestion_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALERT_FEED = "https://www.google.com/alerts/feeds/01234567890123456789/98765432109876543210"


@pytest.fixture(autouse=True)
def _setup(settings, monkeypatch):
    use_suggestion_urls(settings)
    settings.SPRINGPLANK_X_BEARER_TOKEN = ""
    # No worker runs here: record the polls the pages ask for instead of reaching a broker.
    requested: list[int] = []
    monkeypatch.setattr(
        "monitoring.services.request_poll", lambda source_id: requested.append(source_id)
    )
    return requested


def approved_strategy() -> tuple[Organisation, Topic, FollowSuggestion]:
    organisation = OrganisationFactory(slug="linde", name="De Linde", language="en", country="NL")
    strategy = Strategy.objects.create(
        organisation=organisation, summary="Closer to the neighbourhood", approved_at=timezone.now()
    )
    care = Topic.objects.create(
        organisation=organisation, name="Care", query='"district nursing" OR wijkzorg -jobs'
    )
    Topic.objects.create(organisation=organisation, name="Recruiting", query="recruit* nurses")
    blog = FollowSuggestion.objects.create(
        strategy=strategy, name="Nursing blog", url="https://nursing-blog.example.org/"
    )
    return organisation, care, blog


def test_coach_sets_up_monitoring_from_the_suggestions(page):
    organisation, care, blog = approved_strategy()
    coach = MembershipFactory(organisation=organisation, role=Role.COACH)
    log_in(page, coach.user.email, PASSWORD)
    page.wait_for_url("**/o/linde/**")

    page.goto("/o/linde/sources/suggestions/")
    assert page.get_by_test_id("page-title").inner_text() == "Suggested sources"
    news_row = page.locator(f"#topic-{care.pk}-google_news")
    assert news_row.get_by_test_id("suggestion-query").inner_text() == (
        '("district nursing" OR wijkzorg) -jobs'
    )
    # X is not configured: the row says what an administrator must do, and has no button.
    x_row = page.locator(f"#topic-{care.pk}-x")
    assert "SPRINGPLANK_X_BEARER_TOKEN" in x_row.inner_text()
    assert x_row.locator("[data-action=follow]").count() == 0

    news_row.locator("[data-action=follow]").click()
    page.locator(f"#topic-{care.pk}-google_news [data-testid=followed]").wait_for()
    assert (
        "Following “Google News: Care”"
        in page.locator(f"#topic-{care.pk}-google_news").inner_text()
    )

    page.locator(f"#site-{blog.pk} [data-action=follow]").click()
    page.locator(f"#site-{blog.pk} [data-testid=followed]").wait_for()

    # The rows were replaced in place: still on the suggestions page, and it stays so on reload.
    assert page.url.endswith("/o/linde/sources/suggestions/")
    page.reload()
    assert page.locator(f"#topic-{care.pk}-google_news [data-testid=followed]").count() == 1
    assert page.locator(f"#site-{blog.pk} [data-testid=followed]").count() == 1

    page.goto("/o/linde/sources/")
    sources = page.get_by_test_id("sources").inner_text()
    assert "Google News: Care" in sources and "Nursing blog" in sources

    news = Subscription.objects.get(organisation=organisation, source__kind=SourceKind.NEWS_SEARCH)
    assert news.topic == care and news.created_by == coach
    assert Subscription.objects.get(
        organisation=organisation, source__kind=SourceKind.FEED
    ).source.url == ("https://nursing-blog.example.org/")


def test_following_works_without_javascript(browser, live_server):
    organisation, care, _blog = approved_strategy()
    coach = MembershipFactory(organisation=organisation, role=Role.COACH)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, coach.user.email, PASSWORD)
        page.wait_for_url("**/o/linde/**")
        page.goto("/o/linde/sources/suggestions/")

        page.locator(f"#topic-{care.pk}-bing_news [data-action=follow]").click()
        page.wait_for_url(f"**/o/linde/sources/suggestions/#topic-{care.pk}-bing_news")

        assert "Following “Bing News: Care”" in page.locator(".messages").inner_text()
        assert page.locator(f"#topic-{care.pk}-bing_news [data-testid=followed]").count() == 1
    finally:
        context.close()


def test_coach_follows_a_google_alert_from_the_guide(page):
    organisation, care, _blog = approved_strategy()
    coach = MembershipFactory(organisation=organisation, role=Role.COACH)
    log_in(page, coach.user.email, PASSWORD)
    page.wait_for_url("**/o/linde/**")
    page.goto("/o/linde/sources/suggestions/")

    page.locator(f"#topic-{care.pk}-google_alert").get_by_text("Set up an alert").click()
    page.wait_for_url("**/o/linde/sources/google-alerts/?topic=*")
    row = page.locator('[data-testid=alert-query][data-topic="Care"]')
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    row.get_by_role("button", name="Copy").click()
    row.get_by_role("button", name="Copied").wait_for()
    assert (
        page.evaluate("navigator.clipboard.readText()") == '("district nursing" OR wijkzorg) -jobs'
    )

    page.fill("#id_url", "https://blog.example.org/feed.xml")
    page.click("[data-testid=google-alert-form] button[type=submit]")
    assert "add it as a feed" in page.content()

    page.fill("#id_url", ALERT_FEED)
    page.click("[data-testid=google-alert-form] button[type=submit]")
    page.wait_for_url("**/o/linde/sources/google-alerts/")
    assert row.get_by_text("Followed").is_visible()
    subscription = Subscription.objects.get(organisation=organisation)
    assert subscription.source.kind == SourceKind.GOOGLE_ALERT
    assert subscription.topic == care
