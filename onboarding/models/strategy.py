"""The organisation's social media strategy: goals, audiences, messages, channels, what to
follow, and the topics that drive monitoring."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onboarding.models.people import Membership, Organisation


class Channel(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    BLOG = "blog", _("blog")
    NEWSLETTER = "newsletter", _("newsletter")
    OTHER = "other", _("other")


class Strategy(models.Model):
    """One per organisation. Saved step by step; approving it unlocks monitoring."""

    class Step(models.TextChoices):
        GOALS = "goals", _("Goals")
        AUDIENCES = "audiences", _("Audiences")
        MESSAGES = "messages", _("Key messages")
        CHANNELS = "channels", _("Channels")
        FOLLOW = "follow", _("What to follow")
        TOPICS = "topics", _("Topics")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="strategy"
    )
    summary = models.TextField(_("in one paragraph"), blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    last_step = models.CharField(max_length=16, choices=Step.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self) -> str:
        return f"{self.organisation} strategy"

    def get_absolute_url(self) -> str:
        return reverse("strategy_summary", kwargs={"org": self.organisation.slug})

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class Goal(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(_("goal"), max_length=300)
    measure = models.CharField(_("how we will measure it"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class Audience(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="audiences")
    name = models.CharField(_("audience"), max_length=200)
    description = models.TextField(_("what they care about"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class KeyMessage(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="key_messages")
    text = models.CharField(_("key message"), max_length=400)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class FollowSuggestion(models.Model):
    """A blog, site or person worth following, named in the strategy."""

    class Kind(models.TextChoices):
        BLOG = "blog", _("blog")
        SITE = "site", _("news site")
        PERSON = "person", _("person")
        OTHER = "other", _("other")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="follows")
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=2000, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BLOG)
    note = models.CharField(_("why"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class TopicQuerySet(models.QuerySet["Topic"]):
    def active(self) -> TopicQuerySet:
        return self.filter(is_active=True)


class Topic(models.Model):
    """A subject the organisation cares about, written in the keyword language
    (onboarding.keywords). Topics drive monitoring and route items to participants."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    query = models.TextField(_("keywords"), max_length=2000)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="topic_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
