"""Reads of the onboarding app: strategy, topics, policy and intake, always per organisation.

Every function takes the organisation (or the acting membership) whose data it reads, so that a
view can never reach another organisation's rows by id alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from onboarding import keywords
from onboarding.models import (
    ConfidenceCheck,
    Intake,
    Membership,
    Organisation,
    Policy,
    PolicyAcknowledgement,
    Profile,
    Strategy,
    Topic,
)

STRATEGY_STEPS: tuple[str, ...] = tuple(Strategy.Step.values)
INTAKE_STEPS: tuple[str, ...] = tuple(Intake.Step.values)


# --------------------------------------------------------------------------------------------
# Strategy
# --------------------------------------------------------------------------------------------


def strategy_for(organisation: Organisation) -> Strategy | None:
    """The organisation's strategy with all its rows, or None when nothing was saved yet."""
    return (
        Strategy.objects.filter(organisation=organisation)
        .select_related("organisation", "approved_by__user")
        .prefetch_related("goals", "audiences", "key_messages", "follows")
        .first()
    )


def strategy_changed_since_approval(strategy: Strategy | None) -> bool:
    """Whether the approved strategy (or one of its topics) was edited after its approval.

    Editing keeps the approval (monitoring keeps running); the summary says it changed, so the
    coach can approve it again."""
    if strategy is None or strategy.approved_at is None:
        return False
    return strategy.updated_at > strategy.approved_at


def strategy_steps_filled(strategy: Strategy | None, topics: list[Topic]) -> dict[str, bool]:
    """Per step of the strategy intake: does it hold anything yet?"""
    if strategy is None or strategy.pk is None:
        return dict.fromkeys(STRATEGY_STEPS, False) | {Strategy.Step.TOPICS: bool(topics)}
    return {
        Strategy.Step.GOALS: bool(strategy.goals.all()),
        Strategy.Step.AUDIENCES: bool(strategy.audiences.all()),
        Strategy.Step.MESSAGES: bool(strategy.key_messages.all()),
        Strategy.Step.CHANNELS: bool(strategy.channels),
        Strategy.Step.FOLLOW: bool(strategy.follows.all()),
        Strategy.Step.TOPICS: bool(topics),
    }


def strategy_resume_step(strategy: Strategy | None) -> str:
    """Where to pick the intake up again: the step after the last one saved."""
    if strategy is None or not strategy.last_step:
        return STRATEGY_STEPS[0]
    index = STRATEGY_STEPS.index(strategy.last_step)
    return STRATEGY_STEPS[min(index + 1, len(STRATEGY_STEPS) - 1)]


def strategy_approval_problems(organisation: Organisation) -> list[str]:
    """What stands between the strategy and its approval, in words; empty when it can be
    approved. Approval needs at least one goal and one active topic whose keywords are valid."""
    problems: list[str] = []
    has_goal = Strategy.objects.filter(organisation=organisation, goals__isnull=False).exists()
    if not has_goal:
        problems.append(_("Add at least one goal (step 1: Goals)."))
    if not any(query_is_valid(t.query) for t in topics_for(organisation)):
        problems.append(_("Add at least one active topic with valid keywords (step 6: Topics)."))
    return problems


def monitoring_enabled(organisation: Organisation) -> bool:
    """Monitoring runs for an organisation whose strategy is approved and that has at least one
    active topic. Pausing the last topic stops it again; editing an approved strategy does not."""
    return (
        Strategy.objects.filter(organisation=organisation, approved_at__isnull=False).exists()
        and Topic.objects.active().filter(organisation=organisation).exists()
    )


# --------------------------------------------------------------------------------------------
# Topics and their keyword queries
# --------------------------------------------------------------------------------------------


def topics_for(organisation: Organisation, *, include_paused: bool = False) -> QuerySet[Topic]:
    """The organisation's topics by name; only the active ones unless ``include_paused``."""
    topics = Topic.objects.filter(organisation=organisation)
    if not include_paused:
        topics = topics.active()
    return topics.order_by("name")


def topic_for(organisation: Organisation, pk: int) -> Topic:
    """One topic of the organisation; Http404 for a topic of any other organisation."""
    return get_object_or_404(Topic, organisation=organisation, pk=pk)


@dataclass(frozen=True)
class QueryCheck:
    """The verdict on a keyword query, ready to show: what it means, or what is wrong where."""

    query: str
    valid: bool
    description: str = ""
    error: str = ""
    position: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.query.strip()

    @property
    def before(self) -> str:
        return self.query[: self.position] if self.position is not None else self.query

    @property
    def spot(self) -> str:
        """The character the error points at; a space when it points past the end."""
        if self.position is None:
            return ""
        return self.query[self.position : self.position + 1] or " "

    @property
    def after(self) -> str:
        return self.query[self.position + 1 :] if self.position is not None else ""


def query_error_text(error: keywords.QueryError) -> str:
    """The parser's message in the user's language."""
    translated = getattr(error, "translated", None)
    return translated(_) if callable(translated) else error.message


def query_check(query: str) -> QueryCheck:
    """Parse ``query`` and describe it in words (translated), or explain the error."""
    if not query.strip():
        return QueryCheck(query=query, valid=False)
    try:
        parsed = keywords.parse(query)
    except keywords.QueryError as exc:
        return QueryCheck(
            query=query, valid=False, error=query_error_text(exc), position=exc.position
        )
    return QueryCheck(query=query, valid=True, description=parsed.describe(gettext=_))


def query_is_valid(query: str) -> bool:
    try:
        keywords.parse(query)
    except keywords.QueryError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------------


def current_policy(organisation: Organisation) -> Policy | None:
    """The newest published version of the policy, or None before the first publication."""
    return (
        Policy.objects.filter(organisation=organisation, published_at__isnull=False)
        .select_related("published_by__user")
        .order_by("-version")
        .first()
    )


def policy_draft(organisation: Organisation) -> Policy | None:
    """The version being written (there is at most one), or None."""
    return (
        Policy.objects.filter(organisation=organisation, published_at__isnull=True)
        .order_by("-version")
        .first()
    )


def policy_versions(organisation: Organisation) -> QuerySet[Policy]:
    """Every published version, newest first."""
    return (
        Policy.objects.filter(organisation=organisation, published_at__isnull=False)
        .select_related("published_by__user")
        .order_by("-version")
    )


def policy_version(organisation: Organisation, version: int) -> Policy:
    """One published version; Http404 for drafts and for other organisations' versions."""
    return get_object_or_404(policy_versions(organisation), version=version)


def policy_to_acknowledge(membership: Membership) -> Policy | None:
    """The current policy when this member has not acknowledged it yet (a new version was
    published since they last did), else None."""
    policy = current_policy(membership.organisation)
    if policy is None or policy.acknowledgements.filter(membership=membership).exists():
        return None
    return policy


@dataclass(frozen=True)
class ParticipantNavState:
    intake_complete: bool
    # The current policy's version when the member has not acknowledged it yet, else None.
    policy_version_to_read: int | None


def participant_nav_state(membership: Membership) -> ParticipantNavState:
    """What a participant's navigation shows on every page, in one query: whether their intake
    is finished, and the version of a published policy they have not acknowledged yet.

    Written in SQL because it runs on every page a participant opens: the ORM spends longer
    compiling the equivalent annotated query than the database spends answering it.
    """
    intake, policy = Intake._meta.db_table, Policy._meta.db_table
    acknowledgement = PolicyAcknowledgement._meta.db_table
    # Table names come from model metadata; every value is a bound parameter.
    sql = f"""
        SELECT
            EXISTS (SELECT 1 FROM {intake} i
                    WHERE i.membership_id = %s AND i.completed_at IS NOT NULL),
            current.version,
            EXISTS (SELECT 1 FROM {acknowledgement} a
                    WHERE a.membership_id = %s AND a.policy_id = current.id)
        FROM (SELECT 1) AS one
        LEFT JOIN (
            SELECT p.id, p.version FROM {policy} p
            WHERE p.organisation_id = %s AND p.published_at IS NOT NULL
            ORDER BY p.version DESC LIMIT 1
        ) AS current ON TRUE
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [membership.pk, membership.pk, membership.organisation_id])
        intake_complete, version, acknowledged = cursor.fetchone()
    unread = version if version is not None and not acknowledged else None
    return ParticipantNavState(intake_complete=bool(intake_complete), policy_version_to_read=unread)


# --------------------------------------------------------------------------------------------
# Participant intake
# --------------------------------------------------------------------------------------------


def intake_for(membership: Membership) -> Intake | None:
    return (
        Intake.objects.filter(membership=membership)
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .first()
    )


@dataclass(frozen=True)
class IntakeStepState:
    step: str
    label: str
    done: bool
    number: int


@dataclass(frozen=True)
class IntakeProgress:
    steps: tuple[IntakeStepState, ...]
    completed: bool

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def next_step(self) -> str | None:
        """The first step still to do, or None when everything is done."""
        return next((s.step for s in self.steps if not s.done), None)


def intake_progress(membership: Membership) -> IntakeProgress:
    """Which of the participant's intake steps are done; works before the intake exists."""
    intake = Intake.objects.filter(membership=membership).only("steps_done", "completed_at")
    found = intake.first()
    done = set(found.steps_done) if found else set()
    steps = tuple(
        IntakeStepState(step=step.value, label=str(step.label), done=step.value in done, number=n)
        for n, step in enumerate(Intake.Step, start=1)
    )
    return IntakeProgress(steps=steps, completed=bool(found and found.completed_at))


def intake_is_complete(membership: Membership) -> bool:
    return Intake.objects.filter(membership=membership, completed_at__isnull=False).exists()


def profiles_of(membership: Membership) -> QuerySet[Profile]:
    return Profile.objects.filter(membership=membership).order_by("channel")


def confidence_history(membership: Membership) -> list[ConfidenceCheck]:
    """The member's confidence checks, oldest first."""
    return list(ConfidenceCheck.objects.filter(membership=membership).order_by("taken_at", "pk"))


# --------------------------------------------------------------------------------------------
# Routing monitored items to participants
# --------------------------------------------------------------------------------------------


def topic_choices(organisation_ids: Iterable[int]) -> dict[int, dict[int, set[int]]]:
    """Per organisation, every active participant membership with the active topics they chose
    (an empty set: none chosen, so they get everything). One query for all organisations."""
    ids = list(organisation_ids)
    result: dict[int, dict[int, set[int]]] = {org_id: {} for org_id in ids}
    rows = (
        Membership.objects.active()
        .participants()
        .filter(organisation_id__in=ids)
        .order_by("pk")
        .values_list("organisation_id", "pk", "intake__topics", "intake__topics__is_active")
    )
    for org_id, membership_id, topic_id, active in rows:
        chosen = result[org_id].setdefault(membership_id, set())
        if topic_id is not None and active:
            chosen.add(topic_id)
    return result


def _participant_topic_choices(organisation: Organisation) -> tuple[list[int], dict[int, set]]:
    chosen = topic_choices([organisation.pk])[organisation.pk]
    return list(chosen), chosen


def interested_memberships(organisation: Organisation) -> dict[int, list[int]]:
    """For each active topic of the organisation, the ids of the participant memberships an
    item matching it is routed to, in ascending order.

    A participant gets the topics they chose in their intake. A participant who chose none of
    the organisation's active topics (including one who has not done the intake yet, or whose
    chosen topics were all paused) gets everything of their organisation: they appear under
    every topic, and in ``memberships_without_topics``. Only active participant memberships
    count; coaches, managers and admins are never routed to. Two queries, however many
    participants and topics.
    """
    topic_ids = list(
        Topic.objects.active().filter(organisation=organisation).values_list("pk", flat=True)
    )
    participants, chosen = _participant_topic_choices(organisation)
    routes: dict[int, list[int]] = {topic_id: [] for topic_id in topic_ids}
    for membership_id in participants:
        wanted = chosen.get(membership_id) or topic_ids
        for topic_id in wanted:
            routes[topic_id].append(membership_id)
    return routes


def memberships_without_topics(organisation: Organisation) -> list[int]:
    """Participant memberships that chose no active topic: they also get the items that matched
    no topic at all (sources followed in full), since they asked for everything."""
    participants, chosen = _participant_topic_choices(organisation)
    return [m for m in participants if not chosen.get(m)]
