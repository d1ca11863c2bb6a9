"""The first reaction, end to end: a participant triages with the keyboard, drafts a reaction,
asks for feedback; the coach (a second browser) suggests changes; the participant revises,
gets approval, records where it was posted and sees the celebration; the coach sees the
milestone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import Milestone, Reaction, ReactionStatus, Triage
from onboarding.models import Role
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    InboxEntryFactory,
    IntakeFactory,
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    QueueItemFactory,
    QueueMatchFactory,
    SourceFactory,
    SubscriptionFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    carla = MembershipFactory(
        organisation=org, role=Role.COACH, user__first_name="Carla", user__email="carla@example.org"
    )
    topic = TopicFactory(organisation=org, name="Recruitment", query='"social media"')
    source = SourceFactory(title="HR Blog")
    SubscriptionFactory(organisation=org, source=source)
    now = timezone.now()
    queue_items = []
    for n, title in enumerate(
        [
            "Social media for recruiters",
            "Why social media matters in care",
            "Ten social media habits",
            "Social media and your first reaction",
        ]
    ):
        item = ItemFactory(
            source=source,
            title=title,
            summary=f"<p>About <em>social media</em>, story {n}.</p>",
            published_at=now - dt.timedelta(hours=n),
        )
        queue_item = QueueItemFactory(
            organisation=org, item=item, created_at=now - dt.timedelta(hours=n)
        )
        QueueMatchFactory(queue_item=queue_item, topic=topic, terms=["social media"])
        InboxEntryFactory(
            membership=anna, queue_item=queue_item, created_at=now - dt.timedelta(hours=n)
        )
        queue_items.append(queue_item)
    return {"org": org, "anna": anna, "carla": carla, "items": queue_items}


def item(page, queue_item):
    return page.locator(f"#item-{queue_item.pk}")


def test_first_reaction_journey(new_page, world):
    items, anna = world["items"], world["anna"]
    current = re.compile(r"\bis-current\b")
    triaged = re.compile(r"\bis-triaged\b")

    # --- The participant goes through the inbox with the keyboard ---------------------------
    participant = new_page()
    log_in(participant, "anna@example.org", PASSWORD)
    participant.wait_for_url("**/o/acme/**")
    participant.goto("/o/acme/inbox/")
    expect(participant.get_by_test_id("page-title")).to_have_text("Your inbox")
    expect(item(participant, items[0])).to_have_class(current)
    expect(item(participant, items[0]).locator("mark").first).to_have_text("Social media")

    expect(participant.locator("#todo-count")).to_have_text("4 items to review")
    participant.keyboard.press("x")  # not relevant
    expect(item(participant, items[0])).to_have_class(triaged)
    expect(participant.locator("#todo-count")).to_have_text("3 items to review")
    expect(item(participant, items[1])).to_have_class(current)

    participant.keyboard.press("j")
    expect(item(participant, items[2])).to_have_class(current)
    participant.keyboard.press("k")
    expect(item(participant, items[1])).to_have_class(current)
    participant.keyboard.press("i")  # interesting
    expect(item(participant, items[1])).to_have_class(triaged)
    expect(item(participant, items[2])).to_have_class(current)
    participant.keyboard.press("b")  # a blog idea
    expect(item(participant, items[2])).to_have_class(triaged)
    expect(item(participant, items[2]).get_by_test_id("decision")).to_contain_text("blog idea")

    participant.keyboard.press("?")
    expect(participant.locator("#inbox-help")).to_be_visible()
    participant.keyboard.press("Escape")
    expect(participant.locator("#inbox-help")).to_be_hidden()

    expect(item(participant, items[3])).to_have_class(current)
    participant.keyboard.press("r")  # react: the composer opens
    participant.wait_for_url(re.compile(r"/o/acme/reactions/\d+/$"))
    verdicts = dict(Triage.objects.filter(membership=anna).values_list("queue_item", "verdict"))
    assert verdicts == {
        items[0].pk: "not_relevant",
        items[1].pk: "interesting",
        items[2].pk: "content_idea",
        items[3].pk: "react",
    }

    # --- Drafting with a starter, asking the coach -------------------------------------------
    expect(participant.get_by_text("Ask a question")).to_be_visible()
    participant.fill("#id_body", "Great piece on social media.")
    participant.get_by_role("button", name="Use this").nth(1).click()  # "Ask a question"
    assert "How did you handle" in participant.input_value("#id_body")
    participant.get_by_role("button", name="Ask my coach for feedback").click()
    expect(participant.get_by_test_id("reaction-status")).to_have_text("waiting for feedback")
    reaction_url = participant.url

    # --- The coach suggests changes -----------------------------------------------------------
    coach = new_page()
    log_in(coach, "carla@example.org", PASSWORD)
    coach.wait_for_url("**/o/acme/**")
    coach.goto("/o/acme/feedback/")
    coach.get_by_test_id("feedback-queue").get_by_role("link", name="Anna").click()
    expect(coach.get_by_test_id("latest-text")).to_contain_text("Great piece on social media.")
    coach.fill("#id_body", "Lovely start. Add one example from your own team?")
    coach.get_by_role("button", name="Suggest changes").click()
    coach.wait_for_url("**/o/acme/feedback/")

    # --- The participant revises and asks again -----------------------------------------------
    participant.goto(reaction_url)
    expect(participant.get_by_test_id("latest-feedback")).to_contain_text("Add one example")
    participant.fill("#id_body", "Great piece. In our team a weekly post doubled the replies.")
    participant.get_by_role("button", name="Ask my coach for feedback").click()
    expect(participant.get_by_test_id("reaction-status")).to_have_text("waiting for feedback")

    # --- The coach approves -------------------------------------------------------------------
    coach.goto("/o/acme/feedback/")
    coach.get_by_test_id("feedback-queue").get_by_role("link", name="Anna").click()
    expect(coach.get_by_test_id("latest-text")).to_contain_text("weekly post doubled")
    coach.get_by_role("button", name="Good to go").click()
    coach.wait_for_url("**/o/acme/feedback/")
    expect(coach.get_by_text("Nothing waiting.")).to_be_visible()

    # --- Posted, recorded, celebrated ---------------------------------------------------------
    participant.goto(reaction_url)
    expect(participant.get_by_test_id("reaction-status")).to_have_text("ready to post")
    expect(participant.get_by_test_id("latest-feedback")).to_contain_text("Good to go!")
    participant.fill("#id_url", "https://www.linkedin.com/feed/update/urn:li:activity:1")
    participant.get_by_role("button", name="I posted it").click()
    participant.wait_for_url("**/celebrate/")
    celebration = participant.get_by_test_id("celebration")
    expect(celebration).to_be_visible()
    expect(celebration).to_contain_text("You did it")

    reaction = Reaction.objects.get(membership=anna)
    assert reaction.status == ReactionStatus.POSTED
    assert [r.number for r in reaction.revisions.all()] == [1, 2]
    assert Milestone.objects.filter(membership=anna, kind="first_reaction").exists()
    assert [m.to for m in mail.outbox] == [["carla@example.org"]]

    # --- The coach sees the milestone ---------------------------------------------------------
    coach.goto("/o/acme/participants/")
    row = coach.locator(f'[data-participant="{anna.pk}"]')
    expect(row).to_contain_text("first reaction posted")
    expect(row).to_contain_text("1 posted")


def test_inbox_works_without_javascript(browser, live_server, world):
    """Plain forms: a decision posts and comes back to the inbox."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, "anna@example.org", PASSWORD)
        page.goto("/o/acme/inbox/")
        first = world["items"][0]
        item(page, first).get_by_role("button", name=re.compile("^Interesting")).click()
        page.wait_for_url(re.compile(r"/o/acme/inbox/#item-\d+$"))
        assert Triage.objects.get(queue_item=first).verdict == "interesting"
        # The decided item has left "to review"; the rest is still there.
        expect(item(page, first)).to_have_count(0)
        expect(item(page, world["items"][1])).to_be_visible()
    finally:
        context.close()
