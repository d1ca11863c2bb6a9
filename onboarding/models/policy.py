"""The organisation's social media policy: written, versioned, acknowledged by participants."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onboarding.models.people import Membership, Organisation


class Policy(models.Model):
    """One version of the policy. A version is a draft until it is published; the newest
    published version is the current one."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="policies"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("policy"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = _("policies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="policy_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class PolicyAcknowledgement(models.Model):
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="policy_acknowledgements"
    )
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "policy"], name="policy_ack_unique")
        ]

    def __str__(self) -> str:
        return f"{self.membership} read {self.policy}"
