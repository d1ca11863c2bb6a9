"""State changes of a participant's intake and their confidence checks.

The intake has five steps (``Intake.Step``), done in any order and changeable later. Each
service saves its step and marks it done; once all five are done the intake is complete
(``completed_at`` is set once and stays, also when answers change later).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onboarding import selectors
from onboarding.models import (
    Channel,
    ConfidenceCheck,
    Intake,
    Membership,
    Profile,
    ProfileStatus,
    Role,
    Topic,
)
from onboarding.policy import policy_acknowledge


@dataclass(frozen=True)
class ProfileRow:
    channel: str
    url: str = ""
    status: str = ProfileStatus.PLANNED


def _locked_intake(membership: Membership) -> Intake:
    if membership.role != Role.PARTICIPANT:
        raise PermissionDenied
    intake, _created = Intake.objects.get_or_create(membership=membership)
    return Intake.objects.select_for_update().get(pk=intake.pk)


def _mark_done(intake: Intake, step: str) -> None:
    if step not in intake.steps_done:
        intake.steps_done = [s for s in Intake.Step.values if s in {*intake.steps_done, step}]
    if intake.completed_at is None and set(Intake.Step.values) <= set(intake.steps_done):
        intake.completed_at = timezone.now()
    intake.save(update_fields=["steps_done", "completed_at"])


@transaction.atomic
def intake_goals_save(*, membership: Membership, personal_goals: str) -> Intake:
    """Save what the participant hopes to achieve. Raises ValidationError when empty and
    PermissionDenied for a membership that is not a participant's."""
    personal_goals = personal_goals.strip()
    if not personal_goals:
        raise ValidationError({"personal_goals": _("Write a sentence or two, in your own words.")})
    intake = _locked_intake(membership)
    intake.personal_goals = personal_goals
    intake.save(update_fields=["personal_goals"])
    _mark_done(intake, Intake.Step.GOALS)
    return intake


@transaction.atomic
def intake_topics_save(*, membership: Membership, topics: Sequence[Topic]) -> Intake:
    """Make the participant's topics of interest exactly ``topics`` (none is allowed: then
    everything of the organisation reaches them). Raises ValidationError for a topic of
    another organisation or a paused one."""
    allowed = set(selectors.topics_for(membership.organisation).values_list("pk", flat=True))
    if any(t.pk not in allowed for t in topics):
        raise ValidationError({"topics": _("Choose from your organisation's topics.")})
    intake = _locked_intake(membership)
    intake.topics.set(topics)
    _mark_done(intake, Intake.Step.TOPICS)
    return intake


@transaction.atomic
def intake_channels_save(*, membership: Membership, profiles: Sequence[ProfileRow]) -> Intake:
    """Record the channels the participant will use, with their profile address and state.

    Profiles of channels no longer chosen are removed. At least one channel is needed, and a
    profile that is created or complete needs its address. Raises ValidationError otherwise.
    """
    if not profiles:
        raise ValidationError(_("Choose at least one channel. LinkedIn is a good place to start."))
    seen: set[str] = set()
    for row in profiles:
        if row.channel not in Channel.values or row.channel in seen:
            raise ValidationError(_("Choose each channel once."))
        if row.status not in ProfileStatus.values:
            raise ValidationError(_("Unknown state."))
        if row.status != ProfileStatus.PLANNED and not row.url.strip():
            raise ValidationError(
                {"url": _("Add the address of your profile, so your coach can find it.")}
            )
        seen.add(row.channel)
    intake = _locked_intake(membership)
    now = timezone.now()
    Profile.objects.filter(membership=membership).exclude(channel__in=seen).delete()
    for row in profiles:
        Profile.objects.update_or_create(
            membership=membership,
            channel=row.channel,
            defaults={"url": row.url.strip(), "status": row.status, "updated_at": now},
        )
    intake.channels = [c for c in Channel.values if c in seen]
    intake.save(update_fields=["channels"])
    _mark_done(intake, Intake.Step.CHANNELS)
    return intake


@transaction.atomic
def intake_policy_acknowledge(*, membership: Membership) -> Intake:
    """Acknowledge the organisation's current policy and mark the step done. When nothing has
    been published yet there is nothing to read: the step is done, and the participant is
    asked to read the first version once it appears."""
    intake = _locked_intake(membership)
    policy = selectors.current_policy(membership.organisation)
    if policy is not None:
        policy_acknowledge(membership=membership, policy=policy)
    _mark_done(intake, Intake.Step.POLICY)
    return intake


def _check_score(score: int) -> int:
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a number from 1 to 5.")})
    return score


@transaction.atomic
def intake_confidence_save(*, membership: Membership, score: int) -> Intake:
    """Record the confidence the participant starts with (1–5) and mark the step done.

    Answering again before the intake is complete corrects that first answer rather than
    adding a check, so the starting point is one measurement. Raises ValidationError for a
    score outside 1–5.
    """
    score = _check_score(score)
    intake = _locked_intake(membership)
    first = None
    if intake.completed_at is None and Intake.Step.CONFIDENCE in intake.steps_done:
        first = (
            ConfidenceCheck.objects.filter(membership=membership, taken_at__gte=intake.started_at)
            .order_by("-taken_at", "-pk")
            .first()
        )
    if first is None:
        ConfidenceCheck.objects.create(membership=membership, score=score)
    else:
        first.score = score
        first.save(update_fields=["score"])
    _mark_done(intake, Intake.Step.CONFIDENCE)
    return intake


@transaction.atomic
def confidence_record(*, membership: Membership, score: int) -> ConfidenceCheck:
    """Add a confidence check (1–5) taken now, so the fear can be seen shrinking over time.
    Every call adds one. Raises ValidationError for a score outside 1–5."""
    score = _check_score(score)
    if membership.role != Role.PARTICIPANT:
        raise PermissionDenied
    return ConfidenceCheck.objects.create(membership=membership, score=score)
