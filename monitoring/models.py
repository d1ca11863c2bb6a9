"""Sources, what they bring in, and each organisation's shared review queue."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onboarding.models import Membership, Organisation, Topic


class SourceKind(models.TextChoices):
    FEED = "feed", _("feed (RSS/Atom)")
    GOOGLE_ALERT = "google_alert", _("Google Alert")
    NEWS_SEARCH = "news_search", _("news search")
    X_SEARCH = "x_search", _("X search")
    MASTODON_TAG = "mastodon_tag", _("Mastodon hashtag")


class SourceQuerySet(models.QuerySet["Source"]):
    def followed(self) -> SourceQuerySet:
        """Sources at least one organisation follows and has not paused."""
        return self.filter(
            subscriptions__paused_at__isnull=True, disabled_at__isnull=True
        ).distinct()

    def due(self, now) -> SourceQuerySet:
        return (
            self.followed()
            .filter(next_poll_at__lte=now)
            .filter(models.Q(leased_until__isnull=True) | models.Q(leased_until__lte=now))
        )


class Source(models.Model):
    """One polled thing, shared by every organisation that follows it.

    Holds the polling state. ``key`` identifies it: the feed URL for feeds, a normalised
    description of the search for searches, so that two organisations following the same thing
    share one source.
    """

    kind = models.CharField(max_length=16, choices=SourceKind.choices, default=SourceKind.FEED)
    key = models.CharField(max_length=2000)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    config = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Polling state, written by the worker only.
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    poll_interval = models.PositiveIntegerField(default=1800, help_text="seconds")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(blank=True)
    error_count = models.PositiveIntegerField(default=0)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    cursor = models.CharField(max_length=200, blank=True)
    items_seen = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="source_unique_key")]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def is_pending(self) -> bool:
        return self.last_polled_at is None

    @property
    def is_failing(self) -> bool:
        return self.error_count > 0


class Subscription(models.Model):
    """An organisation following a source: everything from it, or only what matches a topic."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="subscriptions"
    )
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="subscriptions")
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        help_text=_("Only keep items matching this topic; empty keeps what matches any topic."),
    )
    keep_all = models.BooleanField(
        _("keep everything"),
        default=False,
        help_text=_("Queue every item of this source, whether it matches a topic or not."),
    )
    title = models.CharField(_("name"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    paused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source"], name="subscription_unique_source"
            )
        ]

    def __str__(self) -> str:
        return self.title or str(self.source)

    def get_absolute_url(self) -> str:
        return reverse("source_detail", kwargs={"org": self.organisation.slug, "pk": self.pk})

    @property
    def display_title(self) -> str:
        return self.title or self.source.title or self.source.url


class Item(models.Model):
    """One entry of one source, stored once however many organisations follow the source."""

    # Indexed by the unique (source, external_id) constraint; a separate index would only cost
    # writes on the ingest path. The same holds for the other foreign keys marked so below.
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    external_id = models.CharField(max_length=64)
    url = models.URLField(max_length=2000, blank=True)
    canonical_url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    summary = models.TextField(blank=True, help_text="sanitised HTML")
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="item_unique_external")
        ]
        indexes = [models.Index(fields=["source", "-fetched_at"])]

    def __str__(self) -> str:
        return self.title or self.url


class QueueStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    EXPIRED = "expired", _("expired")


class QueueItemQuerySet(models.QuerySet["QueueItem"]):
    def open(self) -> QueueItemQuerySet:
        return self.filter(status=QueueStatus.OPEN)


class QueueItem(models.Model):
    """One story in one organisation's shared review queue.

    Unique per organisation and canonical URL (hashed into ``url_key``), so an article reached
    through a blog feed, a news search and an alert is one queue item.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="queue_items", db_index=False
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="queue_items")
    url_key = models.CharField(max_length=64)
    topics = models.ManyToManyField(Topic, through="QueueMatch", related_name="queue_items")
    status = models.CharField(max_length=10, choices=QueueStatus.choices, default=QueueStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = QueueItemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "url_key"], name="queue_unique_story")
        ]
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]

    def __str__(self) -> str:
        return str(self.item)


class QueueMatch(models.Model):
    """Why a queue item is there: the topic it matched and the terms that hit."""

    queue_item = models.ForeignKey(
        QueueItem, on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="matches")
    terms = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue_item", "topic"], name="match_unique_topic")
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {', '.join(self.terms)}"


class InboxEntry(models.Model):
    """A queue item routed to a participant whose topics of interest it matched."""

    queue_item = models.ForeignKey(
        QueueItem, on_delete=models.CASCADE, related_name="entries", db_index=False
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="inbox_entries", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue_item", "membership"], name="inbox_unique_entry")
        ]
        indexes = [models.Index(fields=["membership", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.queue_item} → {self.membership}"
