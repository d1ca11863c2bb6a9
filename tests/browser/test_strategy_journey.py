"""A coach takes a new organisation from nothing to an approved strategy with topics."""

import pytest

from onboarding.models import Role, Strategy, Topic
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coach_writes_and_approves_a_strategy(page):
    coach = MembershipFactory(
        role=Role.COACH, organisation__slug="acme", organisation__name="Acme Care"
    )
    log_in(page, coach.user.email, PASSWORD)
    page.wait_for_url("**/o/acme/participants/")

    page.click('[data-nav="strategy"]')
    page.wait_for_url("**/o/acme/strategy/")
    assert page.get_by_test_id("no-strategy").is_visible()
    assert page.get_by_test_id("monitoring-off").is_visible()
    page.get_by_test_id("start-strategy").click()

    # Step 1: goals, with a second row added on the way.
    page.wait_for_url("**/o/acme/strategy/goals/")
    assert page.get_by_test_id("step-count").inner_text() == "Step 1 of 6"
    page.fill("#id_summary", "We want people to meet the people behind Acme Care.")
    page.fill("#id_goals-0-description", "More nurses apply")
    page.fill("#id_goals-0-measure", "Ten applications a month via social media")
    page.get_by_test_id("add-row").click()
    assert page.input_value("#id_goals-0-description") == "More nurses apply"
    page.fill("#id_goals-1-description", "Be known as a good employer")
    page.fill("#id_goals-1-measure", "Mentions in regional news")
    page.get_by_test_id("save-continue").click()

    # Step 2: audiences, then stop half-way.
    page.wait_for_url("**/o/acme/strategy/audiences/")
    assert page.get_by_test_id("step-count").inner_text() == "Step 2 of 6"
    page.fill("#id_audiences-0-name", "Nurses looking for a job")
    page.click("button[name=go][value=stop]")
    page.wait_for_url("**/o/acme/strategy/")
    assert "More nurses apply" in page.get_by_test_id("section-goals").inner_text()
    assert "Nurses looking for a job" in page.get_by_test_id("section-audiences").inner_text()

    # Resume where we left off: key messages.
    page.get_by_test_id("resume").click()
    page.wait_for_url("**/o/acme/strategy/messages/")
    page.fill("#id_messages-0-text", "Our people get time to learn")
    page.get_by_test_id("save-continue").click()

    page.wait_for_url("**/o/acme/strategy/channels/")
    page.check("input[name=channels][value=linkedin]")
    page.check("input[name=channels][value=mastodon]")
    page.get_by_test_id("save-continue").click()

    page.wait_for_url("**/o/acme/strategy/follow/")
    page.fill("#id_follows-0-name", "Nursing Times")
    page.fill("#id_follows-0-url", "https://www.nursingtimes.net/")
    page.select_option("#id_follows-0-kind", "site")
    page.get_by_test_id("save-continue").click()

    # Step 6: topics, with a live check of the keywords while typing.
    page.wait_for_url("**/o/acme/strategy/topics/")
    assert page.get_by_test_id("no-topics").is_visible()
    page.fill("#id_name", "Working in care")
    page.locator("#id_query").press_sequentially("nurse (care OR cure", delay=20)
    error = page.get_by_test_id("query-error")
    error.wait_for()
    assert "Unbalanced parenthesis" in page.get_by_test_id("query-message").inner_text()
    assert page.get_by_test_id("query-spot").inner_text() == "("

    # Saving it anyway is refused, keeping what was typed.
    page.get_by_test_id("add-topic").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("query-field-error").is_visible()
    assert page.input_value("#id_query") == "nurse (care OR cure"
    assert page.input_value("#id_name") == "Working in care"
    assert not Topic.objects.exists()

    # Fix it and see what it means in words.
    page.locator("#id_query").press("End")
    page.locator("#id_query").press_sequentially(")", delay=20)
    page.get_by_test_id("query-ok").wait_for()
    description = page.get_by_test_id("query-description").inner_text()
    assert "nurse" in description and "care" in description and "cure" in description
    page.get_by_test_id("add-topic").click()
    page.wait_for_url("**/o/acme/strategy/topics/")
    assert "Working in care" in page.get_by_test_id("topics").inner_text()

    # The whole strategy, approved.
    page.get_by_test_id("finish").click()
    page.wait_for_url("**/o/acme/strategy/")
    assert "Working in care" in page.get_by_test_id("section-topics").inner_text()
    page.get_by_test_id("approve").click()
    page.wait_for_url("**/o/acme/strategy/")
    approval = page.get_by_test_id("approval").inner_text()
    assert approval.startswith("Approved on") and str(coach.user) in approval
    assert page.get_by_test_id("monitoring-on").is_visible()

    strategy = Strategy.objects.get(organisation=coach.organisation)
    assert strategy.approved_by == coach
    assert [g.description for g in strategy.goals.all()] == [
        "More nurses apply",
        "Be known as a good employer",
    ]
    assert strategy.channels == ["linkedin", "mastodon"]
