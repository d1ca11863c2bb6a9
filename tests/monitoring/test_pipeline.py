"""One poll through fetch → parse → store → match → queue → schedule, against a real local
HTTP server."""

from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from monitoring.models import InboxEntry, Item, QueueItem, QueueMatch, Source
from monitoring.pipeline import source_poll
from tests.monitoring.builders import follow, monitored_organisation, participant, rss

pytestmark = pytest.mark.django_db

ARTICLES = [
    {
        "title": "Zorgverzekeraars en de woningmarkt",
        "link": "https://news.example.org/a/1?utm_source=rss",
        "description": "<p>Het <b>kabinet</b> over huurprijzen.</p><script>alert(1)</script>",
    },
    {
        "title": "Recruitment on social media",
        "link": "https://news.example.org/a/2",
        "description": "How recruiters use LinkedIn.",
    },
    {"title": "Weather", "link": "https://news.example.org/a/3", "description": "Rain."},
]


@pytest.fixture
def allow_local(settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = (
        f"127.0.0.1:{httpserver.port},localhost:{httpserver.port}"
    )
    settings.SPRINGPLANK_FETCH_DEADLINE = 5
    settings.SPRINGPLANK_FETCH_TIMEOUT = 3
    return httpserver


def serve_feed(server, path="/feed.xml", items=ARTICLES, **headers):
    server.expect_request(path).respond_with_data(
        rss(items), content_type="application/rss+xml", headers=headers
    )
    return server.url_for(path).replace("localhost", "127.0.0.1")


def test_poll_stores_sanitised_items_and_queues_what_matches(allow_local):
    org = monitored_organisation(
        {"Housing": "huurprijzen OR woningmarkt", "Recruiting": "recruit*"}
    )
    housing_fan = participant(org, "Housing")
    recruiter = participant(org, "Recruiting")
    everyone = participant(org)
    sub = follow(org, serve_feed(allow_local))

    outcome = source_poll(source_id=sub.source_id)

    assert outcome.status == "ok"
    assert outcome.new_items == 3
    assert Item.objects.count() == 3
    first = Item.objects.get(title__startswith="Zorg")
    assert "<script" not in first.summary and "alert" not in first.summary
    assert first.canonical_url == "https://news.example.org/a/1"
    assert QueueItem.objects.filter(organisation=org).count() == 2
    housing = QueueMatch.objects.get(topic__name="Housing")
    assert housing.terms == ["huurprijzen", "woningmarkt"]
    assert QueueMatch.objects.get(topic__name="Recruiting").terms == ["recruit*"]
    inbox = {
        m: set(
            InboxEntry.objects.filter(membership=m).values_list(
                "queue_item__item__title", flat=True
            )
        )
        for m in (housing_fan, recruiter, everyone)
    }
    assert inbox[housing_fan] == {"Zorgverzekeraars en de woningmarkt"}
    assert inbox[recruiter] == {"Recruitment on social media"}
    assert len(inbox[everyone]) == 2
    source = Source.objects.get()
    assert source.error_count == 0 and source.last_status == "ok"
    assert source.next_poll_at > timezone.now()
    assert source.title == "Test feed"


def test_polling_twice_inserts_nothing_new(allow_local):
    org = monitored_organisation({"All": "the OR social OR rain"})
    participant(org)
    sub = follow(org, serve_feed(allow_local))
    source_poll(source_id=sub.source_id)
    counts = (Item.objects.count(), QueueItem.objects.count(), InboxEntry.objects.count())
    again = source_poll(source_id=sub.source_id)
    assert again.new_items == 0
    assert (Item.objects.count(), QueueItem.objects.count(), InboxEntry.objects.count()) == counts


def test_conditional_get_304_costs_no_parsing(allow_local):
    org = monitored_organisation({"All": "rain"})
    url = serve_feed(allow_local, etag='"v1"')
    sub = follow(org, url)
    source_poll(source_id=sub.source_id)
    assert Source.objects.get().etag == '"v1"'
    allow_local.clear()
    allow_local.expect_request("/feed.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    outcome = source_poll(source_id=sub.source_id)
    assert outcome.status == "not_modified"
    assert Source.objects.get().last_status == "not_modified"


def test_topic_limited_subscription_keeps_only_that_topic(allow_local):
    org = monitored_organisation({"Housing": "woningmarkt", "Recruiting": "recruit*"})
    participant(org)
    from onboarding.models import Topic

    sub = follow(org, serve_feed(allow_local), topic=Topic.objects.get(name="Recruiting"))
    source_poll(source_id=sub.source_id)
    assert list(QueueItem.objects.values_list("item__title", flat=True)) == [
        "Recruitment on social media"
    ]


def test_keep_all_queues_everything_and_routes_to_all(allow_local):
    org = monitored_organisation({"Housing": "woningmarkt"})
    fan = participant(org, "Housing")
    sub = follow(org, serve_feed(allow_local), keep_all=True)
    source_poll(source_id=sub.source_id)
    assert QueueItem.objects.count() == 3
    assert InboxEntry.objects.filter(membership=fan).count() == 3


def test_organisation_without_approved_strategy_queues_nothing(allow_local):
    org = monitored_organisation({"Housing": "woningmarkt"})
    org.strategy.approved_at = None
    org.strategy.save()
    sub = follow(org, serve_feed(allow_local))
    outcome = source_poll(source_id=sub.source_id)
    assert outcome.new_items == 3
    assert not QueueItem.objects.exists()


def test_one_feed_is_fetched_once_for_two_organisations(allow_local):
    url = serve_feed(allow_local)
    a = monitored_organisation({"Housing": "woningmarkt"})
    b = monitored_organisation({"Weather": "rain"})
    sub_a = follow(a, url)
    follow(b, url)
    assert Source.objects.count() == 1
    source_poll(source_id=sub_a.source_id)
    assert len(allow_local.log) == 1
    assert QueueItem.objects.get(organisation=a).item.title.startswith("Zorg")
    assert QueueItem.objects.get(organisation=b).item.title == "Weather"


def test_one_story_from_two_sources_is_one_queue_item(allow_local):
    org = monitored_organisation({"Housing": "woningmarkt", "Rent": "huurprijzen"})
    participant(org)
    first = follow(org, serve_feed(allow_local, "/one.xml", items=ARTICLES[:1]))
    wrapped = dict(ARTICLES[0])
    wrapped["link"] = (
        "https://www.google.com/url?rct=j&sa=t&url=https%3A%2F%2Fnews.example.org%2Fa%2F1"
        "%3Futm_medium%3Demail&ct=ga"
    )
    wrapped["guid"] = "tag:google.com,2013:googlealerts/feed:123"
    second = follow(org, serve_feed(allow_local, "/alert.xml", items=[wrapped]))
    source_poll(source_id=first.source_id)
    source_poll(source_id=second.source_id)
    assert Item.objects.count() == 2
    assert QueueItem.objects.count() == 1
    assert Item.objects.get(source=second.source).url.startswith("https://news.example.org/a/1")


def test_deleted_source_exits_quietly():
    assert source_poll(source_id=987654).status == "gone"


def test_http_error_is_recorded_and_backs_off(allow_local):
    org = monitored_organisation({"x": "x"})
    allow_local.expect_request("/down.xml").respond_with_data("nope", status=503)
    sub = follow(org, allow_local.url_for("/down.xml").replace("localhost", "127.0.0.1"))
    before = timezone.now()
    source_poll(source_id=sub.source_id)
    source_poll(source_id=sub.source_id)
    source = Source.objects.get()
    assert source.error_count == 2
    assert source.last_status == "http_503"
    assert source.last_error
    assert source.next_poll_at >= before + timedelta(seconds=600)
    assert source.leased_until is None


def test_retry_after_is_honoured(allow_local):
    org = monitored_organisation({"x": "x"})
    allow_local.expect_request("/busy.xml").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7200"}
    )
    sub = follow(org, allow_local.url_for("/busy.xml").replace("localhost", "127.0.0.1"))
    before = timezone.now()
    source_poll(source_id=sub.source_id)
    source = Source.objects.get()
    assert source.last_status == "http_429"
    assert source.next_poll_at >= before + timedelta(seconds=7200)


def test_rss_ttl_and_cache_control_are_a_floor(allow_local):
    org = monitored_organisation({"x": "x"})
    allow_local.expect_request("/ttl.xml").respond_with_data(
        rss(ARTICLES, ttl=240),
        content_type="application/rss+xml",
        headers={"Cache-Control": "max-age=3600"},
    )
    sub = follow(org, allow_local.url_for("/ttl.xml").replace("localhost", "127.0.0.1"))
    source_poll(source_id=sub.source_id)
    assert Source.objects.get().poll_interval >= 240 * 60


def test_web_page_leads_to_its_feed(allow_local):
    org = monitored_organisation({"Housing": "woningmarkt"})
    feed_url = serve_feed(allow_local)
    allow_local.expect_request("/").respond_with_data(
        f'<html><head><link rel="alternate" type="application/rss+xml" href="{feed_url}"></head>'
        "<body>Blog</body></html>",
        content_type="text/html",
    )
    sub = follow(org, allow_local.url_for("/").replace("localhost", "127.0.0.1"))
    outcome = source_poll(source_id=sub.source_id)
    assert outcome.status == "ok"
    source = Source.objects.get()
    assert source.url == feed_url
    assert QueueItem.objects.count() == 1


def test_web_page_without_feed_is_a_clear_error(allow_local):
    org = monitored_organisation({"x": "x"})
    allow_local.expect_request("/page").respond_with_data(
        "<html><body>No feed here</body></html>", content_type="text/html"
    )
    sub = follow(org, allow_local.url_for("/page").replace("localhost", "127.0.0.1"))
    source_poll(source_id=sub.source_id)
    source = Source.objects.get()
    assert source.last_status == "not_a_feed"
    assert "web page" in source.last_error


def test_private_address_is_refused_and_recorded(settings):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = ""
    org = monitored_organisation({"x": "x"})
    sub = follow(org, "http://127.0.0.1:9/feed.xml")
    source_poll(source_id=sub.source_id)
    source = Source.objects.get()
    assert source.last_status == "blocked_address"
    assert source.error_count == 1


def test_redirect_wrapped_response(allow_local):
    org = monitored_organisation({"Housing": "woningmarkt"})
    target = serve_feed(allow_local, "/real.xml")
    allow_local.expect_request("/old.xml").respond_with_response(
        Response(status=301, headers={"Location": target})
    )
    sub = follow(org, allow_local.url_for("/old.xml").replace("localhost", "127.0.0.1"))
    assert source_poll(source_id=sub.source_id).new_items == 3


def test_participant_whose_topics_are_all_paused_gets_everything(allow_local):
    from onboarding.models import Topic

    org = monitored_organisation({"Housing": "woningmarkt", "Recruiting": "recruit*", "Old": "x"})
    member = participant(org, "Old")
    Topic.objects.filter(name="Old").update(is_active=False)
    sub = follow(org, serve_feed(allow_local))
    source_poll(source_id=sub.source_id)
    assert InboxEntry.objects.filter(membership=member).count() == 2


def test_two_entries_of_one_poll_pointing_at_one_story_are_one_queue_item(allow_local):
    org = monitored_organisation({"Housing": "woningmarkt"})
    twins = [
        {"title": "Woningmarkt 1", "link": "https://n.example/x?utm_source=a", "guid": "g1"},
        {"title": "Woningmarkt 2", "link": "https://n.example/x?utm_source=b", "guid": "g2"},
    ]
    sub = follow(org, serve_feed(allow_local, items=twins))
    outcome = source_poll(source_id=sub.source_id)
    assert outcome.new_items == 2
    assert QueueItem.objects.count() == 1
    assert QueueMatch.objects.count() == 1


def test_workers_keep_topics_for_a_few_seconds(allow_local, settings, django_assert_num_queries):
    from monitoring.matching import _SNAPSHOTS, monitoring_state

    settings.SPRINGPLANK_MATCH_CACHE_SECONDS = 60
    org = monitored_organisation({"Housing": "woningmarkt"})
    _SNAPSHOTS.clear()
    with django_assert_num_queries(2):
        matchers, routings = monitoring_state([org.pk])
    assert list(matchers) == [org.pk]
    with django_assert_num_queries(0):
        again, _ = monitoring_state([org.pk])
    assert again[org.pk] is matchers[org.pk]
    settings.SPRINGPLANK_MATCH_CACHE_SECONDS = 0
    with django_assert_num_queries(2):
        monitoring_state([org.pk])
    assert not _SNAPSHOTS
