"""One article reached through a blog feed, a news search and a Google Alert is one queue item.

End to end through ``monitoring.pipeline.source_poll``: three sources of three kinds, served by
a local server on three paths, each writing the article's link its own way (directly, wrapped
in Bing's apiclick redirect, wrapped in Google's /url redirect, with tracking parameters).
"""

from __future__ import annotations

import pytest

from monitoring.models import InboxEntry, Item, QueueItem, QueueMatch, SourceKind
from monitoring.pipeline import source_poll
from monitoring.services import source_subscribe
from tests.monitoring.builders import monitored_organisation, participant
from tests.monitoring.kind_feeds import bing_news_rss, blog_rss, google_alert_atom

pytestmark = pytest.mark.django_db

ARTICLE = "https://news.example.org/artikel/zorg-in-de-wijk"
TITLE = "Wijkverpleging: meer zorg dichter bij huis"


@pytest.fixture
def served(settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    base = f"http://127.0.0.1:{httpserver.port}"
    httpserver.expect_request("/blog/feed.xml").respond_with_data(
        blog_rss(
            [
                {"title": TITLE, "link": ARTICLE, "description": "Over zorg in de wijk."},
                {"title": "Iets anders", "link": "https://news.example.org/artikel/anders"},
            ]
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/news/search").respond_with_data(
        bing_news_rss(
            [{"title": TITLE, "link": f"{ARTICLE}?utm_source=bing&utm_medium=news"}],
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/alerts/feeds/1/2").respond_with_data(
        google_alert_atom(
            [{"title": TITLE, "link": f"{ARTICLE}?utm_campaign=alert", "content": "zorg"}]
        ),
        content_type="application/atom+xml",
    )
    return {
        "blog": f"{base}/blog/feed.xml",
        "news": f"{base}/news/search?q=zorg&format=rss&setlang=nl&cc=NL",
        "alert": f"{base}/alerts/feeds/1/2",
    }


def test_one_story_through_three_kinds_is_one_queue_item(
    served, django_capture_on_commit_callbacks
):
    organisation = monitored_organisation(
        {"Care": "zorg", "Nursing": "wijkverpleging"}, language="nl"
    )
    everyone = participant(organisation)
    nurse = participant(organisation, "Nursing")
    care = organisation.topics.get(name="Care")
    nursing = organisation.topics.get(name="Nursing")
    with django_capture_on_commit_callbacks():  # the first polls are requested, not run
        blog = source_subscribe(organisation=organisation, url=served["blog"])
        news = source_subscribe(
            organisation=organisation,
            url=served["news"],
            kind=SourceKind.NEWS_SEARCH,
            topic=care,
        )
        alert = source_subscribe(
            organisation=organisation,
            url=served["alert"],
            kind=SourceKind.GOOGLE_ALERT,
            topic=nursing,
        )

    outcomes = [source_poll(source_id=s.source_id) for s in (blog, news, alert)]

    assert [o.status for o in outcomes] == ["ok", "ok", "ok"], [o.error for o in outcomes]
    # Each source stored its own item, and all three lead to the same article.
    copies = Item.objects.filter(title=TITLE)
    assert copies.count() == 3
    assert set(copies.values_list("canonical_url", flat=True)) == {ARTICLE}
    assert {item.source.kind for item in copies} == {
        SourceKind.FEED,
        SourceKind.NEWS_SEARCH,
        SourceKind.GOOGLE_ALERT,
    }
    # ... but the organisation's queue holds the story once, with every topic that matched.
    queued = QueueItem.objects.filter(organisation=organisation, item__title=TITLE)
    assert queued.count() == 1
    story = queued.get()
    assert set(
        QueueMatch.objects.filter(queue_item=story).values_list("topic__name", flat=True)
    ) == {
        "Care",
        "Nursing",
    }
    assert InboxEntry.objects.filter(queue_item=story, membership=everyone).count() == 1
    assert InboxEntry.objects.filter(queue_item=story, membership=nurse).count() == 1
    assert QueueItem.objects.filter(organisation=organisation).count() == 1


def test_polling_again_adds_nothing(served, django_capture_on_commit_callbacks):
    organisation = monitored_organisation({"Care": "zorg"})
    with django_capture_on_commit_callbacks():
        subscriptions = [
            source_subscribe(organisation=organisation, url=served["blog"]),
            source_subscribe(
                organisation=organisation, url=served["news"], kind=SourceKind.NEWS_SEARCH
            ),
            source_subscribe(
                organisation=organisation, url=served["alert"], kind=SourceKind.GOOGLE_ALERT
            ),
        ]
    for subscription in subscriptions:
        source_poll(source_id=subscription.source_id)

    again = [source_poll(source_id=s.source_id) for s in subscriptions]

    assert [o.new_items for o in again] == [0, 0, 0]
    assert QueueItem.objects.filter(organisation=organisation).count() == 1


def test_another_organisation_gets_its_own_queue_item(served, django_capture_on_commit_callbacks):
    first = monitored_organisation({"Care": "zorg"})
    second = monitored_organisation({"Zorg": "zorg"})
    with django_capture_on_commit_callbacks():
        a = source_subscribe(organisation=first, url=served["blog"])
        b = source_subscribe(organisation=second, url=served["alert"], kind=SourceKind.GOOGLE_ALERT)

    source_poll(source_id=a.source_id)
    source_poll(source_id=b.source_id)

    assert QueueItem.objects.filter(organisation=first, item__title=TITLE).count() == 1
    assert QueueItem.objects.filter(organisation=second, item__title=TITLE).count() == 1
