"""State changes of an organisation's strategy and its topics.

The strategy is written step by step (``Strategy.Step``). Each step's service replaces that
step's rows with what the form holds, records the step as the last one saved, and marks the
strategy as changed. Approval needs at least one goal and one active topic with valid keywords;
editing after approval keeps the approval (monitoring keeps running) and the summary shows that
the strategy changed since, so it can be approved again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onboarding import keywords, selectors
from onboarding.models import (
    Audience,
    Channel,
    FollowSuggestion,
    Goal,
    KeyMessage,
    Membership,
    Organisation,
    Role,
    Strategy,
    Topic,
)

EDITOR_ROLES = frozenset({Role.COACH, Role.ADMIN})


@dataclass(frozen=True)
class GoalRow:
    description: str
    measure: str = ""


@dataclass(frozen=True)
class AudienceRow:
    name: str
    description: str = ""


@dataclass(frozen=True)
class FollowRow:
    name: str
    url: str = ""
    kind: str = FollowSuggestion.Kind.BLOG
    note: str = ""


def _locked_strategy(organisation: Organisation) -> Strategy:
    """The organisation's strategy row, created when missing, locked for this transaction."""
    strategy, _created = Strategy.objects.get_or_create(organisation=organisation)
    return Strategy.objects.select_for_update().get(pk=strategy.pk)


def _touch(strategy: Strategy, step: str) -> None:
    strategy.last_step = step
    strategy.updated_at = timezone.now()
    strategy.save(update_fields=["last_step", "updated_at"])


def _require(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: _("This field is required.")})
    return value


@transaction.atomic
def strategy_goals_update(
    *, organisation: Organisation, goals: Sequence[GoalRow], summary: str = ""
) -> Strategy:
    """Make the strategy's goals exactly ``goals``, in that order, and set its summary.

    Creates the strategy on first use. Running it twice leaves the same rows. Raises
    ValidationError when a goal has no description.
    """
    strategy = _locked_strategy(organisation)
    rows = [GoalRow(_require(g.description, "description"), g.measure.strip()) for g in goals]
    strategy.goals.all().delete()
    Goal.objects.bulk_create(
        Goal(strategy=strategy, description=r.description, measure=r.measure, position=i)
        for i, r in enumerate(rows)
    )
    strategy.summary = summary.strip()
    strategy.save(update_fields=["summary"])
    _touch(strategy, Strategy.Step.GOALS)
    return strategy


@transaction.atomic
def strategy_audiences_update(
    *, organisation: Organisation, audiences: Sequence[AudienceRow]
) -> Strategy:
    """Make the strategy's target audiences exactly ``audiences``, in that order."""
    strategy = _locked_strategy(organisation)
    rows = [AudienceRow(_require(a.name, "name"), a.description.strip()) for a in audiences]
    strategy.audiences.all().delete()
    Audience.objects.bulk_create(
        Audience(strategy=strategy, name=r.name, description=r.description, position=i)
        for i, r in enumerate(rows)
    )
    _touch(strategy, Strategy.Step.AUDIENCES)
    return strategy


@transaction.atomic
def strategy_messages_update(*, organisation: Organisation, messages: Sequence[str]) -> Strategy:
    """Make the strategy's key messages exactly ``messages``, in that order."""
    strategy = _locked_strategy(organisation)
    texts = [_require(m, "text") for m in messages]
    strategy.key_messages.all().delete()
    KeyMessage.objects.bulk_create(
        KeyMessage(strategy=strategy, text=text, position=i) for i, text in enumerate(texts)
    )
    _touch(strategy, Strategy.Step.MESSAGES)
    return strategy


@transaction.atomic
def strategy_channels_update(*, organisation: Organisation, channels: Sequence[str]) -> Strategy:
    """Record the channels the organisation uses, in the order of ``Channel``, each once.
    Raises ValidationError for an unknown channel."""
    unknown = set(channels) - set(Channel.values)
    if unknown:
        raise ValidationError({"channels": _("Unknown channel: %s") % ", ".join(sorted(unknown))})
    strategy = _locked_strategy(organisation)
    strategy.channels = [c for c in Channel.values if c in set(channels)]
    strategy.save(update_fields=["channels"])
    _touch(strategy, Strategy.Step.CHANNELS)
    return strategy


@transaction.atomic
def strategy_follows_update(
    *, organisation: Organisation, follows: Sequence[FollowRow]
) -> Strategy:
    """Make the blogs, sites and people worth following exactly ``follows``, in that order."""
    kinds = set(FollowSuggestion.Kind.values)
    rows = []
    for f in follows:
        if f.kind not in kinds:
            raise ValidationError({"kind": _("Unknown kind.")})
        rows.append(FollowRow(_require(f.name, "name"), f.url.strip(), f.kind, f.note.strip()))
    strategy = _locked_strategy(organisation)
    strategy.follows.all().delete()
    FollowSuggestion.objects.bulk_create(
        FollowSuggestion(
            strategy=strategy, name=r.name, url=r.url, kind=r.kind, note=r.note, position=i
        )
        for i, r in enumerate(rows)
    )
    _touch(strategy, Strategy.Step.FOLLOW)
    return strategy


@transaction.atomic
def strategy_approve(*, organisation: Organisation, actor: Membership) -> Strategy:
    """Approve the strategy as it is now: sets approved_at and approved_by.

    Raises PermissionDenied unless ``actor`` is a coach or admin of the organisation, and
    ValidationError (one message per problem) when there is no goal or no active topic with
    valid keywords. Approving again after changes moves the approval to now; approving an
    unchanged approved strategy again does the same, harmlessly.
    """
    if actor.organisation_id != organisation.pk or actor.role not in EDITOR_ROLES:
        raise PermissionDenied
    strategy = _locked_strategy(organisation)
    problems = selectors.strategy_approval_problems(organisation)
    if problems:
        raise ValidationError(problems)
    strategy.approved_at = timezone.now()
    strategy.approved_by = actor
    strategy.save(update_fields=["approved_at", "approved_by"])
    return strategy


def _clean_topic(organisation: Organisation, name: str, query: str, exclude: int | None) -> str:
    name = _require(name, "name")
    query = query.strip()
    if not query:
        raise ValidationError({"query": _("Type the keywords for this topic.")})
    try:
        keywords.parse(query)
    except keywords.QueryError as exc:
        raise ValidationError(
            {"query": ValidationError(selectors.query_error_text(exc), code="invalid_query")}
        ) from exc
    clash = Topic.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": _("There is already a topic with this name.")})
    return name


def _save_topic(topic: Topic) -> None:
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("There is already a topic with this name.")}) from exc


@transaction.atomic
def topic_create(
    *, organisation: Organisation, name: str, query: str, description: str = ""
) -> Topic:
    """Add an active topic to the organisation's strategy.

    Raises ValidationError on ``query`` with the parser's message (which names the position)
    when the keywords are malformed, and on ``name`` when the organisation has a topic of that
    name already; nothing is saved then.
    """
    name = _clean_topic(organisation, name, query, exclude=None)
    strategy = _locked_strategy(organisation)
    topic = Topic(
        organisation=organisation,
        name=name,
        query=query.strip(),
        description=description.strip(),
    )
    _save_topic(topic)
    _touch(strategy, Strategy.Step.TOPICS)
    return topic


@transaction.atomic
def topic_update(*, topic: Topic, name: str, query: str, description: str = "") -> Topic:
    """Change a topic's name, keywords and description; the same refusals as topic_create."""
    topic.name = _clean_topic(topic.organisation, name, query, exclude=topic.pk)
    topic.query = query.strip()
    topic.description = description.strip()
    topic.updated_at = timezone.now()
    strategy = _locked_strategy(topic.organisation)
    _save_topic(topic)
    _touch(strategy, Strategy.Step.TOPICS)
    return topic


@transaction.atomic
def topic_set_active(*, topic: Topic, active: bool) -> Topic:
    """Pause or resume a topic. A paused topic is kept, so what it found stays explained, but
    it matches nothing new and is not offered to participants. Idempotent."""
    if topic.is_active == active:
        return topic
    strategy = _locked_strategy(topic.organisation)
    topic.is_active = active
    topic.updated_at = timezone.now()
    topic.save(update_fields=["is_active", "updated_at"])
    _touch(strategy, Strategy.Step.TOPICS)
    return topic
