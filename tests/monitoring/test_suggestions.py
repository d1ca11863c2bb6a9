"""The suggestions page: per topic searches and a hashtag, the strategy's blogs, one click each."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import SourceKind, Subscription
from monitoring.news_search import bing_news_url, google_news_url
from monitoring.services import source_key, source_subscribe
from monitoring.suggestions import suggestions_for
from onboarding.models import FollowSuggestion, Role, Strategy, Topic
from tests.factories import MembershipFactory
from tests.monitoring.builders import monitored_organisation
from tests.monitoring.suggestion_urlconf import use_suggestion_urls

pytestmark = pytest.mark.django_db

CARE = 'zorg OR "social media" -vacatures'


@pytest.fixture(autouse=True)
def _settings(settings):
    use_suggestion_urls(settings)
    settings.SPRINGPLANK_X_BEARER_TOKEN = ""
    settings.SPRINGPLANK_MASTODON_INSTANCE = "mastodon.social"


@pytest.fixture
def organisation():
    organisation = monitored_organisation(
        {"Care": CARE, "Recruiting": "recruit* -(jobs fair)"},
        slug="acme",
        language="nl",
        country="NL",
    )
    FollowSuggestion.objects.create(
        strategy=organisation.strategy, name="Zorgblog", url="https://zorgblog.example.org/"
    )
    FollowSuggestion.objects.create(strategy=organisation.strategy, name="Tante Truus", url="")
    return organisation


@pytest.fixture
def coach(client, organisation):
    # The organisation searches in Dutch; this coach reads the interface in English.
    membership = MembershipFactory(organisation=organisation, role=Role.COACH, user__language="en")
    client.force_login(membership.user)
    return membership


def page_url(slug="acme"):
    return reverse("source_suggestions", kwargs={"org": slug})


def search_url(topic, kind, slug="acme"):
    return reverse(
        "suggestion_follow_search", kwargs={"org": slug, "topic_id": topic.pk, "kind": kind}
    )


def hashtag_url(topic, slug="acme"):
    return reverse("suggestion_follow_hashtag", kwargs={"org": slug, "topic_id": topic.pk})


def site_url(site, slug="acme"):
    return reverse("suggestion_follow_site", kwargs={"org": slug, "site_id": site.pk})


def care(organisation) -> Topic:
    return organisation.topics.get(name="Care")


# --------------------------------------------------------------------------------------------
# What is suggested
# --------------------------------------------------------------------------------------------


def test_page_proposes_every_kind_per_topic_and_the_strategys_sites(client, coach):
    response = client.get(page_url())

    assert response.status_code == 200
    page = response.content.decode()
    google = google_news_url(
        '(zorg OR "social media") -vacatures', language="nl", country="NL"
    ).replace("&", "&amp;")
    assert google in page
    assert bing_news_url("recruit", language="nl", country="NL").replace("&", "&amp;") in page
    # What could not be translated is said, per suggestion.
    assert "recruit*: Google has no search for words starting with something" in page
    assert "cannot be written in Bing" in page
    # X without credentials explains what an administrator must set.
    assert "SPRINGPLANK_X_BEARER_TOKEN" in page
    assert 'value="mastodon.social"' in page and 'value="zorg"' in page
    assert "Set up an alert" in page
    assert "Zorgblog" in page and "https://zorgblog.example.org/" in page
    assert "The strategy names no address for it" in page


def test_suggestions_for_builds_rows_from_the_organisations_rows(organisation):
    page = suggestions_for(organisation)

    assert [group.topic.name for group in page.topics] == ["Care", "Recruiting"]
    rows = {row.kind: row for row in page.topics[0].rows}
    assert list(rows) == ["google_news", "bing_news", "x", "mastodon", "google_alert"]
    assert rows["google_news"].source_kind == SourceKind.NEWS_SEARCH
    assert parse_qs(urlsplit(rows["google_news"].url).query) == {
        "q": ['(zorg OR "social media") -vacatures'],
        "hl": ["nl"],
        "gl": ["NL"],
        "ceid": ["NL:nl"],
    }
    assert rows["x"].query == '(zorg OR "social media") -vacatures lang:nl -is:retweet'
    assert rows["x"].unavailable and not rows["x"].can_follow
    assert rows["mastodon"].tag == "zorg"
    assert [site.title for site in page.sites] == ["Zorgblog", "Tante Truus"]
    assert page.strategy_approved and page.monitoring_enabled


def test_x_is_offered_once_credentials_are_configured(organisation, settings):
    settings.SPRINGPLANK_X_BEARER_TOKEN = "configured"

    row = next(r for r in suggestions_for(organisation).topics[0].rows if r.kind == "x")

    assert row.can_follow and not row.unavailable
    assert row.url.startswith("https://x.com/search?")


def test_topic_with_an_unusable_query_is_explained_not_fatal(client, coach, organisation):
    Topic.objects.create(organisation=organisation, name="Broken", query='"unbalanced')

    response = client.get(page_url())

    assert response.status_code == 200
    assert "This topic's keywords cannot be used: Unbalanced quote" in response.content.decode()


def test_unapproved_strategy_shows_the_banner(client, coach, organisation):
    Strategy.objects.filter(organisation=organisation).update(approved_at=None)

    response = client.get(page_url())

    assert 'data-testid="monitoring-banner"' in response.content.decode()


def test_page_runs_a_constant_number_of_queries(client, coach, organisation):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url()).status_code == 200
        return len(queries)

    count()  # the first page of a visit records the organisation in the session
    few = count()
    for n in range(8):
        topic = Topic.objects.create(organisation=organisation, name=f"T{n}", query=f"woord{n}")
        FollowSuggestion.objects.create(
            strategy=organisation.strategy, name=f"S{n}", url=f"https://s{n}.example.org/"
        )
        source_subscribe(
            organisation=organisation,
            url=google_news_url(f"woord{n}", language="nl", country="NL"),
            kind=SourceKind.NEWS_SEARCH,
            topic=topic,
        )
    assert count() == few


# --------------------------------------------------------------------------------------------
# Following, one click each
# --------------------------------------------------------------------------------------------


def test_following_a_news_search_creates_a_subscription_limited_to_the_topic(
    client, coach, organisation
):
    topic = care(organisation)

    response = client.post(search_url(topic, "google_news"))

    assert response.status_code == 302
    assert response.url == page_url() + f"#topic-{topic.pk}-google_news"
    subscription = Subscription.objects.get(organisation=organisation)
    assert subscription.source.kind == SourceKind.NEWS_SEARCH
    assert subscription.source.url == google_news_url(
        '(zorg OR "social media") -vacatures', language="nl", country="NL"
    )
    assert subscription.topic == topic
    assert subscription.created_by == coach
    assert subscription.title == "Google News: Care"
    assert subscription.source.config == {
        "provider": "google_news",
        "query": '(zorg OR "social media") -vacatures',
    }


def test_htmx_follow_replaces_the_row_with_a_followed_row(client, coach, organisation):
    topic = care(organisation)

    response = client.post(search_url(topic, "bing_news"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="topic-{topic.pk}-bing_news"')
    assert 'data-testid="followed"' in row
    assert "Following “Bing News: Care”" in row
    assert Subscription.objects.get().source.url.startswith("https://www.bing.com/news/search?")


def test_already_followed_is_shown_as_followed_and_not_followed_twice(client, coach, organisation):
    topic = care(organisation)
    client.post(search_url(topic, "google_news"))

    page = client.get(page_url()).content.decode()
    response = client.post(search_url(topic, "google_news"), HTTP_HX_REQUEST="true")

    row_start = page.index(f'id="topic-{topic.pk}-google_news"')
    row = page[row_start : page.index("</tr>", row_start)]
    assert 'data-testid="followed"' in row and 'data-action="follow"' not in row
    assert "Already followed." in response.content.decode()
    assert Subscription.objects.count() == 1


def test_two_organisations_following_the_same_search_share_one_source(client, coach):
    other = monitored_organisation({"Care": CARE}, slug="other", language="nl", country="NL")
    other_coach = MembershipFactory(organisation=other, role=Role.COACH, user=coach.user)

    client.post(search_url(care(coach.organisation), "google_news"))
    client.post(search_url(care(other), "google_news", slug="other"))

    assert Subscription.objects.count() == 2
    assert Subscription.objects.values("source").distinct().count() == 1
    assert Subscription.objects.get(organisation=other).created_by == other_coach


def test_x_search_cannot_be_followed_without_credentials(client, coach, organisation):
    response = client.post(search_url(care(organisation), "x"), follow=True)

    assert "SPRINGPLANK_X_BEARER_TOKEN" in response.content.decode()
    assert not Subscription.objects.exists()


def test_x_search_is_followed_with_its_query_in_the_config(client, coach, organisation, settings):
    settings.SPRINGPLANK_X_BEARER_TOKEN = "configured"

    client.post(search_url(care(organisation), "x"))

    source = Subscription.objects.get().source
    query = '(zorg OR "social media") -vacatures lang:nl -is:retweet'
    assert source.kind == SourceKind.X_SEARCH
    assert source.config == {"query": query}
    assert parse_qs(urlsplit(source.url).query) == {"q": [query], "f": ["live"]}


def test_following_a_hashtag_on_the_chosen_instance(client, coach, organisation):
    topic = care(organisation)

    client.post(hashtag_url(topic), {"instance": "http://127.0.0.1:8081", "tag": "#Zorg"})

    subscription = Subscription.objects.get()
    assert subscription.source.kind == SourceKind.MASTODON_TAG
    assert subscription.source.url == "http://127.0.0.1:8081/tags/zorg"
    assert subscription.topic == topic
    assert subscription.title == "#zorg (127.0.0.1:8081)"
    page = client.get(page_url()).content.decode()
    row_start = page.index(f'id="topic-{topic.pk}-mastodon"')
    assert 'data-testid="followed"' in page[row_start : page.index("</tr>", row_start)]


def test_invalid_hashtag_is_refused_in_the_row(client, coach, organisation):
    response = client.post(
        hashtag_url(care(organisation)),
        {"instance": "mastodon.social", "tag": "two words"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "A hashtag is one word" in response.content.decode()
    assert 'value="two words"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_following_a_blog_from_the_strategy_creates_a_feed_subscription(
    client, coach, organisation
):
    blog = FollowSuggestion.objects.get(name="Zorgblog")

    response = client.post(site_url(blog), HTTP_HX_REQUEST="true")

    assert 'data-testid="followed"' in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.source.kind == SourceKind.FEED
    assert subscription.source.url == "https://zorgblog.example.org/"
    assert subscription.topic is None
    assert subscription.title == "Zorgblog"


def test_blog_stays_followed_after_autodiscovery_moved_it_to_its_feed(client, coach, organisation):
    blog = FollowSuggestion.objects.get(name="Zorgblog")
    client.post(site_url(blog))
    source = Subscription.objects.get().source
    feed = "https://zorgblog.example.org/feed/"
    # What the worker does when the page announces its feed.
    type(source).objects.filter(pk=source.pk).update(
        url=feed, key=source_key(SourceKind.FEED, feed)
    )

    page = client.get(page_url()).content.decode()

    row_start = page.index(f'id="site-{blog.pk}"')
    assert 'data-testid="followed"' in page[row_start : page.index("</tr>", row_start)]


def test_site_without_an_address_cannot_be_followed(client, coach):
    nameless = FollowSuggestion.objects.get(name="Tante Truus")

    client.post(site_url(nameless))

    assert not Subscription.objects.exists()


# --------------------------------------------------------------------------------------------
# Who may do what
# --------------------------------------------------------------------------------------------


def test_another_organisations_topic_or_site_is_404(client, coach):
    other = monitored_organisation({"Theirs": "geheim"}, slug="other")
    site = FollowSuggestion.objects.create(
        strategy=other.strategy, name="Theirs", url="https://theirs.example.org/"
    )
    topic = other.topics.get()

    assert client.post(search_url(topic, "google_news")).status_code == 404
    assert client.post(hashtag_url(topic), {"instance": "a.example", "tag": "x"}).status_code == 404
    assert client.post(site_url(site)).status_code == 404
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MANAGER])
def test_participants_and_managers_get_403(client, organisation, role):
    member = MembershipFactory(organisation=organisation, role=role)
    client.force_login(member.user)

    assert client.get(page_url()).status_code == 403
    assert client.post(search_url(care(organisation), "google_news")).status_code == 403
    assert not Subscription.objects.exists()


def test_admins_may_follow(client, organisation):
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN)
    client.force_login(admin.user)

    client.post(search_url(care(organisation), "google_news"))

    assert Subscription.objects.get().created_by == admin


def test_non_member_gets_404(client, organisation):
    stranger = MembershipFactory(role=Role.COACH)
    client.force_login(stranger.user)

    assert client.get(page_url()).status_code == 404
    assert client.post(search_url(care(organisation), "google_news")).status_code == 404


def test_following_needs_post_and_a_known_kind(client, coach, organisation):
    assert client.get(search_url(care(organisation), "google_news")).status_code == 405
    assert client.post(search_url(care(organisation), "altavista")).status_code == 404
    assert client.post(search_url(care(organisation), "mastodon")).status_code == 404
