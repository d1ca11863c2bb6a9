"""Google Alerts: the guide page, following an alert's feed, and polling it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring.models import Item, QueueItem, Source, SourceKind, Subscription
from monitoring.pipeline import source_poll
from monitoring.suggestions import clean_google_alert_url
from onboarding.models import Role
from tests.factories import MembershipFactory
from tests.monitoring.builders import monitored_organisation
from tests.monitoring.kind_feeds import google_alert_atom
from tests.monitoring.suggestion_urlconf import use_suggestion_urls

pytestmark = pytest.mark.django_db

ALERT_URL = "https://www.google.com/alerts/feeds/01234567890123456789/9876543210987654321"


@pytest.fixture(autouse=True)
def _urls(settings):
    use_suggestion_urls(settings)


@pytest.fixture
def organisation():
    return monitored_organisation(
        {"Recruiting": "recruit* -(jobs OR vacatures)", "Care": '"wijkverpleging" OR zorg'},
        slug="acme",
        language="nl",
    )


@pytest.fixture
def coach(client, organisation):
    # The organisation searches in Dutch; this coach reads the interface in English.
    membership = MembershipFactory(organisation=organisation, role=Role.COACH, user__language="en")
    client.force_login(membership.user)
    return membership


def guide_url(slug="acme"):
    return reverse("google_alert_guide", kwargs={"org": slug})


@pytest.mark.parametrize(
    "url",
    [
        ALERT_URL,
        "https://google.com/alerts/feeds/0123/4567",
        "www.google.com/alerts/feeds/0123/4567",
    ],
)
def test_google_alert_feed_urls_are_accepted(url):
    assert clean_google_alert_url(url).startswith("https://")


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.example.org/feed.xml",
        "https://www.google.com/search?q=zorg",
        "https://www.google.com.evil.example/alerts/feeds/1/2",
        "https://evil.example/?https://www.google.com/alerts/feeds/1/2",
    ],
)
def test_other_urls_are_refused_with_a_pointer_to_add_them_as_a_feed(url):
    with pytest.raises(ValidationError) as caught:
        clean_google_alert_url(url)
    assert "add it as a feed" in caught.value.messages[0]


def test_incomplete_alert_url_is_refused():
    with pytest.raises(ValidationError, match="whole feed link"):
        clean_google_alert_url("https://www.google.com/alerts/feeds/")


def test_guide_explains_three_steps_with_each_topics_query_ready_to_copy(client, coach):
    response = client.get(guide_url())

    assert response.status_code == 200
    page = response.content.decode()
    for step in ("1. Create the alert", "2. Deliver it as a feed", "3. Copy the feed link"):
        assert step in page
    assert "Show options" in page and "RSS feed" in page
    # The topic's query in Google's syntax, with a copy button and the differences explained.
    assert "recruit -jobs -vacatures" in page
    assert 'data-copy="recruit -jobs -vacatures"' in page
    assert "&quot;wijkverpleging&quot; OR zorg" in page
    assert "Where our keywords and Google" in page
    assert "recruit*: Google has no search for words starting with something" in page


def test_guide_preselects_the_topic_from_the_link(client, coach, organisation):
    topic = organisation.topics.get(name="Care")

    response = client.get(guide_url() + f"?topic={topic.pk}")

    assert f'<option value="{topic.pk}" selected>' in response.content.decode()


def test_pasting_the_alert_feed_follows_it_for_the_topic(client, coach, organisation):
    topic = organisation.topics.get(name="Care")

    response = client.post(guide_url(), {"topic": topic.pk, "url": ALERT_URL}, follow=True)

    assert response.status_code == 200
    subscription = Subscription.objects.get(organisation=organisation)
    assert subscription.source.kind == SourceKind.GOOGLE_ALERT
    assert subscription.source.url == ALERT_URL
    assert subscription.topic == topic
    assert subscription.created_by == coach
    assert subscription.title == "Google Alert: Care"
    assert "Following the Google Alert for “Care”" in response.content.decode()


def test_another_feed_is_refused_with_a_clear_message(client, coach, organisation):
    topic = organisation.topics.get(name="Care")

    response = client.post(
        guide_url(), {"topic": topic.pk, "url": "https://blog.example.org/feed.xml"}
    )

    assert response.status_code == 200
    assert "add it as a feed" in response.content.decode()
    assert not Subscription.objects.exists()


def test_topic_of_another_organisation_cannot_be_chosen(client, coach):
    other = monitored_organisation({"Theirs": "geheim"})

    response = client.post(guide_url(), {"topic": other.topics.get().pk, "url": ALERT_URL})

    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_participant_gets_403_and_stranger_404(client, organisation):
    participant = MembershipFactory(organisation=organisation, role=Role.PARTICIPANT)
    client.force_login(participant.user)
    assert client.get(guide_url()).status_code == 403

    stranger = MembershipFactory(role=Role.COACH)
    client.force_login(stranger.user)
    assert client.get(guide_url()).status_code == 404


def test_alert_feed_is_polled_with_its_links_unwrapped(settings, httpserver, organisation):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    httpserver.expect_request("/alerts/feeds/1/2").respond_with_data(
        google_alert_atom(
            [
                {
                    "title": "Meer <b>zorg</b> in de wijk",
                    "link": "https://news.example.org/zorg?utm_source=alerts",
                    "content": "De <b>wijkverpleging</b> groeit.",
                },
                {"title": "Weer", "link": "https://news.example.org/weer"},
            ]
        ),
        content_type="application/atom+xml",
    )
    url = f"http://127.0.0.1:{httpserver.port}/alerts/feeds/1/2"
    source = Source.objects.create(kind=SourceKind.GOOGLE_ALERT, key=url, url=url)
    Subscription.objects.create(
        organisation=organisation, source=source, topic=organisation.topics.get(name="Care")
    )

    outcome = source_poll(source_id=source.pk)

    assert outcome.status == "ok" and outcome.new_items == 2
    item = Item.objects.get(title="Meer zorg in de wijk")
    assert item.url == "https://news.example.org/zorg?utm_source=alerts"
    assert item.canonical_url == "https://news.example.org/zorg"
    assert QueueItem.objects.get().item == item
