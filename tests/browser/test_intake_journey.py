"""A participant goes from the invitation e-mail to a finished onboarding, with a break."""

import pytest

from onboarding.models import ConfidenceCheck, Intake, Profile, Role
from onboarding.services import invitation_create
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PolicyFactory,
    StrategyFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_from_invitation_to_finished_onboarding(page):
    coach = MembershipFactory(
        role=Role.COACH, organisation__slug="acme", organisation__name="Acme Care"
    )
    org = coach.organisation
    StrategyFactory(organisation=org, channels=["linkedin"])
    care = TopicFactory(organisation=org, name="Working in care", query="nurse care")
    TopicFactory(organisation=org, name="Home care", query='"home care"')
    policy = PolicyFactory(organisation=org, title="How we do social media at Acme Care")
    _invitation, token = invitation_create(
        organisation=org, email="sanne@example.org", role=Role.PARTICIPANT, invited_by=coach
    )

    # The link from the e-mail: create an account, land on "Getting started".
    page.goto(f"/invite/{token}/")
    page.fill("#id_first_name", "Sanne")
    page.fill("#id_last_name", "Bakker")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/o/acme/start/")
    assert page.get_by_test_id("page-title").inner_text() == "Getting started"
    assert page.get_by_test_id("intake-progress").inner_text() == "0 of 5 done"
    assert page.locator('[data-nav="inbox"]').count() == 1
    page.get_by_test_id("continue").click()

    # Goals.
    page.wait_for_url("**/o/acme/start/goals/")
    page.fill("#id_personal_goals", "I'd like to share what our team does.")
    page.get_by_test_id("save-continue").click()

    # Topics of interest.
    page.wait_for_url("**/o/acme/start/topics/")
    assert page.get_by_test_id("intake-progress").inner_text() == "1 of 5 done"
    page.get_by_label("Working in care").check()
    page.get_by_test_id("save-continue").click()

    # Channels: a created profile needs its address; nothing typed is lost.
    page.wait_for_url("**/o/acme/start/channels/")
    linkedin = page.locator('[data-channel="linkedin"]')
    assert "your organisation uses this" in linkedin.inner_text()
    linkedin.locator("summary").click()
    assert "headline" in linkedin.locator(".tips").inner_text()
    linkedin.locator("input[type=checkbox]").check()
    linkedin.locator("select").select_option("created")
    page.get_by_test_id("save-continue").click()
    page.wait_for_load_state()
    linkedin = page.locator('[data-channel="linkedin"]')
    assert "Add the address of your profile" in linkedin.inner_text()
    assert linkedin.locator("select").input_value() == "created"
    assert linkedin.locator("input[type=checkbox]").is_checked()
    linkedin.locator("input[type=url]").fill("https://www.linkedin.com/in/sanne-bakker")
    # Leave half-way.
    page.click("button[name=go][value=stop]")
    page.wait_for_url("**/o/acme/start/")
    assert page.get_by_test_id("intake-progress").inner_text() == "3 of 5 done"

    page.click("form[action='/logout/'] button")
    page.wait_for_url("**/login/")

    # Back another day: logging in resumes the checklist.
    log_in(page, "sanne@example.org", PASSWORD)
    page.wait_for_url("**/o/acme/start/")
    assert page.get_by_test_id("intake-progress").inner_text() == "3 of 5 done"
    page.get_by_test_id("continue").click()

    # The policy.
    page.wait_for_url("**/o/acme/start/policy/")
    assert "How we do social media at Acme Care" in page.content()
    page.get_by_test_id("save-continue").click()

    # How comfortable they feel.
    page.wait_for_url("**/o/acme/start/confidence/")
    page.get_by_label("2 · A bit nervous").check()
    page.get_by_test_id("save-continue").click()

    page.wait_for_url("**/o/acme/start/")
    assert "All done. Welcome aboard!" in page.content()
    assert page.get_by_test_id("intake-progress").inner_text() == "5 of 5 done"
    page.get_by_test_id("to-inbox").click()
    page.wait_for_url("**/o/acme/inbox/")
    assert page.locator('[data-nav="intake"]').count() == 0

    # Later: how do they feel now?
    page.click('[data-nav="progress"]')
    page.wait_for_url("**/o/acme/me/")
    page.get_by_test_id("confidence-form").get_by_label("4 · Quite comfortable").check()
    page.get_by_test_id("confidence-form").locator("button[type=submit]").click()
    page.wait_for_url("**/o/acme/me/")
    assert "You started at 2 out of 5; your latest answer is 4." in page.content()
    assert page.get_by_test_id("confidence-chart").is_visible()

    membership = org.memberships.get(user__email="sanne@example.org")
    intake = Intake.objects.get(membership=membership)
    assert intake.completed_at is not None
    assert list(intake.topics.all()) == [care]
    profile = Profile.objects.get(membership=membership)
    assert (profile.channel, profile.status) == ("linkedin", "created")
    assert membership.policy_acknowledgements.get().policy == policy
    assert list(
        ConfidenceCheck.objects.filter(membership=membership).values_list("score", flat=True)
    ) == [2, 4]
