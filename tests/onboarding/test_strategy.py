"""The organisation strategy: step services, approval, and the step and summary pages."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from onboarding import selectors
from onboarding import strategy as services
from onboarding.models import Channel, FollowSuggestion, Role, Strategy
from tests.factories import (
    GoalFactory,
    MembershipFactory,
    OrganisationFactory,
    StrategyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def step_url(org, step):
    return reverse("strategy_step", kwargs={"org": org.slug, "step": step})


def summary_url(org):
    return reverse("strategy_summary", kwargs={"org": org.slug})


@pytest.fixture
def coach():
    return MembershipFactory(role=Role.COACH, organisation__slug="acme", organisation__name="Acme")


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def goals_post(rows, *, go="next", summary="", extra=None):
    data = {
        "goals-TOTAL_FORMS": str(len(rows)),
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "1000",
        "summary": summary,
        "go": go,
    }
    for i, (description, measure) in enumerate(rows):
        data[f"goals-{i}-description"] = description
        data[f"goals-{i}-measure"] = measure
    data.update(extra or {})
    return data


# --- services ------------------------------------------------------------------------------


def test_goals_update_creates_the_strategy_and_replaces_the_rows_in_order():
    org = OrganisationFactory()
    services.strategy_goals_update(
        organisation=org,
        goals=[services.GoalRow("More applicants", "10 a month"), services.GoalRow("Be known")],
        summary="  We want to be found.  ",
    )
    services.strategy_goals_update(
        organisation=org,
        goals=[services.GoalRow("Be known", "mentions"), services.GoalRow("More applicants")],
        summary="We want to be found.",
    )
    strategy = Strategy.objects.get(organisation=org)
    assert [(g.description, g.measure) for g in strategy.goals.all()] == [
        ("Be known", "mentions"),
        ("More applicants", ""),
    ]
    assert strategy.summary == "We want to be found."
    assert strategy.last_step == Strategy.Step.GOALS


def test_goals_update_refuses_an_empty_goal_and_saves_nothing():
    org = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.strategy_goals_update(
            organisation=org, goals=[services.GoalRow("ok"), services.GoalRow("   ")]
        )
    assert not Strategy.objects.filter(organisation=org, goals__isnull=False).exists()


def test_each_step_saves_its_rows_and_remembers_the_last_step():
    org = OrganisationFactory()
    services.strategy_audiences_update(
        organisation=org, audiences=[services.AudienceRow("Nurses", "Good rosters")]
    )
    services.strategy_messages_update(organisation=org, messages=["We train our people"])
    services.strategy_follows_update(
        organisation=org,
        follows=[services.FollowRow("Zorgvisie", "https://zorgvisie.nl", "site", "news")],
    )
    strategy = services.strategy_channels_update(organisation=org, channels=["x", "linkedin", "x"])
    assert strategy.channels == [Channel.LINKEDIN, Channel.X]
    assert strategy.last_step == Strategy.Step.CHANNELS
    assert [a.name for a in strategy.audiences.all()] == ["Nurses"]
    assert [m.text for m in strategy.key_messages.all()] == ["We train our people"]
    follow = strategy.follows.get()
    assert (follow.name, follow.kind) == ("Zorgvisie", FollowSuggestion.Kind.SITE)


def test_unknown_channel_is_refused():
    with pytest.raises(ValidationError):
        services.strategy_channels_update(organisation=OrganisationFactory(), channels=["myspace"])


def test_approval_names_everything_that_is_missing():
    coach = MembershipFactory(role=Role.COACH)
    with pytest.raises(ValidationError) as excinfo:
        services.strategy_approve(organisation=coach.organisation, actor=coach)
    assert len(excinfo.value.messages) == 2
    assert "goal" in excinfo.value.messages[0]
    assert "topic" in excinfo.value.messages[1]
    assert not Strategy.objects.filter(approved_at__isnull=False).exists()


def test_a_topic_with_invalid_keywords_does_not_count_for_approval():
    coach = MembershipFactory(role=Role.COACH)
    GoalFactory(strategy__organisation=coach.organisation)
    TopicFactory(organisation=coach.organisation, query='"unclosed')
    TopicFactory(organisation=coach.organisation, query="paused", is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        services.strategy_approve(organisation=coach.organisation, actor=coach)
    assert excinfo.value.messages == [
        "Add at least one active topic with valid keywords (step 6: Topics)."
    ]


def test_approval_records_who_and_when():
    coach = MembershipFactory(role=Role.COACH)
    GoalFactory(strategy__organisation=coach.organisation)
    TopicFactory(organisation=coach.organisation)
    with time_machine.travel("2025-03-01 10:00 +00:00", tick=False):
        strategy = services.strategy_approve(organisation=coach.organisation, actor=coach)
    strategy.refresh_from_db()
    assert strategy.approved_by == coach
    assert strategy.approved_at.isoformat() == "2025-03-01T10:00:00+00:00"


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MANAGER])
def test_only_coaches_and_admins_approve(role):
    member = MembershipFactory(role=role)
    GoalFactory(strategy__organisation=member.organisation)
    TopicFactory(organisation=member.organisation)
    with pytest.raises(PermissionDenied):
        services.strategy_approve(organisation=member.organisation, actor=member)


def test_a_coach_of_another_organisation_cannot_approve():
    coach = MembershipFactory(role=Role.COACH)
    other = OrganisationFactory()
    GoalFactory(strategy__organisation=other)
    TopicFactory(organisation=other)
    with pytest.raises(PermissionDenied):
        services.strategy_approve(organisation=other, actor=coach)


def test_editing_after_approval_keeps_it_approved_and_marks_it_changed():
    coach = MembershipFactory(role=Role.COACH)
    org = coach.organisation
    GoalFactory(strategy__organisation=org)
    TopicFactory(organisation=org)
    with time_machine.travel("2025-03-01 10:00 +00:00", tick=False):
        services.strategy_approve(organisation=org, actor=coach)
    with time_machine.travel("2025-03-02 10:00 +00:00", tick=False):
        services.strategy_messages_update(organisation=org, messages=["New message"])
    strategy = selectors.strategy_for(org)
    assert strategy.is_approved
    assert selectors.strategy_changed_since_approval(strategy)
    assert selectors.monitoring_enabled(org)
    with time_machine.travel("2025-03-03 10:00 +00:00", tick=False):
        services.strategy_approve(organisation=org, actor=coach)
    assert not selectors.strategy_changed_since_approval(selectors.strategy_for(org))


# --- pages ---------------------------------------------------------------------------------


def test_a_new_organisation_shows_an_inviting_empty_state(coach_client, coach):
    response = coach_client.get(summary_url(coach.organisation))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="no-strategy"' in page
    assert step_url(coach.organisation, "goals") in page
    assert 'data-testid="monitoring-off"' in page


def test_goals_step_saves_the_rows_and_moves_on(coach_client, coach):
    org = coach.organisation
    response = coach_client.post(
        step_url(org, "goals"),
        goals_post([("More applicants", "10 a month"), ("", "")], summary="Why we do this"),
    )
    assert response.status_code == 302
    assert response.url == step_url(org, "audiences")
    strategy = Strategy.objects.get(organisation=org)
    assert [g.description for g in strategy.goals.all()] == ["More applicants"]
    assert strategy.summary == "Why we do this"


def test_goals_step_shows_saved_rows_and_progress(coach_client, coach):
    GoalFactory(strategy__organisation=coach.organisation, description="Be found online")
    page = coach_client.get(step_url(coach.organisation, "goals")).content.decode()
    assert 'value="Be found online"' in page
    assert "Step 1 of 6" in page
    assert 'name="goals-1-description"' in page  # one empty row to add another


def test_invalid_row_keeps_everything_typed(coach_client, coach):
    org = coach.organisation
    response = coach_client.post(
        step_url(org, "goals"),
        goals_post([("Keep this goal", "and this measure"), ("A goal without measure", "")]),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'value="Keep this goal"' in page
    assert 'value="A goal without measure"' in page
    assert "This field is required." in page
    assert "Nothing was lost" in page
    assert not Strategy.objects.filter(organisation=org).exists()


def test_add_another_row_keeps_the_text_and_saves_nothing(coach_client, coach):
    org = coach.organisation
    response = coach_client.post(
        step_url(org, "goals"), goals_post([("Typed goal", "typed")], extra={"add_row": "1"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Typed goal"' in page
    assert 'name="goals-1-description"' in page
    assert not Strategy.objects.filter(organisation=org).exists()


def test_removing_a_row(coach_client, coach):
    org = coach.organisation
    GoalFactory(strategy__organisation=org, description="Old")
    data = goals_post([("Old", "m"), ("New", "m")], extra={"goals-0-DELETE": "on"})
    coach_client.post(step_url(org, "goals"), data)
    assert [g.description for g in Strategy.objects.get(organisation=org).goals.all()] == ["New"]


def test_stop_for_now_and_resume_where_left_off(coach_client, coach):
    org = coach.organisation
    response = coach_client.post(step_url(org, "goals"), goals_post([("A", "b")], go="stop"))
    assert response.url == summary_url(org)
    page = coach_client.get(summary_url(org)).content.decode()
    assert f'href="{step_url(org, "audiences")}" data-testid="resume"' in page


def test_back_button_saves_and_goes_back(coach_client, coach):
    org = coach.organisation
    data = {
        "messages-TOTAL_FORMS": "1",
        "messages-INITIAL_FORMS": "0",
        "messages-0-text": "We care",
        "go": "back",
    }
    response = coach_client.post(step_url(org, "messages"), data)
    assert response.url == step_url(org, "audiences")
    assert Strategy.objects.get(organisation=org).key_messages.get().text == "We care"


def test_channels_step(coach_client, coach):
    org = coach.organisation
    response = coach_client.post(step_url(org, "channels"), {"channels": ["linkedin", "mastodon"]})
    assert response.url == step_url(org, "follow")
    assert Strategy.objects.get(organisation=org).channels == ["linkedin", "mastodon"]
    page = coach_client.get(step_url(org, "channels")).content.decode()
    checked = re.findall(r'<input type="checkbox" name="channels" value="(\w+)"[^>]* checked', page)
    assert checked == ["linkedin", "mastodon"]


def test_follow_step_refuses_a_bad_address_and_keeps_it(coach_client, coach):
    org = coach.organisation
    data = {
        "follows-TOTAL_FORMS": "1",
        "follows-INITIAL_FORMS": "0",
        "follows-0-name": "Some blog",
        "follows-0-url": "not a web address",
        "follows-0-kind": "blog",
        "follows-0-note": "",
    }
    response = coach_client.post(step_url(org, "follow"), data)
    assert response.status_code == 422
    assert 'value="not a web address"' in response.content.decode()


def test_unknown_step_is_404(coach_client, coach):
    assert coach_client.get(step_url(coach.organisation, "nonsense")).status_code == 404


def test_summary_shows_the_whole_strategy_and_its_approval(coach_client, coach):
    org = coach.organisation
    strategy = StrategyFactory(organisation=org, channels=["linkedin"], summary="In short")
    GoalFactory(strategy=strategy, description="Recruit nurses", measure="applications")
    services.strategy_audiences_update(organisation=org, audiences=[services.AudienceRow("Nurses")])
    services.strategy_messages_update(organisation=org, messages=["We train"])
    services.strategy_follows_update(organisation=org, follows=[services.FollowRow("Zorgvisie")])
    TopicFactory(organisation=org, name="Care jobs", query="nurse job*")
    response = coach_client.post(reverse("strategy_approve", kwargs={"org": org.slug}))
    assert response.url == summary_url(org)
    page = coach_client.get(summary_url(org)).content.decode()
    for text in ("In short", "Recruit nurses", "applications", "Nurses", "We train", "Zorgvisie"):
        assert text in page
    assert "LinkedIn" in page
    assert "Care jobs" in page
    assert f"by {coach.user}" in page
    assert 'data-testid="monitoring-on"' in page
    assert 'data-testid="changed-since-approval"' not in page


def test_summary_says_changed_since_approval(coach_client, coach):
    org = coach.organisation
    GoalFactory(strategy__organisation=org)
    TopicFactory(organisation=org)
    with time_machine.travel("2025-03-01 10:00 +00:00", tick=False):
        services.strategy_approve(organisation=org, actor=coach)
    with time_machine.travel("2025-03-05 10:00 +00:00", tick=False):
        services.strategy_channels_update(organisation=org, channels=["x"])
    page = coach_client.get(summary_url(org)).content.decode()
    assert 'data-testid="changed-since-approval"' in page
    assert "Approve again" in page


def test_approving_too_early_says_what_is_missing(coach_client, coach):
    org = coach.organisation
    StrategyFactory(organisation=org)
    page = coach_client.get(summary_url(org)).content.decode()
    assert "Add at least one goal" in page
    assert 'data-testid="approve" disabled' in page
    response = coach_client.post(reverse("strategy_approve", kwargs={"org": org.slug}), follow=True)
    assert "Not approved yet." in response.content.decode()
    assert Strategy.objects.get(organisation=org).approved_at is None


def test_summary_query_count_does_not_grow_with_rows(
    coach_client, coach, django_assert_max_num_queries
):
    org = coach.organisation
    strategy = StrategyFactory(organisation=org)
    for _ in range(10):
        GoalFactory(strategy=strategy)
        TopicFactory(organisation=org)
    with django_assert_max_num_queries(25):
        assert coach_client.get(summary_url(org)).status_code == 200


# --- roles and scoping ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MANAGER])
def test_participants_and_managers_read_the_summary_but_cannot_edit(client, role):
    member = MembershipFactory(role=role)
    GoalFactory(strategy__organisation=member.organisation, description="Visible goal")
    client.force_login(member.user)
    page = client.get(summary_url(member.organisation)).content.decode()
    assert "Visible goal" in page
    assert 'data-testid="approve"' not in page
    org = member.organisation
    assert client.get(step_url(org, "goals")).status_code == 403
    assert client.post(step_url(org, "goals"), goals_post([("x", "y")])).status_code == 403
    assert client.post(reverse("strategy_approve", kwargs={"org": org.slug})).status_code == 403
    assert not Strategy.objects.filter(organisation=org, goals__description="x").exists()


def test_admin_may_edit(client):
    admin = MembershipFactory(role=Role.ADMIN)
    client.force_login(admin.user)
    assert client.get(step_url(admin.organisation, "goals")).status_code == 200


def test_another_organisations_strategy_is_404(coach_client):
    other = OrganisationFactory()
    GoalFactory(strategy__organisation=other)
    assert coach_client.get(summary_url(other)).status_code == 404
    assert coach_client.get(step_url(other, "goals")).status_code == 404
    response = coach_client.post(reverse("strategy_approve", kwargs={"org": other.slug}))
    assert response.status_code == 404


def test_coach_navigation_has_strategy(coach_client, coach):
    page = coach_client.get(summary_url(coach.organisation)).content.decode()
    assert 'data-nav="strategy"' in page
