"""A participant's first steps: personal goals, topics of interest, channels and profiles,
the policy, and how comfortable they feel posting (asked again later)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onboarding.models.people import Membership
from onboarding.models.strategy import Channel, Topic


class Intake(models.Model):
    """A participant's first steps, done in any order; complete once every step is done."""

    class Step(models.TextChoices):
        GOALS = "goals", _("Your goals")
        TOPICS = "topics", _("Topics")
        CHANNELS = "channels", _("Channels")
        POLICY = "policy", _("Policy")
        CONFIDENCE = "confidence", _("How you feel")

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="intake")
    personal_goals = models.TextField(_("what do you hope to achieve?"), blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="interested_intakes")
    channels = models.JSONField(default=list, blank=True)
    steps_done = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"intake of {self.membership}"


class ProfileStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CREATED = "created", _("created")
    COMPLETE = "complete", _("complete")


class Profile(models.Model):
    """A participant's presence on one channel."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="profiles")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    url = models.URLField(_("profile address"), max_length=500, blank=True)
    status = models.CharField(
        _("state"), max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.PLANNED
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["channel"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "channel"], name="profile_unique_channel")
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} on {self.get_channel_display()}"


class ConfidenceCheck(models.Model):
    """'How comfortable are you posting or reacting online?' 1 (not at all) – 5 (very)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="confidence_checks"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="confidence_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.score}"
