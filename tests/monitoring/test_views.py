"""The pages that manage an organisation's sources, and its review queue, through the client."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.models import InboxEntry, QueueMatch, QueueStatus, Source, Subscription
from monitoring.opml import parse_opml
from onboarding.models import Role, Strategy, Topic
from tests.factories import (
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    QueueItemFactory,
    SourceFactory,
    SubscriptionFactory,
)
from tests.monitoring.brokers import (
    IN_MEMORY,
    UNREACHABLE,
    celery_broker,
    clear_memory_broker,
    polls_requested,
)
from tests.monitoring.builders import monitored_organisation, participant

pytestmark = pytest.mark.django_db

OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Housing">
      <outline type="rss" text="Housing blog" xmlUrl="https://housing.example.org/feed"/>
    </outline>
    <outline type="rss" text="Care news" xmlUrl="https://care.example.org/rss.xml"/>
    <outline type="rss" text="Broken" xmlUrl="javascript:alert(1)"/>
  </body>
</opml>
"""


@pytest.fixture(autouse=True)
def memory_broker():
    """Polls requested by these pages go to an in-memory broker, never the suite's real one."""
    with celery_broker(IN_MEMORY):
        clear_memory_broker()
        yield
        clear_memory_broker()


@pytest.fixture
def org():
    return monitored_organisation(
        {"Housing": "huurprijzen OR woningmarkt", "Care": "zorg*"}, slug="acme", name="Acme"
    )


@pytest.fixture
def coach(org):
    return MembershipFactory(organisation=org, role=Role.COACH)


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def url(name: str, org, **kwargs) -> str:
    return reverse(name, kwargs={"org": org.slug, **kwargs})


def topic(org, name: str) -> Topic:
    return Topic.objects.get(organisation=org, name=name)


def polled(**fields) -> dict:
    """Source fields of a source that has been polled successfully."""
    now = timezone.now()
    return {
        "last_polled_at": now - timedelta(minutes=5),
        "last_success_at": now - timedelta(minutes=5),
        "last_status": "ok",
        "next_poll_at": now + timedelta(minutes=25),
        **fields,
    }


def failing(count: int = 3, **fields) -> dict:
    now = timezone.now()
    return {
        "last_polled_at": now - timedelta(minutes=2),
        "last_status": "http_404",
        "last_error": "HTTP 404 Not Found from gone.example.org",
        "error_count": count,
        "next_poll_at": now + timedelta(hours=2),
        **fields,
    }


# --------------------------------------------------------------------------------------------
# The list


def test_list_shows_each_source_with_its_health(coach_client, org):
    SubscriptionFactory(organisation=org, source__title="Fresh blog")
    healthy = SubscriptionFactory(organisation=org, source__title="Healthy blog")
    Source.objects.filter(pk=healthy.source_id).update(**polled(items_seen=1234))
    quiet = SubscriptionFactory(organisation=org, source__title="Quiet blog")
    Source.objects.filter(pk=quiet.source_id).update(**polled(last_status="not_modified"))
    paused = SubscriptionFactory(
        organisation=org, source__title="Paused blog", paused_at=timezone.now()
    )
    Source.objects.filter(pk=paused.source_id).update(**polled())
    SubscriptionFactory(organisation=org, source__title="Housing only", topic=topic(org, "Housing"))

    page = coach_client.get(url("sources", org)).content.decode()

    assert len(_rows(page)) == 5
    assert "Fresh blog" in page and "pending" in _row(page, "Fresh blog")
    assert "in a moment" in _row(page, "Fresh blog")
    assert ">ok<" in _row(page, "Healthy blog")
    assert "1,234" in _row(page, "Healthy blog")
    assert "not modified" in _row(page, "Quiet blog")
    assert 'data-testid="paused"' in _row(page, "Paused blog")
    assert 'data-action="resume"' in _row(page, "Paused blog")
    assert 'data-action="pause"' in _row(page, "Healthy blog")
    assert "only “Housing”" in _row(page, "Housing only")
    assert "any of our topics" in _row(page, "Fresh blog")
    assert 'data-testid="failing-sources"' not in page


def test_failing_sources_are_flagged_at_the_top_even_when_paused(coach_client, org):
    SubscriptionFactory(organisation=org, source__title="Alpha healthy")
    gone = SubscriptionFactory(
        organisation=org, source__title="Zulu gone", paused_at=timezone.now()
    )
    Source.objects.filter(pk=gone.source_id).update(**failing(count=3))

    page = coach_client.get(url("sources", org)).content.decode()

    alert = page.split('data-testid="failing-sources"')[1].split("</section>")[0]
    assert "1 source is failing" in alert
    assert "Zulu gone" in alert
    assert "The feed was not found at this address" in alert
    assert "Failed 3 times in a row." in alert
    assert page.index('data-testid="failing-sources"') < page.index('data-testid="sources"')
    # In the table too, first (before "Alpha"), with the worker's own message.
    assert page.index("Zulu gone", page.index('data-testid="sources"')) < page.index(
        "Alpha healthy", page.index('data-testid="sources"')
    )
    row = _row(page, "Zulu gone")
    assert "failing" in row and "HTTP 404 Not Found from gone.example.org" in row


def test_a_timed_out_poll_without_an_error_count_still_shows_as_failing(coach_client, org):
    sub = SubscriptionFactory(organisation=org, source__title="Slow site")
    Source.objects.filter(pk=sub.source_id).update(
        last_polled_at=timezone.now(),
        last_status="timeout",
        last_error="The poll took too long and was stopped.",
        error_count=0,
    )
    page = coach_client.get(url("sources", org)).content.decode()
    assert "Slow site" in page.split('data-testid="failing-sources"')[1].split("</section>")[0]
    assert "The site took too long to answer." in _row(page, "Slow site")


def test_list_query_count_does_not_grow_with_the_number_of_sources(
    coach_client, org, django_assert_max_num_queries
):
    SubscriptionFactory(organisation=org, topic=topic(org, "Care"))
    with CaptureQueriesContext(connection) as one_source:
        assert coach_client.get(url("sources", org)).status_code == 200
    for n in range(15):
        sub = SubscriptionFactory(organisation=org, topic=topic(org, "Housing") if n % 2 else None)
        if n % 3 == 0:
            Source.objects.filter(pk=sub.source_id).update(**failing())
    with django_assert_max_num_queries(len(one_source)):
        page = coach_client.get(url("sources", org)).content.decode()
    assert len(_rows(page)) == 16


def test_empty_list_invites_to_add_a_feed(coach_client, org):
    page = coach_client.get(url("sources", org)).content.decode()
    assert "No sources yet" in page
    assert url("source_add", org) in page


def test_another_organisations_subscriptions_are_not_listed(coach_client, org):
    SubscriptionFactory(organisation=OrganisationFactory(), source__title="Their blog")
    assert "Their blog" not in coach_client.get(url("sources", org)).content.decode()


# --------------------------------------------------------------------------------------------
# The banner: monitoring starts with an approved strategy that has topics


def test_banner_when_the_strategy_is_not_approved(client):
    org = OrganisationFactory()
    Strategy.objects.create(organisation=org)
    Topic.objects.create(organisation=org, name="Care", query="zorg")
    member = MembershipFactory(organisation=org, role=Role.COACH)
    client.force_login(member.user)
    for page in ("sources", "source_add", "queue"):
        content = client.get(url(page, org)).content.decode()
        assert "Monitoring starts once the strategy is approved." in content, page


def test_banner_when_the_approved_strategy_has_no_active_topic(client):
    org = monitored_organisation({"Care": "zorg"})
    Topic.objects.filter(organisation=org).update(is_active=False)
    member = MembershipFactory(organisation=org, role=Role.COACH)
    client.force_login(member.user)
    assert 'data-testid="monitoring-banner"' in client.get(url("sources", org)).content.decode()


def test_no_banner_once_monitoring_runs(coach_client, org):
    assert 'data-testid="monitoring-banner"' not in (
        coach_client.get(url("sources", org)).content.decode()
    )


# --------------------------------------------------------------------------------------------
# Adding a feed


def test_coach_adds_a_feed_and_sees_it_pending(
    coach_client, org, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(
            url("source_add", org),
            {
                "url": "https://blog.example.org/feed.xml",
                "title": "Our favourite blog",
                "topic": topic(org, "Care").pk,
                "keep_all": "on",
            },
        )

    subscription = Subscription.objects.get(organisation=org)
    assert response.status_code == 302
    assert response.url == url("source_detail", org, pk=subscription.pk)
    assert subscription.source.url == "https://blog.example.org/feed.xml"
    assert subscription.title == "Our favourite blog"
    assert subscription.topic == topic(org, "Care")
    assert subscription.keep_all is True
    assert subscription.created_by == coach
    assert polls_requested() == [f"({subscription.source_id},)"]

    page = coach_client.get(response.url).content.decode()
    assert "Source added. It will be checked in a moment." in page
    assert ">pending<" in page
    assert "Nothing yet: this source will be checked in a moment." in page


def test_an_address_without_scheme_is_taken_as_https(coach_client, org):
    coach_client.post(url("source_add", org), {"url": "blog.example.org/feed"})
    assert Source.objects.get().url == "https://blog.example.org/feed"


@pytest.mark.parametrize(
    "typed", ["javascript:alert(1)", "ftp://files.example.org/feed", "not an address", ""]
)
def test_a_bad_address_is_refused_and_the_typed_text_kept(coach_client, org, typed):
    response = coach_client.post(
        url("source_add", org), {"url": typed, "title": "My title typed here"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist' in page
    assert 'value="My title typed here"' in page
    if typed:
        assert "starting with http:// or https://" in page
        assert f'value="{typed}"' in page
    assert not Source.objects.exists()
    assert not Subscription.objects.exists()


def test_a_topic_of_another_organisation_cannot_be_chosen(coach_client, org):
    other = monitored_organisation({"Secret": "secret"})
    response = coach_client.post(
        url("source_add", org),
        {"url": "https://blog.example.org/feed", "topic": topic(other, "Secret").pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Subscription.objects.exists()


def test_adding_a_followed_feed_again_goes_to_it(coach_client, org):
    first = SubscriptionFactory(
        organisation=org,
        source__url="https://blog.example.org/feed",
        source__key="https://blog.example.org/feed",
    )
    response = coach_client.post(url("source_add", org), {"url": "HTTPS://BLOG.example.org/feed"})
    assert response.url == url("source_detail", org, pk=first.pk)
    assert Subscription.objects.count() == 1
    assert "You already follow this source." in coach_client.get(response.url).content.decode()


def test_two_organisations_following_one_feed_share_the_source(coach_client, org):
    other = SubscriptionFactory(
        source__url="https://blog.example.org/feed", source__key="https://blog.example.org/feed"
    )
    coach_client.post(url("source_add", org), {"url": "https://blog.example.org/feed"})
    mine = Subscription.objects.get(organisation=org)
    assert mine.source_id == other.source_id
    assert Source.objects.count() == 1


def test_adding_works_and_shows_pending_while_the_broker_is_down(
    coach_client, org, caplog, django_capture_on_commit_callbacks
):
    with celery_broker(UNREACHABLE), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = coach_client.post(
            url("source_add", org), {"url": "https://blog.example.org/feed.xml"}
        )
        elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 5
    assert "could not reach the broker" in caplog.text
    subscription = Subscription.objects.get(organisation=org)
    page = coach_client.get(response.url).content.decode()
    assert ">pending<" in page
    assert "It will be checked in a moment." in page
    # Nothing depends on the message: the scheduler finds the source due in the database.
    assert Source.objects.due(timezone.now()).filter(pk=subscription.source_id).exists()


# --------------------------------------------------------------------------------------------
# Detail


def test_detail_shows_health_items_and_why_they_were_queued(coach_client, org):
    sub = SubscriptionFactory(organisation=org, source__title="Housing blog")
    Source.objects.filter(pk=sub.source_id).update(**polled(items_seen=3))
    now = timezone.now()
    matched = ItemFactory(
        source=sub.source, title="Huurprijzen stijgen", published_at=now - timedelta(hours=1)
    )
    ignored = ItemFactory(source=sub.source, title="Weather", published_at=now)
    queued = QueueItemFactory(organisation=org, item=matched)
    QueueMatch.objects.create(queue_item=queued, topic=topic(org, "Housing"), terms=["huurprijzen"])
    for member in (participant(org), participant(org)):
        InboxEntry.objects.create(queue_item=queued, membership=member)
    # The same story in another organisation's queue is not ours.
    QueueItemFactory(organisation=OrganisationFactory(), item=ignored)

    page = coach_client.get(url("source_detail", org, pk=sub.pk)).content.decode()

    assert "Housing blog" in page
    assert ">ok<" in page
    rows = page.split('data-testid="item-row"')[1:]
    assert len(rows) == 2
    weather, housing = rows  # newest first
    assert "Weather" in weather and "not queued" in weather
    assert "Huurprijzen stijgen" in housing
    assert "Housing: huurprijzen" in housing
    assert "sent to 2 participants" in housing
    assert f'href="{matched.url}" target="_blank" rel="noopener noreferrer"' in housing


def test_detail_shows_a_story_queued_through_another_source(coach_client, org):
    sub = SubscriptionFactory(organisation=org)
    other_source = SourceFactory()
    story = "https://news.example.org/same-story"
    first = ItemFactory(source=other_source, url=story, canonical_url=story)
    QueueItemFactory(organisation=org, item=first)
    ItemFactory(source=sub.source, url=story + "?utm_source=x", canonical_url=story)
    ItemFactory(source=sub.source, url=story + "?utm_medium=y", canonical_url=story)

    page = coach_client.get(url("source_detail", org, pk=sub.pk)).content.decode()
    assert page.count('data-testid="queued"') == 2
    assert "kept because everything from this source is kept" in page


def test_detail_escapes_what_a_feed_brought(coach_client, org):
    sub = SubscriptionFactory(organisation=org)
    ItemFactory(source=sub.source, title='<script>alert("x")</script>')
    page = coach_client.get(url("source_detail", org, pk=sub.pk)).content.decode()
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;" in page


def test_detail_shows_a_failure_in_plain_words(coach_client, org):
    sub = SubscriptionFactory(organisation=org)
    Source.objects.filter(pk=sub.source_id).update(
        **failing(count=1, last_status="dns", last_error="cannot resolve nowhere.example")
    )
    page = coach_client.get(url("source_detail", org, pk=sub.pk)).content.decode()
    assert "The site&#x27;s name could not be found." in page
    assert "Failed once." in page
    assert "cannot resolve nowhere.example" in page


def test_detail_query_count_does_not_grow_with_items(
    coach_client, org, django_assert_max_num_queries
):
    sub = SubscriptionFactory(organisation=org)
    queued = QueueItemFactory(organisation=org, item=ItemFactory(source=sub.source))
    QueueMatch.objects.create(queue_item=queued, topic=topic(org, "Care"), terms=["zorg"])
    with CaptureQueriesContext(connection) as few:
        coach_client.get(url("source_detail", org, pk=sub.pk))
    for _ in range(12):
        queued = QueueItemFactory(organisation=org, item=ItemFactory(source=sub.source))
        QueueMatch.objects.create(queue_item=queued, topic=topic(org, "Care"), terms=["zorg"])
        QueueMatch.objects.create(queue_item=queued, topic=topic(org, "Housing"), terms=["x"])
        InboxEntry.objects.create(queue_item=queued, membership=participant(org))
    with django_assert_max_num_queries(len(few)):
        page = coach_client.get(url("source_detail", org, pk=sub.pk)).content.decode()
    assert page.count('data-testid="item-row"') == 13


# --------------------------------------------------------------------------------------------
# Pause, resume, remove, edit


def test_pause_and_resume(coach_client, org):
    sub = SubscriptionFactory(organisation=org, source__title="Blog")
    back = url("sources", org)

    response = coach_client.post(url("source_pause", org, pk=sub.pk), {"next": back})
    assert response.status_code == 302 and response.url == back
    sub.refresh_from_db()
    assert sub.paused_at is not None
    page = coach_client.get(back).content.decode()
    assert "Paused “Blog”" in page
    assert 'data-testid="paused"' in _row(page, "Blog")

    response = coach_client.post(url("source_resume", org, pk=sub.pk))
    assert response.url == url("source_detail", org, pk=sub.pk)
    sub.refresh_from_db()
    assert sub.paused_at is None


def test_pause_and_resume_only_by_post(coach_client, org):
    sub = SubscriptionFactory(organisation=org)
    assert coach_client.get(url("source_pause", org, pk=sub.pk)).status_code == 405
    assert coach_client.get(url("source_resume", org, pk=sub.pk)).status_code == 405
    sub.refresh_from_db()
    assert sub.paused_at is None


def test_pause_does_not_redirect_elsewhere(coach_client, org):
    sub = SubscriptionFactory(organisation=org)
    response = coach_client.post(
        url("source_pause", org, pk=sub.pk), {"next": "https://evil.example.com/"}
    )
    assert response.url == url("source_detail", org, pk=sub.pk)


def test_remove_asks_first_then_removes(coach_client, org):
    sub = SubscriptionFactory(organisation=org, source__title="Old blog")
    item = ItemFactory(source=sub.source)
    queued = QueueItemFactory(organisation=org, item=item)

    confirm = coach_client.get(url("source_remove", org, pk=sub.pk))
    assert confirm.status_code == 200
    assert "Stop following “Old blog”?" in confirm.content.decode()
    assert Subscription.objects.filter(pk=sub.pk).exists()

    response = coach_client.post(url("source_remove", org, pk=sub.pk))
    assert response.url == url("sources", org)
    assert not Subscription.objects.filter(pk=sub.pk).exists()
    assert Source.objects.filter(pk=sub.source_id).exists()
    queued.refresh_from_db()  # what it brought stays in the queue
    page = coach_client.get(response.url).content.decode()
    assert "“Old blog” is no longer followed." in page


def test_edit_changes_name_topic_and_keep_all(coach_client, org):
    sub = SubscriptionFactory(organisation=org, title="Old name")
    form = coach_client.get(url("source_edit", org, pk=sub.pk)).content.decode()
    assert 'value="Old name"' in form

    response = coach_client.post(
        url("source_edit", org, pk=sub.pk),
        {"title": "New name", "topic": topic(org, "Housing").pk, "keep_all": "on"},
    )
    assert response.url == url("source_detail", org, pk=sub.pk)
    sub.refresh_from_db()
    assert (sub.title, sub.topic, sub.keep_all) == ("New name", topic(org, "Housing"), True)


def test_edit_keeps_a_paused_topic_that_was_chosen_before(coach_client, org):
    care = topic(org, "Care")
    sub = SubscriptionFactory(organisation=org, topic=care)
    Topic.objects.filter(pk=care.pk).update(is_active=False)
    response = coach_client.post(
        url("source_edit", org, pk=sub.pk), {"title": "Renamed", "topic": care.pk}
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.topic == care and sub.title == "Renamed"


def test_edit_refuses_another_organisations_topic_and_keeps_the_text(coach_client, org):
    sub = SubscriptionFactory(organisation=org, title="Old name")
    other = monitored_organisation({"Secret": "secret"})
    response = coach_client.post(
        url("source_edit", org, pk=sub.pk),
        {"title": "Typed name", "topic": topic(other, "Secret").pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert 'value="Typed name"' in page
    sub.refresh_from_db()
    assert sub.title == "Old name" and sub.topic is None


# --------------------------------------------------------------------------------------------
# Scoping and roles


PER_SUBSCRIPTION = [
    ("get", "source_detail"),
    ("get", "source_edit"),
    ("post", "source_edit"),
    ("post", "source_pause"),
    ("post", "source_resume"),
    ("get", "source_remove"),
    ("post", "source_remove"),
]


@pytest.mark.parametrize(("method", "name"), PER_SUBSCRIPTION)
def test_another_organisations_subscription_is_404(coach_client, org, method, name):
    theirs = SubscriptionFactory(organisation=OrganisationFactory(), title="Theirs")
    MembershipFactory(organisation=theirs.organisation, role=Role.COACH)
    response = getattr(coach_client, method)(
        url(name, org, pk=theirs.pk), {"title": "Hijacked", "next": "/"}
    )
    assert response.status_code == 404
    # Through their slug it is a 404 as well: the coach is no member there.
    response = getattr(coach_client, method)(
        url(name, theirs.organisation, pk=theirs.pk), {"title": "Hijacked"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs" and theirs.paused_at is None


def test_another_organisations_pages_are_404(coach_client):
    other = OrganisationFactory()
    for name in ("sources", "source_add", "queue", "opml_import", "opml_export"):
        assert coach_client.get(url(name, other)).status_code == 404, name


ALL_PAGES = [
    ("get", "sources", False),
    ("get", "source_add", False),
    ("post", "source_add", False),
    ("get", "queue", False),
    ("get", "opml_import", False),
    ("post", "opml_import", False),
    ("get", "opml_export", False),
    *[(method, name, True) for method, name in PER_SUBSCRIPTION],
]


@pytest.mark.parametrize(("method", "name", "per_subscription"), ALL_PAGES)
def test_participant_is_refused(client, org, method, name, per_subscription):
    sub = SubscriptionFactory(organisation=org)
    member = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    client.force_login(member.user)
    kwargs = {"pk": sub.pk} if per_subscription else {}
    response = getattr(client, method)(url(name, org, **kwargs), {"url": "https://x.example/"})
    assert response.status_code == 403
    sub.refresh_from_db()
    assert sub.paused_at is None
    assert Subscription.objects.count() == 1


def test_manager_may_look_but_not_change(client, org):
    sub = SubscriptionFactory(organisation=org, source__title="Blog")
    manager = MembershipFactory(organisation=org, role=Role.MANAGER)
    client.force_login(manager.user)

    page = client.get(url("sources", org)).content.decode()
    assert "Blog" in page
    for action in ('data-action="add"', 'data-action="pause"', 'data-action="remove"'):
        assert action not in page
    detail = client.get(url("source_detail", org, pk=sub.pk)).content.decode()
    assert 'data-action="edit"' not in detail
    assert client.get(url("queue", org)).status_code == 200
    assert client.get(url("opml_export", org)).status_code == 200
    for name in ("source_pause", "source_remove", "source_edit"):
        assert client.post(url(name, org, pk=sub.pk)).status_code == 403
    assert client.post(url("source_add", org), {"url": "https://x.example/"}).status_code == 403
    sub.refresh_from_db()
    assert sub.paused_at is None


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(url("sources", org))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_navigation_links_sources_and_queue_for_coaches_only(client, org, coach):
    client.force_login(coach.user)
    page = client.get(url("sources", org)).content.decode()
    assert 'data-nav="sources"' in page and 'data-nav="queue"' in page
    member = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    client.force_login(member.user)
    page = client.get(url("inbox", org)).content.decode()
    assert 'data-nav="sources"' not in page and 'data-nav="queue"' not in page


# --------------------------------------------------------------------------------------------
# The queue


def test_queue_shows_open_items_with_why_and_how_many_participants(coach_client, org):
    source = SourceFactory(title="Care weekly")
    sub = SubscriptionFactory(organisation=org, source=source)
    shown = QueueItemFactory(
        organisation=org, item=ItemFactory(source=sub.source, title="Zorgkosten omhoog")
    )
    QueueMatch.objects.create(queue_item=shown, topic=topic(org, "Care"), terms=["zorgkosten"])
    for member in (participant(org), participant(org), participant(org)):
        InboxEntry.objects.create(queue_item=shown, membership=member)
    QueueItemFactory(
        organisation=org,
        item=ItemFactory(source=source, title="Reviewed already"),
        status=QueueStatus.DONE,
    )
    QueueItemFactory(
        organisation=org,
        item=ItemFactory(source=source, title="Too old"),
        status=QueueStatus.EXPIRED,
    )
    QueueItemFactory(
        organisation=OrganisationFactory(), item=ItemFactory(title="Someone else's story")
    )

    page = coach_client.get(url("queue", org)).content.decode()

    rows = page.split('data-testid="queue-row"')[1:]
    assert len(rows) == 1
    assert "Zorgkosten omhoog" in rows[0]
    assert "Care weekly" in rows[0]
    assert "Care: zorgkosten" in rows[0]
    assert 'data-testid="recipients">3<' in rows[0]
    assert 'target="_blank" rel="noopener noreferrer"' in rows[0]


def test_queue_query_count_does_not_grow_with_items(
    coach_client, org, django_assert_max_num_queries
):
    def add_one() -> None:
        queued = QueueItemFactory(organisation=org)
        QueueMatch.objects.create(queue_item=queued, topic=topic(org, "Care"), terms=["zorg"])
        InboxEntry.objects.create(queue_item=queued, membership=participant(org))

    add_one()
    with CaptureQueriesContext(connection) as one:
        coach_client.get(url("queue", org))
    for _ in range(12):
        add_one()
    with django_assert_max_num_queries(len(one)):
        page = coach_client.get(url("queue", org)).content.decode()
    assert page.count('data-testid="queue-row"') == 13


def test_empty_queue(coach_client, org):
    assert "The queue is empty." in coach_client.get(url("queue", org)).content.decode()


# --------------------------------------------------------------------------------------------
# OPML


def upload(content: bytes, name: str = "feeds.opml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/x-opml")


def test_opml_import_reports_added_and_problems(coach_client, org, coach):
    response = coach_client.post(url("opml_import", org), {"file": upload(OPML)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 feeds added." in page
    assert "0 feeds were followed already." in page
    assert "1 entry was skipped:" in page
    assert "https://housing.example.org/feed" in page
    assert set(
        Subscription.objects.filter(organisation=org).values_list("source__url", flat=True)
    ) == {"https://housing.example.org/feed", "https://care.example.org/rss.xml"}
    assert set(Subscription.objects.values_list("created_by", flat=True)) == {coach.pk}


def test_opml_import_twice_adds_nothing(coach_client, org):
    coach_client.post(url("opml_import", org), {"file": upload(OPML)})
    page = coach_client.post(url("opml_import", org), {"file": upload(OPML)}).content.decode()
    assert "0 feeds added." in page
    assert "2 feeds were followed already." in page
    assert Subscription.objects.filter(organisation=org).count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "not an OPML"),
        (b"<html><body>hello</body></html>", "web page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not valid XML"),
        (b"   ", "This file is empty."),
    ],
)
def test_a_file_that_is_not_opml_imports_nothing(coach_client, org, content, message):
    response = coach_client.post(url("opml_import", org), {"file": upload(content)})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Nothing was imported." in page
    assert 'data-testid="import-report"' not in page
    assert not Subscription.objects.exists()


def test_opml_import_without_a_file(coach_client, org):
    page = coach_client.post(url("opml_import", org), {}).content.decode()
    assert "This field is required." in page


def test_opml_export_downloads_the_organisations_feeds(coach_client, org):
    SubscriptionFactory(
        organisation=org, title="Housing blog", source__url="https://housing.example.org/feed"
    )
    SubscriptionFactory(source__url="https://someone-else.example.org/feed")

    response = coach_client.get(url("opml_export", org))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-opml")
    assert 'filename="acme-sources.opml"' in response["Content-Disposition"]
    document = parse_opml(response.content)
    assert [(o.title, o.xml_url) for o in document.outlines] == [
        ("Housing blog", "https://housing.example.org/feed")
    ]


def test_export_then_import_elsewhere_follows_the_same_feeds(coach_client, org, coach):
    coach_client.post(url("opml_import", org), {"file": upload(OPML)})
    exported = coach_client.get(url("opml_export", org)).content
    second = OrganisationFactory(slug="second")
    MembershipFactory(organisation=second, role=Role.COACH, user=coach.user)
    page = coach_client.post(url("opml_import", second), {"file": upload(exported)})
    assert "2 feeds added." in page.content.decode()
    assert Source.objects.count() == 2


# --------------------------------------------------------------------------------------------


def _rows(page: str) -> list[str]:
    return [chunk.split("</tr>")[0] for chunk in page.split('data-testid="source-row"')[1:]]


def _row(page: str, name: str) -> str:
    matches = [row for row in _rows(page) if name in row]
    assert len(matches) == 1, f"{name!r} in {len(matches)} rows"
    return matches[0]
