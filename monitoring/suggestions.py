"""Monitoring suggested from the strategy, so a coach sets it up in minutes.

Per topic: a Google News and a Bing News search feed, an X search, a Mastodon hashtag and a
Google Alert; and the blogs and sites the strategy names. Each suggestion knows what it would
follow (built here, from the organisation's own rows; never from what a browser sends back) and
whether the organisation already follows it.

Reads only, in a constant number of queries whatever the number of topics: topics, the
strategy's approval, its follow suggestions and the organisation's subscriptions. Following goes
through :func:`monitoring.services.source_subscribe`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from monitoring.kinds import mastodon, xsearch
from monitoring.models import SourceKind, Subscription
from monitoring.news_search import GOOGLE, NEWS_PROVIDERS, first_term_words, news_search_for
from monitoring.news_search import translate as translate_query
from monitoring.services import clean_source_url, source_key
from onboarding import keywords
from onboarding.models import FollowSuggestion, Organisation, Strategy, Topic
from onboarding.selectors import query_error_text, topics_for

# The suggestions offered for every topic, in the order they are shown.
TOPIC_KINDS = ("google_news", "bing_news", "x", "mastodon", "google_alert")
SEARCH_KINDS = ("google_news", "bing_news", "x")


@dataclass
class Suggestion:
    """One thing the organisation could follow, ready to show and to follow.

    ``url``, ``source_kind``, ``title`` and ``config`` are what following creates;
    ``unavailable`` explains why it cannot be followed (then there is no button); ``followed``
    holds the organisation's subscriptions that already cover it.
    """

    key: str
    kind: str
    label: str
    source_kind: str
    topic: Topic | None = None
    site: FollowSuggestion | None = None
    query: str = ""
    url: str = ""
    preview_url: str = ""
    title: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    unavailable: str = ""
    followed: list[Subscription] = field(default_factory=list)
    instance: str = ""
    tag: str = ""

    @property
    def is_followed(self) -> bool:
        return bool(self.followed)

    @property
    def can_follow(self) -> bool:
        return not self.unavailable and bool(self.url or self.kind == "mastodon")


@dataclass
class TopicSuggestions:
    topic: Topic
    rows: list[Suggestion]
    error: str = ""


@dataclass
class SuggestionPage:
    topics: list[TopicSuggestions]
    sites: list[Suggestion]
    strategy_approved: bool
    x_configured: bool
    mastodon_instance: str

    @property
    def monitoring_enabled(self) -> bool:
        """Whether what is followed reaches the queue: an approved strategy with topics."""
        return self.strategy_approved and bool(self.topics)


@dataclass
class _Followed:
    """The organisation's subscriptions, indexed the ways suggestions look them up."""

    by_key: dict[tuple[str, str], list[Subscription]] = field(default_factory=dict)
    by_topic: dict[tuple[str, int], list[Subscription]] = field(default_factory=dict)
    by_page: dict[str, list[Subscription]] = field(default_factory=dict)

    def key(self, kind: str, url: str) -> list[Subscription]:
        return self.by_key.get((kind, _key(kind, url)), []) if url else []


def _key(kind: str, url: str) -> str:
    try:
        return source_key(kind, clean_source_url(url))
    except ValidationError:
        return ""


def _followed_index(organisation: Organisation) -> _Followed:
    index = _Followed()
    subscriptions = Subscription.objects.filter(organisation=organisation).select_related("source")
    for subscription in subscriptions:
        source = subscription.source
        index.by_key.setdefault((source.kind, source.key), []).append(subscription)
        if subscription.topic_id is not None:
            index.by_topic.setdefault((source.kind, subscription.topic_id), []).append(subscription)
        if source.kind == SourceKind.FEED:
            # Autodiscovery points the source at the feed a page announced; the page it was
            # suggested as is kept in its config, and the feed names its site itself.
            pages = {(source.config or {}).get("page_url") or "", source.site_url}
            for page in pages - {""}:
                index.by_page.setdefault(_key(SourceKind.FEED, page), []).append(subscription)
    return index


def default_mastodon_instance() -> str:
    return settings.SPRINGPLANK_MASTODON_INSTANCE


# --------------------------------------------------------------------------------------------
# Per topic
# --------------------------------------------------------------------------------------------


def _news_row(
    organisation: Organisation, topic: Topic, query: keywords.Query, provider: str, index: _Followed
) -> Suggestion:
    search = news_search_for(
        query, provider=provider, language=organisation.language, country=organisation.country
    )
    label = search.provider.label
    return Suggestion(
        key=f"topic-{topic.pk}-{provider}",
        kind=provider,
        label=label,
        source_kind=SourceKind.NEWS_SEARCH,
        topic=topic,
        query=search.query,
        url=search.url,
        preview_url=search.url,
        title=f"{label}: {topic.name}",
        config={"provider": provider, "query": search.query},
        notes=search.untranslated,
        unavailable=""
        if search.url
        else _("Nothing in this topic's query can be searched on %(engine)s.") % {"engine": label},
        followed=index.key(SourceKind.NEWS_SEARCH, search.url),
    )


def _x_row(
    organisation: Organisation, topic: Topic, query: keywords.Query, index: _Followed
) -> Suggestion:
    translation = xsearch.x_query_for(query, language=organisation.language)
    url = xsearch.search_page_url(translation.query) if translation.query else ""
    if not xsearch.is_configured():
        unavailable = xsearch.not_configured_message()
    elif not translation.query:
        unavailable = _("Nothing in this topic's query can be searched on X.")
    else:
        unavailable = ""
    return Suggestion(
        key=f"topic-{topic.pk}-x",
        kind="x",
        label="X",
        source_kind=SourceKind.X_SEARCH,
        topic=topic,
        query=translation.query,
        url=url,
        preview_url=url,
        title=f"X: {topic.name}",
        config={"query": translation.query},
        notes=translation.untranslated,
        unavailable=unavailable,
        followed=index.key(SourceKind.X_SEARCH, url),
    )


def _mastodon_row(
    topic: Topic, query: keywords.Query, index: _Followed, instance: str
) -> Suggestion:
    tag = "".join(first_term_words(query))
    try:
        url = mastodon.tag_page_url(instance, tag)
    except ValueError:
        url = ""
    return Suggestion(
        key=f"topic-{topic.pk}-mastodon",
        kind="mastodon",
        label="Mastodon",
        source_kind=SourceKind.MASTODON_TAG,
        topic=topic,
        url=url,
        preview_url=url,
        instance=instance,
        tag=tag,
        followed=index.by_topic.get((SourceKind.MASTODON_TAG, topic.pk), []),
    )


def _google_alert_row(topic: Topic, query: keywords.Query, index: _Followed) -> Suggestion:
    translation = translate_query(query, GOOGLE)
    return Suggestion(
        key=f"topic-{topic.pk}-google_alert",
        kind="google_alert",
        label="Google Alert",
        source_kind=SourceKind.GOOGLE_ALERT,
        topic=topic,
        query=translation.query,
        notes=translation.untranslated,
        followed=index.by_topic.get((SourceKind.GOOGLE_ALERT, topic.pk), []),
    )


def _topic_suggestions(
    organisation: Organisation, topic: Topic, index: _Followed, *, instance: str
) -> TopicSuggestions:
    try:
        query = keywords.parse(topic.query)
    except keywords.QueryError as exc:
        return TopicSuggestions(topic=topic, rows=[], error=query_error_text(exc))
    rows = [_news_row(organisation, topic, query, provider, index) for provider in NEWS_PROVIDERS]
    rows.append(_x_row(organisation, topic, query, index))
    rows.append(_mastodon_row(topic, query, index, instance))
    rows.append(_google_alert_row(topic, query, index))
    return TopicSuggestions(topic=topic, rows=rows)


# --------------------------------------------------------------------------------------------
# Blogs and sites named in the strategy
# --------------------------------------------------------------------------------------------


def _site_row(site: FollowSuggestion, index: _Followed) -> Suggestion:
    try:
        url = clean_source_url(site.url) if site.url else ""
    except ValidationError:
        url = ""
    followed: list[Subscription] = []
    if url:
        followed = index.key(SourceKind.FEED, url) or index.by_page.get(
            _key(SourceKind.FEED, url), []
        )
    return Suggestion(
        key=f"site-{site.pk}",
        kind="site",
        label=site.get_kind_display(),
        source_kind=SourceKind.FEED,
        site=site,
        url=url,
        preview_url=url,
        title=site.name,
        config={"page_url": url} if url else {},
        unavailable=""
        if url
        else _("The strategy names no address for it; add one to follow it here."),
        followed=followed,
    )


# --------------------------------------------------------------------------------------------
# Public face
# --------------------------------------------------------------------------------------------


def suggestions_for(
    organisation: Organisation, *, mastodon_instance: str | None = None
) -> SuggestionPage:
    """Everything the page proposes for the organisation (four queries)."""
    instance = mastodon_instance or default_mastodon_instance()
    index = _followed_index(organisation)
    topics = list(topics_for(organisation))
    sites = list(FollowSuggestion.objects.filter(strategy__organisation=organisation))
    approved = Strategy.objects.filter(
        organisation=organisation, approved_at__isnull=False
    ).exists()
    return SuggestionPage(
        topics=[
            _topic_suggestions(organisation, topic, index, instance=instance) for topic in topics
        ],
        sites=[_site_row(site, index) for site in sites],
        strategy_approved=approved,
        x_configured=xsearch.is_configured(),
        mastodon_instance=instance,
    )


def topic_suggestion(
    organisation: Organisation, topic: Topic, kind: str, *, mastodon_instance: str | None = None
) -> Suggestion | None:
    """One suggestion of one topic (``kind`` from TOPIC_KINDS); None when the topic's query
    does not parse or the kind is unknown."""
    index = _followed_index(organisation)
    suggestions = _topic_suggestions(
        organisation, topic, index, instance=mastodon_instance or default_mastodon_instance()
    )
    return next((row for row in suggestions.rows if row.kind == kind), None)


def site_suggestion(organisation: Organisation, site: FollowSuggestion) -> Suggestion:
    return _site_row(site, _followed_index(organisation))


def site_for(organisation: Organisation, pk: int) -> FollowSuggestion:
    """A blog or site named in the organisation's strategy; Http404 for anybody else's."""
    return get_object_or_404(FollowSuggestion, strategy__organisation=organisation, pk=pk)


def mastodon_choice(base: Suggestion, *, instance: str, tag: str) -> Suggestion:
    """``base`` (a topic's Mastodon suggestion) for the instance and hashtag a person chose,
    both already cleaned (``mastodon.instance_base_url``, ``mastodon.normalise_tag``)."""
    url = mastodon.tag_page_url(instance, tag)
    host = urlsplit(instance).netloc
    base.url = url
    base.preview_url = url
    base.instance = instance
    base.tag = tag
    base.title = f"#{tag} ({host})"
    base.config = {"instance": instance, "tag": tag}
    return base


# --------------------------------------------------------------------------------------------
# Google Alerts
# --------------------------------------------------------------------------------------------

GOOGLE_ALERTS_HOSTS = frozenset({"google.com", "www.google.com"})
GOOGLE_ALERTS_PATH = "/alerts/feeds/"


def clean_google_alert_url(url: str) -> str:
    """A Google Alerts feed address (``https://www.google.com/alerts/feeds/…``), cleaned.

    Raises ValidationError for anything else, suggesting to add another feed as a feed.
    """
    cleaned = clean_source_url(url)
    parts = urlsplit(cleaned)
    host = (parts.hostname or "").lower()
    path = parts.path
    if host not in GOOGLE_ALERTS_HOSTS or not path.startswith(GOOGLE_ALERTS_PATH):
        raise ValidationError(
            _(
                "This is not the feed of a Google Alert: those start with "
                "https://www.google.com/alerts/feeds/. If it is another site's feed, add it as "
                "a feed on the sources page instead."
            ),
            code="not_google_alert",
        )
    if len(path.rstrip("/")) <= len(GOOGLE_ALERTS_PATH):
        raise ValidationError(
            _("This address lacks the alert's part: copy the whole feed link from Google."),
            code="incomplete",
        )
    return cleaned


def google_alert_rows(organisation: Organisation) -> list[TopicSuggestions]:
    """Per active topic, its query in Google's syntax and the alerts that already feed it."""
    index = _followed_index(organisation)
    result = []
    for topic in topics_for(organisation):
        try:
            query = keywords.parse(topic.query)
        except keywords.QueryError as exc:
            result.append(TopicSuggestions(topic=topic, rows=[], error=query_error_text(exc)))
            continue
        result.append(TopicSuggestions(topic=topic, rows=[_google_alert_row(topic, query, index)]))
    return result
