"""Reads of the onboarding app, as the monitoring pipeline and the pages use them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from onboarding import selectors
from onboarding.models import Intake, Role
from tests.factories import (
    GoalFactory,
    IntakeFactory,
    MembershipFactory,
    OrganisationFactory,
    PolicyFactory,
    StrategyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


# --- monitoring_enabled ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved", "topic", "active", "expected"),
    [
        (False, False, True, False),
        (False, True, True, False),
        (True, False, True, False),
        (True, True, False, False),
        (True, True, True, True),
    ],
)
def test_monitoring_needs_an_approved_strategy_and_an_active_topic(
    approved, topic, active, expected
):
    org = OrganisationFactory()
    StrategyFactory(organisation=org, approved_at=timezone.now() if approved else None)
    if topic:
        TopicFactory(organisation=org, is_active=active)
    assert selectors.monitoring_enabled(org) is expected


def test_monitoring_of_one_organisation_ignores_the_others():
    org = OrganisationFactory()
    StrategyFactory(organisation=org, approved_at=timezone.now())
    TopicFactory()  # another organisation's
    assert not selectors.monitoring_enabled(org)


# --- topics ---------------------------------------------------------------------------------


def test_topics_for_lists_active_topics_of_the_organisation_by_name():
    org = OrganisationFactory()
    b = TopicFactory(organisation=org, name="B")
    a = TopicFactory(organisation=org, name="A")
    paused = TopicFactory(organisation=org, name="C", is_active=False)
    TopicFactory(name="Foreign")
    assert list(selectors.topics_for(org)) == [a, b]
    assert list(selectors.topics_for(org, include_paused=True)) == [a, b, paused]


def test_query_check():
    ok = selectors.query_check('"home care" nurse*')
    assert ok.valid and ok.description and ok.error == ""
    bad = selectors.query_check("nurse -")
    assert not bad.valid and bad.position is not None
    assert bad.before + bad.spot.strip() + bad.after == "nurse -"
    empty = selectors.query_check("")
    assert empty.is_empty and not empty.valid and not empty.error


# --- policy ---------------------------------------------------------------------------------


def test_current_policy_is_the_newest_published_version():
    org = OrganisationFactory()
    assert selectors.current_policy(org) is None
    PolicyFactory(organisation=org, version=1)
    v2 = PolicyFactory(organisation=org, version=2)
    draft = PolicyFactory(organisation=org, version=3, published_at=None)
    PolicyFactory(version=9)
    assert selectors.current_policy(org) == v2
    assert selectors.policy_draft(org) == draft
    assert [p.version for p in selectors.policy_versions(org)] == [2, 1]


# --- intake progress ------------------------------------------------------------------------


def test_intake_progress_before_and_during_the_intake():
    member = MembershipFactory(role=Role.PARTICIPANT)
    progress = selectors.intake_progress(member)
    assert (progress.done, progress.total, progress.completed) == (0, 5, False)
    assert progress.next_step == Intake.Step.GOALS
    IntakeFactory(membership=member, steps_done=["goals", "channels"])
    progress = selectors.intake_progress(member)
    assert progress.done == 2
    assert progress.next_step == Intake.Step.TOPICS
    assert [s.done for s in progress.steps] == [True, False, True, False, False]


def test_intake_progress_when_complete():
    member = MembershipFactory(role=Role.PARTICIPANT)
    IntakeFactory(membership=member, complete=True)
    progress = selectors.intake_progress(member)
    assert progress.completed and progress.next_step is None and progress.done == 5
    assert selectors.intake_is_complete(member)


# --- routing ----------------------------------------------------------------------------------


@pytest.fixture
def routing():
    org = OrganisationFactory()
    care = TopicFactory(organisation=org, name="Care")
    jobs = TopicFactory(organisation=org, name="Jobs")
    paused = TopicFactory(organisation=org, name="Paused", is_active=False)
    anna = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    IntakeFactory(membership=anna).topics.set([care])
    bram = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    IntakeFactory(membership=bram).topics.set([care, jobs])
    chose_nothing = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    IntakeFactory(membership=chose_nothing)
    no_intake = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    only_paused = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    IntakeFactory(membership=only_paused).topics.set([paused])
    left = MembershipFactory(organisation=org, role=Role.PARTICIPANT, is_active=False)
    IntakeFactory(membership=left).topics.set([care])
    MembershipFactory(organisation=org, role=Role.COACH)
    MembershipFactory(role=Role.PARTICIPANT)  # another organisation
    return {
        "org": org,
        "care": care,
        "jobs": jobs,
        "anna": anna,
        "bram": bram,
        "everything": sorted([chose_nothing.pk, no_intake.pk, only_paused.pk]),
    }


def test_interested_memberships_routes_by_chosen_topics(routing, django_assert_num_queries):
    with django_assert_num_queries(2):
        routes = selectors.interested_memberships(routing["org"])
    everything = routing["everything"]
    assert set(routes) == {routing["care"].pk, routing["jobs"].pk}
    assert routes[routing["care"].pk] == sorted(
        [routing["anna"].pk, routing["bram"].pk, *everything]
    )
    assert routes[routing["jobs"].pk] == sorted([routing["bram"].pk, *everything])


def test_participants_without_topics_get_everything(routing):
    assert selectors.memberships_without_topics(routing["org"]) == routing["everything"]


def test_routing_of_an_organisation_without_topics_or_participants():
    org = OrganisationFactory()
    assert selectors.interested_memberships(org) == {}
    TopicFactory(organisation=org)
    assert list(selectors.interested_memberships(org).values()) == [[]]


# --- strategy -------------------------------------------------------------------------------


def test_resume_step_follows_the_last_saved_step():
    assert selectors.strategy_resume_step(None) == "goals"
    strategy = StrategyFactory(last_step="messages")
    assert selectors.strategy_resume_step(strategy) == "channels"
    strategy.last_step = "topics"
    assert selectors.strategy_resume_step(strategy) == "topics"


def test_steps_filled():
    strategy = StrategyFactory(channels=["x"])
    GoalFactory(strategy=strategy)
    filled = selectors.strategy_steps_filled(selectors.strategy_for(strategy.organisation), [])
    assert filled == {
        "goals": True,
        "audiences": False,
        "messages": False,
        "channels": True,
        "follow": False,
        "topics": False,
    }
