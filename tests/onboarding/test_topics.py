"""Topics: keywords checked on save and live while typing, pausing, scoping."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from onboarding import keywords, selectors
from onboarding import strategy as services
from onboarding.models import Role, Strategy, Topic
from tests.factories import MembershipFactory, OrganisationFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach():
    return MembershipFactory(role=Role.COACH)


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def topics_url(org):
    return reverse("strategy_step", kwargs={"org": org.slug, "step": "topics"})


def check_url(org):
    return reverse("topic_check", kwargs={"org": org.slug})


# --- services ------------------------------------------------------------------------------


def test_topic_create_saves_a_valid_topic_and_touches_the_strategy():
    org = OrganisationFactory()
    topic = services.topic_create(
        organisation=org, name=" Care jobs ", query=' nurse* "home care" ', description="Jobs"
    )
    assert (topic.name, topic.query, topic.is_active) == ("Care jobs", 'nurse* "home care"', True)
    assert Strategy.objects.get(organisation=org).last_step == Strategy.Step.TOPICS


def test_topic_create_refuses_malformed_keywords_with_the_position():
    org = OrganisationFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.topic_create(organisation=org, name="Broken", query='nurse "home care')
    message = excinfo.value.message_dict["query"][0]
    with pytest.raises(keywords.QueryError) as parse_error:
        keywords.parse('nurse "home care')
    assert message == parse_error.value.message
    assert str(parse_error.value.position) in message
    assert not Topic.objects.filter(organisation=org).exists()


def test_topic_names_are_unique_per_organisation_whatever_the_case():
    org = OrganisationFactory()
    services.topic_create(organisation=org, name="Care", query="care")
    with pytest.raises(ValidationError) as excinfo:
        services.topic_create(organisation=org, name="care", query="zorg")
    assert "name" in excinfo.value.message_dict
    services.topic_create(organisation=OrganisationFactory(), name="Care", query="care")


def test_topic_update_and_its_refusals():
    topic = TopicFactory(name="Old", query="old")
    TopicFactory(organisation=topic.organisation, name="Taken")
    services.topic_update(topic=topic, name="New", query="new OR fresh", description="d")
    topic.refresh_from_db()
    assert (topic.name, topic.query, topic.description) == ("New", "new OR fresh", "d")
    with pytest.raises(ValidationError):
        services.topic_update(topic=topic, name="Taken", query="x")
    with pytest.raises(ValidationError):
        services.topic_update(topic=topic, name="New", query="(unbalanced")
    topic.refresh_from_db()
    assert topic.query == "new OR fresh"


def test_pausing_is_idempotent_and_stops_monitoring():
    coach = MembershipFactory(role=Role.COACH)
    org = coach.organisation
    topic = services.topic_create(organisation=org, name="Care", query="care")
    services.strategy_goals_update(organisation=org, goals=[services.GoalRow("g", "m")])
    services.strategy_approve(organisation=org, actor=coach)
    assert selectors.monitoring_enabled(org)
    services.topic_set_active(topic=topic, active=False)
    services.topic_set_active(topic=topic, active=False)
    topic.refresh_from_db()
    assert not topic.is_active
    assert not selectors.monitoring_enabled(org)
    services.topic_set_active(topic=topic, active=True)
    assert selectors.monitoring_enabled(org)


# --- the live check ------------------------------------------------------------------------


def test_live_check_describes_a_valid_query(coach_client, coach):
    query = '"social media" OR linkedin -spam'
    response = coach_client.get(check_url(coach.organisation), {"query": query})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="query-ok"' in page
    expected = keywords.parse(query).describe()
    assert expected.replace('"', "&quot;") in page


def test_live_check_explains_the_error_and_marks_the_spot(coach_client, coach):
    query = "nurse (care OR cure"
    response = coach_client.get(check_url(coach.organisation), {"query": query})
    page = response.content.decode()
    with pytest.raises(keywords.QueryError) as excinfo:
        keywords.parse(query)
    assert 'data-testid="query-error"' in page
    assert excinfo.value.message in page
    position = excinfo.value.position
    spot = query[position]
    assert f'{query[:position]}<mark data-testid="query-spot">{spot}</mark>' in page


def test_live_check_of_nothing_is_a_gentle_hint(coach_client, coach):
    page = coach_client.get(check_url(coach.organisation), {"query": "  "}).content.decode()
    assert "Type some keywords" in page
    assert "query-error" not in page


def test_live_check_points_past_the_end(coach_client, coach):
    page = coach_client.get(check_url(coach.organisation), {"query": "nurse OR"}).content.decode()
    assert 'data-testid="query-error"' in page
    assert "<mark" in page


def test_live_check_is_for_editors_of_this_organisation(client):
    participant = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(participant.user)
    assert client.get(check_url(participant.organisation), {"query": "x"}).status_code == 403
    assert client.get(check_url(OrganisationFactory()), {"query": "x"}).status_code == 404


# --- pages ---------------------------------------------------------------------------------


def test_topics_step_empty_state_and_live_check_wiring(coach_client, coach):
    page = coach_client.get(topics_url(coach.organisation)).content.decode()
    assert 'data-testid="no-topics"' in page
    assert f'hx-get="{check_url(coach.organisation)}"' in page
    assert 'hx-trigger="keyup changed delay:300ms' in page
    assert 'hx-target="#query-check"' in page


def test_adding_a_topic(coach_client, coach):
    org = coach.organisation
    response = coach_client.post(
        topics_url(org), {"name": "Care jobs", "query": "nurse job*", "description": ""}
    )
    assert response.status_code == 302
    assert Topic.objects.get(organisation=org).name == "Care jobs"
    page = coach_client.get(topics_url(org)).content.decode()
    assert "Care jobs" in page
    assert "Topic “Care jobs” added." in page


def test_saving_an_invalid_query_is_refused_and_keeps_the_text(coach_client, coach):
    org = coach.organisation
    data = {"name": "Care jobs", "query": 'nurse "home care', "description": "Typed text"}
    response = coach_client.post(topics_url(org), data)
    page = response.content.decode()
    assert response.status_code == 422
    assert not Topic.objects.filter(organisation=org).exists()
    assert 'value="Care jobs"' in page
    assert "nurse &quot;home care</textarea>" in page
    assert "Typed text</textarea>" in page
    assert 'data-testid="query-field-error"' in page
    assert "Unbalanced quote" in page
    assert "<mark" in page  # the live check shows the same message, with the spot


def test_duplicate_name_keeps_the_text(coach_client, coach):
    org = coach.organisation
    TopicFactory(organisation=org, name="Care")
    response = coach_client.post(topics_url(org), {"name": "care", "query": "zorg"})
    assert response.status_code == 422
    assert "There is already a topic with this name." in response.content.decode()


def test_editing_a_topic(coach_client, coach):
    topic = TopicFactory(organisation=coach.organisation, name="Old", query="old")
    url = reverse("topic_edit", kwargs={"org": coach.organisation.slug, "pk": topic.pk})
    page = coach_client.get(url).content.decode()
    assert 'value="Old"' in page
    assert 'data-testid="query-ok"' in page
    response = coach_client.post(url, {"name": "New", "query": "(broken"})
    assert response.status_code == 422
    assert "(broken</textarea>" in response.content.decode()
    response = coach_client.post(url, {"name": "New", "query": "fixed"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.query) == ("New", "fixed")


def test_pausing_and_resuming_through_the_page(coach_client, coach):
    topic = TopicFactory(organisation=coach.organisation)
    url = reverse("topic_active", kwargs={"org": coach.organisation.slug, "pk": topic.pk})
    coach_client.post(url, {"active": "0"})
    topic.refresh_from_db()
    assert not topic.is_active
    assert "paused" in coach_client.get(topics_url(coach.organisation)).content.decode()
    coach_client.post(url, {"active": "1"})
    topic.refresh_from_db()
    assert topic.is_active


def test_another_organisations_topic_is_404(coach_client, coach):
    foreign = TopicFactory()
    org = coach.organisation
    edit = reverse("topic_edit", kwargs={"org": org.slug, "pk": foreign.pk})
    active = reverse("topic_active", kwargs={"org": org.slug, "pk": foreign.pk})
    assert coach_client.get(edit).status_code == 404
    assert coach_client.post(edit, {"name": "Hijack", "query": "x"}).status_code == 404
    assert coach_client.post(active, {"active": "0"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active and foreign.name != "Hijack"


def test_participant_cannot_add_topics(client):
    participant = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(participant.user)
    response = client.post(topics_url(participant.organisation), {"name": "x", "query": "x"})
    assert response.status_code == 403
    assert not Topic.objects.exists()


def test_the_description_and_the_error_go_through_gettext(monkeypatch):
    monkeypatch.setattr(selectors, "_", lambda message: f"«{message}»")
    described = selectors.query_check("nurse OR carer")
    assert described.valid and "«" in described.description
    failed = selectors.query_check('"unclosed')
    assert failed.error.startswith("«")
