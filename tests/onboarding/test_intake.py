"""A participant's first steps: the five intake steps, confidence over time, landing."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from onboarding import intake as services
from onboarding import selectors
from onboarding.intake import ProfileRow
from onboarding.intake_views import confidence_chart
from onboarding.models import ConfidenceCheck, Intake, Profile, Role
from tests.factories import (
    ConfidenceCheckFactory,
    IntakeFactory,
    MembershipFactory,
    PolicyFactory,
    ProfileFactory,
    StrategyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def url(name, membership, **kwargs):
    return reverse(name, kwargs={"org": membership.organisation.slug, **kwargs})


def step_url(membership, step):
    return url("intake_step", membership, step=step)


@pytest.fixture
def participant():
    return MembershipFactory(role=Role.PARTICIPANT)


@pytest.fixture
def participant_client(client, participant):
    client.force_login(participant.user)
    return client


def channels_post(rows, go="next"):
    """rows: (channel, use, url, status) for the channels shown, in order."""
    data = {
        "channels-TOTAL_FORMS": str(len(rows)),
        "channels-INITIAL_FORMS": str(len(rows)),
        "go": go,
    }
    for i, (channel, use, address, status) in enumerate(rows):
        data[f"channels-{i}-channel"] = channel
        if use:
            data[f"channels-{i}-use"] = "on"
        data[f"channels-{i}-url"] = address
        data[f"channels-{i}-status"] = status
    return data


def do_everything(membership):
    services.intake_goals_save(membership=membership, personal_goals="Be known")
    services.intake_topics_save(membership=membership, topics=[])
    services.intake_channels_save(membership=membership, profiles=[ProfileRow("linkedin")])
    services.intake_policy_acknowledge(membership=membership)
    return services.intake_confidence_save(membership=membership, score=2)


# --- services ------------------------------------------------------------------------------


def test_the_intake_completes_once_every_step_is_done(participant):
    assert not selectors.intake_progress(participant).completed
    services.intake_goals_save(membership=participant, personal_goals="Be known")
    assert selectors.intake_progress(participant).done == 1
    intake = do_everything(participant)
    assert intake.completed_at is not None
    assert intake.steps_done == list(Intake.Step.values)
    completed_at = intake.completed_at
    services.intake_goals_save(membership=participant, personal_goals="Changed my mind")
    intake.refresh_from_db()
    assert intake.completed_at == completed_at
    assert intake.personal_goals == "Changed my mind"


def test_steps_can_be_done_in_any_order(participant):
    services.intake_confidence_save(membership=participant, score=3)
    services.intake_policy_acknowledge(membership=participant)
    progress = selectors.intake_progress(participant)
    assert (progress.done, progress.next_step) == (2, Intake.Step.GOALS)


def test_goals_are_required(participant):
    with pytest.raises(ValidationError):
        services.intake_goals_save(membership=participant, personal_goals="   ")


def test_only_participants_have_an_intake():
    coach = MembershipFactory(role=Role.COACH)
    with pytest.raises(PermissionDenied):
        services.intake_goals_save(membership=coach, personal_goals="x")
    with pytest.raises(PermissionDenied):
        services.confidence_record(membership=coach, score=3)


def test_topics_must_be_active_topics_of_the_organisation(participant):
    mine = TopicFactory(organisation=participant.organisation)
    paused = TopicFactory(organisation=participant.organisation, is_active=False)
    with pytest.raises(ValidationError):
        services.intake_topics_save(membership=participant, topics=[TopicFactory()])
    with pytest.raises(ValidationError):
        services.intake_topics_save(membership=participant, topics=[paused])
    intake = services.intake_topics_save(membership=participant, topics=[mine])
    assert list(intake.topics.all()) == [mine]


def test_channels_create_update_and_remove_profiles(participant):
    services.intake_channels_save(
        membership=participant,
        profiles=[
            ProfileRow("linkedin", "https://linkedin.com/in/me", "created"),
            ProfileRow("mastodon"),
        ],
    )
    services.intake_channels_save(
        membership=participant,
        profiles=[ProfileRow("linkedin", "https://linkedin.com/in/me", "complete")],
    )
    profile = Profile.objects.get(membership=participant)
    assert (profile.channel, profile.status) == ("linkedin", "complete")
    assert Intake.objects.get(membership=participant).channels == ["linkedin"]


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [ProfileRow("linkedin", "", "created")],
        [ProfileRow("myspace")],
        [ProfileRow("linkedin"), ProfileRow("linkedin")],
    ],
)
def test_channels_refusals(participant, rows):
    with pytest.raises(ValidationError):
        services.intake_channels_save(membership=participant, profiles=rows)
    assert not Profile.objects.exists()


def test_policy_step_acknowledges_the_current_version(participant):
    PolicyFactory(organisation=participant.organisation, version=1)
    current = PolicyFactory(organisation=participant.organisation, version=2)
    services.intake_policy_acknowledge(membership=participant)
    assert participant.policy_acknowledgements.get().policy == current


def test_policy_step_without_a_policy_is_done_and_asks_later(participant):
    services.intake_policy_acknowledge(membership=participant)
    assert Intake.Step.POLICY in Intake.objects.get(membership=participant).steps_done
    policy = PolicyFactory(organisation=participant.organisation)
    assert selectors.policy_to_acknowledge(participant) == policy


def test_confidence_in_the_intake_is_one_starting_measurement(participant):
    services.intake_confidence_save(membership=participant, score=1)
    services.intake_confidence_save(membership=participant, score=2)
    assert list(ConfidenceCheck.objects.values_list("score", flat=True)) == [2]


def test_later_confidence_checks_add_up(participant):
    with time_machine.travel("2025-01-01 09:00 +00:00", tick=False):
        do_everything(participant)
    with time_machine.travel("2025-02-01 09:00 +00:00", tick=False):
        services.confidence_record(membership=participant, score=3)
    with time_machine.travel("2025-03-01 09:00 +00:00", tick=False):
        services.confidence_record(membership=participant, score=4)
    assert [c.score for c in selectors.confidence_history(participant)] == [2, 3, 4]


@pytest.mark.parametrize("score", [0, 6, "3"])
def test_confidence_must_be_1_to_5(participant, score):
    with pytest.raises(ValidationError):
        services.confidence_record(membership=participant, score=score)


# --- landing and navigation ---------------------------------------------------------------


def test_a_new_participant_lands_on_getting_started(participant_client, participant):
    response = participant_client.get(url("org_home", participant))
    assert response.url == url("intake", participant)
    page = participant_client.get(response.url).content.decode()
    assert "0 of 5 done" in page
    assert 'data-nav="intake"' in page
    assert url("inbox", participant) in page  # the inbox stays reachable


def test_a_participant_who_finished_lands_on_the_inbox(participant_client, participant):
    IntakeFactory(membership=participant, complete=True)
    assert participant_client.get(url("org_home", participant)).url == url("inbox", participant)
    page = participant_client.get(url("inbox", participant)).content.decode()
    assert 'data-nav="progress"' in page
    assert 'data-nav="intake"' not in page


def test_a_coach_who_is_also_participant_lands_on_the_coach_home(client, participant):
    MembershipFactory(role=Role.COACH, user=participant.user, organisation=participant.organisation)
    client.force_login(participant.user)
    assert client.get(url("org_home", participant)).url == url("coach_participants", participant)


# --- the step pages -------------------------------------------------------------------------


def test_goals_step_saves_and_moves_to_the_next_step(participant_client, participant):
    response = participant_client.post(
        step_url(participant, "goals"), {"personal_goals": "Share our work"}
    )
    assert response.url == step_url(participant, "topics")
    page = participant_client.get(response.url).content.decode()
    assert "1 of 5 done" in page
    assert "Saved. 1 of 5 done." in page


def test_empty_goals_are_refused_kindly(participant_client, participant):
    response = participant_client.post(step_url(participant, "goals"), {"personal_goals": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_stop_for_now_goes_back_to_the_checklist(participant_client, participant):
    response = participant_client.post(
        step_url(participant, "goals"), {"personal_goals": "x", "go": "stop"}
    )
    assert response.url == url("intake", participant)


def test_topics_step_lists_the_organisations_active_topics(participant_client, participant):
    care = TopicFactory(organisation=participant.organisation, name="Care jobs")
    TopicFactory(organisation=participant.organisation, name="Paused one", is_active=False)
    TopicFactory(name="Foreign topic")
    page = participant_client.get(step_url(participant, "topics")).content.decode()
    assert "Care jobs" in page
    assert "Paused one" not in page and "Foreign topic" not in page
    participant_client.post(step_url(participant, "topics"), {"topics": [care.pk]})
    assert list(Intake.objects.get(membership=participant).topics.all()) == [care]


def test_topics_step_without_topics_explains_and_continues(participant_client, participant):
    page = participant_client.get(step_url(participant, "topics")).content.decode()
    assert 'data-testid="no-topics"' in page
    response = participant_client.post(step_url(participant, "topics"), {})
    assert response.status_code == 302


def test_a_foreign_topic_cannot_be_chosen(participant_client, participant):
    foreign = TopicFactory()
    response = participant_client.post(step_url(participant, "topics"), {"topics": [foreign.pk]})
    assert response.status_code == 422
    assert not Intake.objects.filter(membership=participant, topics=foreign).exists()


def test_channels_step_shows_tips_and_recommends_the_organisations_channels(
    participant_client, participant
):
    StrategyFactory(organisation=participant.organisation, channels=["mastodon"])
    page = participant_client.get(step_url(participant, "channels")).content.decode()
    assert "Tips for LinkedIn" in page
    assert "#introduction" in page  # a Mastodon tip
    assert page.index('data-channel="mastodon"') < page.index('data-channel="linkedin"')
    assert "your organisation uses this" in page


def test_channels_step_saves_profiles(participant_client, participant):
    rows = [
        ("linkedin", True, "https://linkedin.com/in/me", "created"),
        ("x", False, "", "planned"),
    ]
    response = participant_client.post(step_url(participant, "channels"), channels_post(rows))
    assert response.status_code == 302
    profile = Profile.objects.get(membership=participant)
    assert (profile.channel, profile.url, profile.status) == (
        "linkedin",
        "https://linkedin.com/in/me",
        "created",
    )


def test_channels_step_keeps_what_was_typed_when_an_address_is_missing(
    participant_client, participant
):
    rows = [("linkedin", True, "", "complete"), ("x", True, "https://x.com/me", "created")]
    response = participant_client.post(step_url(participant, "channels"), channels_post(rows))
    page = response.content.decode()
    assert response.status_code == 422
    assert "Add the address of your profile" in page
    assert 'value="https://x.com/me"' in page
    assert '<option value="complete" selected>' in page
    assert not Profile.objects.exists()


def test_channels_step_needs_one_channel(participant_client, participant):
    rows = [("linkedin", False, "", "planned")]
    response = participant_client.post(step_url(participant, "channels"), channels_post(rows))
    assert response.status_code == 422
    assert "Choose at least one channel" in response.content.decode()


def test_policy_step_shows_the_policy_and_acknowledges_it(participant_client, participant):
    policy = PolicyFactory(organisation=participant.organisation, title="How we post")
    page = participant_client.get(step_url(participant, "policy")).content.decode()
    assert "How we post" in page and "Be yourself" in page
    participant_client.post(step_url(participant, "policy"), {"go": "next"})
    assert participant.policy_acknowledgements.get().policy == policy


def test_policy_step_without_a_policy(participant_client, participant):
    page = participant_client.get(step_url(participant, "policy")).content.decode()
    assert 'data-testid="no-policy"' in page


def test_finishing_the_last_step_celebrates(participant_client, participant):
    services.intake_goals_save(membership=participant, personal_goals="x")
    services.intake_topics_save(membership=participant, topics=[])
    services.intake_channels_save(membership=participant, profiles=[ProfileRow("linkedin")])
    services.intake_policy_acknowledge(membership=participant)
    response = participant_client.post(step_url(participant, "confidence"), {"score": "2"})
    assert response.url == url("intake", participant)
    page = participant_client.get(response.url).content.decode()
    assert "All done. Welcome aboard!" in page
    assert "5 of 5 done" in page
    assert selectors.intake_is_complete(participant)


def test_confidence_step_refuses_nothing_chosen(participant_client, participant):
    response = participant_client.post(step_url(participant, "confidence"), {})
    assert response.status_code == 422
    assert "Choose the number that fits best." in response.content.decode()


def test_unknown_step_is_404(participant_client, participant):
    assert participant_client.get(step_url(participant, "nonsense")).status_code == 404


# --- my progress ---------------------------------------------------------------------------


def test_my_progress_draws_the_confidence_over_time(participant_client, participant):
    IntakeFactory(membership=participant, complete=True)
    with time_machine.travel("2025-01-01 09:00 +00:00", tick=False):
        ConfidenceCheckFactory(membership=participant, score=1)
    with time_machine.travel("2025-03-01 09:00 +00:00", tick=False):
        ConfidenceCheckFactory(membership=participant, score=4)
    ProfileFactory(membership=participant)
    page = participant_client.get(url("my_progress", participant)).content.decode()
    assert 'data-testid="confidence-chart"' in page
    assert "<polyline" in page
    assert "You started at 1 out of 5; your latest answer is 4." in page
    assert "LinkedIn" in page


def test_my_progress_without_checks(participant_client, participant):
    page = participant_client.get(url("my_progress", participant)).content.decode()
    assert "No answers yet" in page
    assert "<svg" not in page


def test_taking_the_confidence_check_again(participant_client, participant):
    ConfidenceCheckFactory(membership=participant, score=2)
    response = participant_client.post(url("confidence_check", participant), {"score": "4"})
    assert response.url == url("my_progress", participant)
    assert [c.score for c in selectors.confidence_history(participant)] == [2, 4]
    response = participant_client.post(url("confidence_check", participant), {"score": "9"})
    assert response.status_code == 422
    assert ConfidenceCheck.objects.count() == 2


def test_chart_geometry():
    checks = [ConfidenceCheck(score=s, taken_at=timezone.now()) for s in (1, 3, 5)]
    chart = confidence_chart(checks)
    ys = [d["y"] for d in chart["dots"]]
    xs = [d["x"] for d in chart["dots"]]
    assert ys[0] > ys[1] > ys[2]  # higher confidence is drawn higher
    assert xs == sorted(xs) and xs[0] == chart["left"] and xs[-1] == chart["right"]
    assert confidence_chart([]) is None


# --- roles and scoping ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COACH, Role.MANAGER, Role.ADMIN])
def test_intake_pages_are_for_participants(client, role):
    member = MembershipFactory(role=role)
    client.force_login(member.user)
    for name, kwargs in [
        ("intake", {}),
        ("intake_step", {"step": "goals"}),
        ("my_progress", {}),
    ]:
        assert client.get(url(name, member, **kwargs)).status_code == 403


def test_another_organisations_intake_is_404(participant_client):
    other = MembershipFactory(role=Role.PARTICIPANT)
    assert participant_client.get(url("intake", other)).status_code == 404
    response = participant_client.post(step_url(other, "goals"), {"personal_goals": "x"})
    assert response.status_code == 404
    assert participant_client.post(url("confidence_check", other), {"score": 3}).status_code == 404
    assert not Intake.objects.exists()
