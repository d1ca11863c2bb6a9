"""From joiner to critic, end to end: a coach adds a LinkedIn group and suggests it to a
participant; the participant (a second browser) joins it and sees the celebration, looks in,
and logs a reply in a discussion; the coach sees both milestones."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coaching.models import Activity, ActivityKind, Community, CommunityMembership, Milestone
from onboarding.models import Role
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    IntakeFactory,
    MembershipFactory,
    OrganisationFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUP = "https://www.linkedin.com/groups/4242/"
REPLY = "https://www.linkedin.com/feed/update/urn:li:activity:7/"


@pytest.fixture
def world():
    org = OrganisationFactory(slug="acme", name="Acme")
    anna = MembershipFactory(
        organisation=org,
        role=Role.PARTICIPANT,
        user__first_name="Anna",
        user__email="anna@example.org",
    )
    IntakeFactory(membership=anna, complete=True)
    MembershipFactory(
        organisation=org, role=Role.PARTICIPANT, user__first_name="Bram", user__email="b@x.org"
    )
    carla = MembershipFactory(
        organisation=org, role=Role.COACH, user__first_name="Carla", user__email="carla@example.org"
    )
    topic = TopicFactory(organisation=org, name="Recruitment", query="recruit*")
    return {"org": org, "anna": anna, "carla": carla, "topic": topic}


def test_from_joiner_to_critic(new_page, world):
    anna = world["anna"]

    # --- The coach adds a LinkedIn group and suggests it to Anna ------------------------------
    coach = new_page()
    log_in(coach, "carla@example.org", PASSWORD)
    coach.wait_for_url("**/o/acme/**")
    coach.locator('[data-nav="communities"]').click()
    expect(coach.get_by_test_id("page-title")).to_have_text("Communities")
    coach.get_by_test_id("community-add").click()
    coach.fill("#id_name", "HR in de zorg")
    coach.fill("#id_url", GROUP)
    coach.fill("#id_description", "Recruiters in care talk about hiring here.")
    coach.get_by_label("Recruitment").check()
    coach.get_by_role("button", name="Add").click()
    coach.wait_for_url(re.compile(r"/o/acme/communities/\d+/suggest/$"))
    expect(coach.get_by_test_id("page-title")).to_have_text("Suggest “HR in de zorg”")
    coach.get_by_label("Anna").check()
    coach.get_by_role("button", name="Suggest").click()
    coach.wait_for_url("**/o/acme/communities/")
    expect(coach.locator(".messages")).to_contain_text("Suggested “HR in de zorg” to Anna.")
    expect(coach.get_by_test_id("communities")).to_contain_text("1 suggested · 0 joined")
    community = Community.objects.get()
    assert list(community.topics.values_list("name", flat=True)) == ["Recruitment"]

    # --- Anna sees the suggestion, joins, and is celebrated -----------------------------------
    participant = new_page()
    log_in(participant, "anna@example.org", PASSWORD)
    participant.wait_for_url("**/o/acme/**")
    participant.locator('[data-nav="my-communities"]').click()
    suggested = participant.get_by_test_id("suggested-communities")
    expect(suggested).to_contain_text("HR in de zorg")
    expect(suggested).to_contain_text("Recruiters in care talk about hiring here.")
    expect(suggested).to_contain_text("Suggested by Carla")
    link = suggested.get_by_role("link", name="HR in de zorg")
    expect(link).to_have_attribute("href", GROUP)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    suggested.get_by_role("button", name="I joined").click()
    participant.wait_for_url("**/o/acme/milestones/first_community/")
    celebration = participant.get_by_test_id("celebration")
    expect(celebration).to_be_visible()
    expect(celebration).to_contain_text("You're in!")
    expect(celebration).to_contain_text("first community joined", ignore_case=True)

    # --- She looks in, then logs her first reply in a discussion ------------------------------
    participant.get_by_role("link", name="Back to your communities").click()
    joined = participant.get_by_test_id("joined-communities")
    expect(joined).to_contain_text("HR in de zorg")
    joined.get_by_role("button", name="I visited today").click()
    expect(participant.get_by_test_id("visited-today")).to_be_visible()
    participant.get_by_test_id("log-action-link").click()
    expect(participant.get_by_test_id("page-title")).to_have_text("Log what I did")
    participant.get_by_label("I replied in a discussion").check()
    participant.fill("#id_url", "not really an address")
    participant.get_by_role("button", name="Log it").click()
    expect(participant.locator("#id_url")).to_have_value("not really an address")
    expect(participant.get_by_test_id("action-form")).to_contain_text(
        "Paste the full address of what you did"
    )
    participant.fill("#id_url", REPLY)
    participant.get_by_role("button", name="Log it").click()
    participant.wait_for_url("**/o/acme/milestones/first_reply/")
    expect(participant.get_by_test_id("celebration")).to_contain_text(
        "You joined the conversation!"
    )
    participant.get_by_role("link", name="Back to what you did").click()
    expect(participant.get_by_test_id("logged-actions")).to_contain_text(REPLY)

    standing = CommunityMembership.objects.get(membership=anna)
    assert standing.status == "joined" and standing.last_visit_at is not None
    assert set(Activity.objects.filter(membership=anna).values_list("kind", flat=True)) == {
        ActivityKind.COMMUNITY_JOINED,
        ActivityKind.COMMUNITY_VISITED,
        ActivityKind.DISCUSSION_REPLIED,
    }
    assert set(Milestone.objects.filter(membership=anna).values_list("kind", flat=True)) == {
        "first_community",
        "first_reply",
    }

    # --- The coach sees the milestones --------------------------------------------------------
    coach.goto("/o/acme/participants/")
    row = coach.locator(f'[data-participant="{anna.pk}"]')
    expect(row).to_contain_text("first community joined")
    expect(row).to_contain_text("first reply in a discussion")
    coach.goto("/o/acme/communities/")
    expect(coach.get_by_test_id("communities")).to_contain_text("0 suggested · 1 joined")
