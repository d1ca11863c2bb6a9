"""Triage, reactions and coach feedback, communities, activities, sessions and milestones."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.models import QueueItem
from onboarding.models import Channel, Membership, Organisation, Topic


class CoachingSession(models.Model):
    """Coach and participant sitting together, usually over the participant's inbox."""

    coach = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="sessions_led")
    participant = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="sessions_attended"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    agreed_actions = models.TextField(_("agreed actions"), blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.coach.user} with {self.participant.user}, {self.started_at:%Y-%m-%d}"


class Verdict(models.TextChoices):
    NOT_RELEVANT = "not_relevant", _("not relevant")
    INTERESTING = "interesting", _("interesting")
    CONTENT_IDEA = "content_idea", _("content idea")
    REACT = "react", _("react")


class ContentFor(models.TextChoices):
    BLOG = "blog", _("blog")
    NEWSLETTER = "newsletter", _("newsletter")


class Triage(models.Model):
    """A participant's decision on one queue item: the coach's four questions, answered."""

    queue_item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="triages")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="triages")
    # The queue item's organisation, kept here so that an organisation's decisions (its
    # content-ideas backlog) are one index range instead of a walk over every organisation's.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", editable=False
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    content_for = models.CharField(max_length=16, choices=ContentFor.choices, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(blank=True)
    session = models.ForeignKey(
        CoachingSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="triages"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue_item", "membership"], name="triage_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="triage_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["membership", "-decided_at"]),
            # The content-ideas backlog: one organisation's ideas, newest first.
            models.Index(
                fields=["organisation", "verdict", "-decided_at"], name="triage_org_verdict"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.get_verdict_display()}"


class ReactionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    AWAITING_FEEDBACK = "awaiting_feedback", _("waiting for feedback")
    CHANGES_REQUESTED = "changes_requested", _("changes suggested")
    READY = "ready", _("ready to post")
    POSTED = "posted", _("posted")
    ABANDONED = "abandoned", _("set aside")


class Reaction(models.Model):
    """A reaction a participant drafts, gets feedback on, and posts with their own account."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reactions")
    queue_item = models.ForeignKey(
        QueueItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="reactions"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.LINKEDIN)
    status = models.CharField(
        max_length=20, choices=ReactionStatus.choices, default=ReactionStatus.DRAFT
    )
    posted_url = models.URLField(max_length=2000, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["membership", "status"]),
            # The coaches' feedback page: drafts waiting for feedback, oldest request first.
            models.Index(fields=["status", "updated_at"], name="reaction_status_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} reaction ({self.status})"


class ReactionRevision(models.Model):
    """Every version of the draft is kept, so the learning is visible."""

    reaction = models.ForeignKey(Reaction, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["reaction", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"revision {self.number}"


class Feedback(models.Model):
    class Verdict(models.TextChoices):
        APPROVED = "approved", _("good to go")
        CHANGES = "changes", _("suggests changes")

    reaction = models.ForeignKey(Reaction, on_delete=models.CASCADE, related_name="feedback")
    revision = models.ForeignKey(
        ReactionRevision, on_delete=models.SET_NULL, null=True, related_name="feedback"
    )
    coach = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="feedback_given")
    body = models.TextField(_("feedback"))
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.coach.user}: {self.get_verdict_display()}"


class Community(models.Model):
    """A LinkedIn group or similar community worth joining."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="communities"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.LINKEDIN)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=2000, blank=True)
    description = models.TextField(_("why join"), blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="communities")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name


class CommunityMembership(models.Model):
    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        JOINED = "joined", _("joined")
        LEFT = "left", _("left")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="community_memberships"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="members")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    suggested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(null=True, blank=True)
    last_visit_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "community"], name="community_member")
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} in {self.community} ({self.status})"


class ActivityKind(models.TextChoices):
    ITEM_REVIEWED = "item_reviewed", _("reviewed an item")
    ITEM_SAVED = "item_saved", _("saved an item")
    ITEM_RATED = "item_rated", _("rated an item")
    SOURCE_FOLLOWED = "source_followed", _("followed a source")
    PROFILE_COMPLETED = "profile_completed", _("completed a profile")
    COMMUNITY_JOINED = "community_joined", _("joined a community")
    COMMUNITY_VISITED = "community_visited", _("visited a community")
    REACTION_POSTED = "reaction_posted", _("posted a reaction")
    DISCUSSION_REPLIED = "discussion_replied", _("replied in a discussion")
    DISCUSSION_STARTED = "discussion_started", _("started a discussion")
    NEWS_SHARED = "news_shared", _("shared a news item")
    STATUS_UPDATE = "status_update", _("posted an update")
    BLOG_PUBLISHED = "blog_published", _("published a blog post")
    NEWSLETTER_CONTRIBUTED = "newsletter_contributed", _("contributed to a newsletter")
    SESSION_HELD = "session_held", _("held a coaching session")


class Activity(models.Model):
    """The event log the ladder, milestones and dashboards are derived from."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=32, choices=ActivityKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["membership", "-occurred_at"]),
            models.Index(fields=["kind", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} {self.get_kind_display()}"


class MilestoneKind(models.TextChoices):
    FIRST_SESSION = "first_session", _("first coaching session")
    FIRST_REACTION = "first_reaction", _("first reaction posted")
    FIRST_COMMUNITY = "first_community", _("first community joined")
    FIRST_REPLY = "first_reply", _("first reply in a discussion")
    FIRST_DISCUSSION = "first_discussion", _("first discussion started")
    FIRST_OWN_CONTENT = "first_own_content", _("first own content")


class Milestone(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=24, choices=MilestoneKind.choices)
    achieved_at = models.DateTimeField(default=timezone.now)
    url = models.URLField(max_length=2000, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["achieved_at"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "kind"], name="milestone_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.get_kind_display()}"


class DigestFrequency(models.TextChoices):
    OFF = "off", _("no e-mail")
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")


class DigestPreference(models.Model):
    """Whether a participant wants an e-mail of new inbox items, and what the last one covered.

    ``last_sent_at`` is when the last digest was claimed (at most one per day or week);
    ``last_entry_id`` is the newest inbox entry a digest covered, so no item is sent twice.
    """

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        _("e-mail digest"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.OFF,
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_entry_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["frequency", "last_sent_at"], name="digest_due")]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.frequency}"
