"""State changes of communities and of what participants log doing online.

Step four of the method: the coach suggests the right LinkedIn groups (and similar
communities), the participant joins, looks in regularly, and moves from reading along to
taking part: replying in a discussion, starting one, sharing news, publishing their own work.
The app cannot see any of that happen, so the participant records it here, with the address.

Every function takes keyword-only arguments, runs in one transaction, is safe to run twice,
and raises ``CoachingError`` (a ValidationError, so forms can show it) when the change is not
allowed. Address problems are keyed ``url`` so a form shows them next to its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from coaching.community_selectors import LOGGED_KINDS, local_day_start
from coaching.models import (
    Activity,
    ActivityKind,
    Community,
    CommunityMembership,
    Milestone,
    MilestoneKind,
)
from coaching.records import CoachingError, milestone_reach, resolve_now
from onboarding.models import Channel, Membership, Organisation, Role, Topic

__all__ = [
    "ACTION_MILESTONES",
    "JoinResult",
    "LoggedAction",
    "SuggestResult",
    "action_delete",
    "action_log",
    "community_create",
    "community_join",
    "community_leave",
    "community_remove",
    "community_suggest",
    "community_update",
    "community_visit",
]

Status = CommunityMembership.Status

# The milestone a logged action reaches the first time; the others reach none.
ACTION_MILESTONES: dict[str, str] = {
    ActivityKind.DISCUSSION_REPLIED: MilestoneKind.FIRST_REPLY,
    ActivityKind.DISCUSSION_STARTED: MilestoneKind.FIRST_DISCUSSION,
    ActivityKind.BLOG_PUBLISHED: MilestoneKind.FIRST_OWN_CONTENT,
    ActivityKind.NEWSLETTER_CONTRIBUTED: MilestoneKind.FIRST_OWN_CONTENT,
}

_validate_http_url = URLValidator(schemes=["http", "https"])
MAX_NAME = 200
MAX_URL = 2000


def _clean_url(url: str, *, required: bool, message: str) -> str:
    """``url`` stripped, with https:// added when no scheme was typed; only http(s) passes."""
    url = (url or "").strip()
    if not url:
        if required:
            raise CoachingError({"url": message})
        return ""
    try:
        scheme = urlsplit(url).scheme
    except ValueError as exc:  # an unbalanced [ in the host, for instance
        raise CoachingError({"url": message}) from exc
    if not scheme:
        url = f"https://{url}"
    if len(url) > MAX_URL:
        raise CoachingError({"url": message})
    try:
        _validate_http_url(url)
    except ValidationError as exc:
        raise CoachingError({"url": message}) from exc
    return url


def _require_participant(membership: Membership, organisation_id: int) -> None:
    if (
        membership.role != Role.PARTICIPANT
        or not membership.is_active
        or membership.organisation_id != organisation_id
    ):
        raise CoachingError(_("Only participants of this organisation can do this."))


# --------------------------------------------------------------------------------------------
# The organisation's list of communities (coaches and admins)


def _community_values(
    *,
    organisation: Organisation,
    name: str,
    url: str,
    channel: str,
    description: str,
    topics: Iterable[Topic],
    exclude_pk: int | None = None,
) -> tuple[dict[str, str], list[Topic]]:
    name = " ".join((name or "").split())
    if not name:
        raise CoachingError({"name": _("Give the community a name.")})
    if len(name) > MAX_NAME:
        raise CoachingError({"name": _("Keep the name under 200 characters.")})
    if channel not in Channel.values:
        raise CoachingError({"channel": _("Choose a channel.")})
    url = _clean_url(
        url, required=False, message=_("Paste the full address of the community, like https://…")
    )
    topics = list(topics)
    if any(t.organisation_id != organisation.pk for t in topics):
        raise CoachingError({"topics": _("Choose topics of this organisation.")})
    others = Community.objects.filter(organisation=organisation)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.filter(name__iexact=name).exists():
        raise CoachingError({"name": _("There is already a community with this name.")})
    if url and others.filter(url__iexact=url).exists():
        raise CoachingError({"url": _("This community is already on the list.")})
    values = {"name": name, "url": url, "channel": channel, "description": description.strip()}
    return values, topics


@transaction.atomic
def community_create(
    *,
    organisation: Organisation,
    name: str,
    url: str = "",
    channel: str = Channel.LINKEDIN,
    description: str = "",
    topics: Iterable[Topic] = (),
) -> Community:
    """Add a community to the organisation's list.

    The address is optional but must be http(s) when given (https:// is added when no scheme
    was typed); topics must be the organisation's own. Raises CoachingError for a missing name,
    a bad address, or a name or address already on the list (so running it twice adds one).
    """
    values, chosen = _community_values(
        organisation=organisation,
        name=name,
        url=url,
        channel=channel,
        description=description,
        topics=topics,
    )
    community = Community.objects.create(organisation=organisation, **values)
    community.topics.set(chosen)
    return community


@transaction.atomic
def community_update(
    *,
    community: Community,
    name: str,
    url: str,
    channel: str,
    description: str,
    topics: Iterable[Topic],
) -> Community:
    """Change a community's details; the same checks as ``community_create``. Who was
    suggested it, who joined and when stay as they are."""
    values, chosen = _community_values(
        organisation=community.organisation,
        name=name,
        url=url,
        channel=channel,
        description=description,
        topics=topics,
        exclude_pk=community.pk,
    )
    for field, value in values.items():
        setattr(community, field, value)
    community.save(update_fields=list(values))
    community.topics.set(chosen)
    return community


@transaction.atomic
def community_remove(*, community: Community) -> None:
    """Take a community off the list, with everyone's suggestion and membership of it. What
    people logged doing (joins, visits, replies) stays in their history."""
    Community.objects.filter(pk=community.pk).delete()


@dataclass(frozen=True)
class SuggestResult:
    suggested: list[Membership]
    skipped: list[Membership]


@transaction.atomic
def community_suggest(
    *,
    community: Community,
    participants: Iterable[Membership],
    suggested_by: Membership | None,
    now: dt.datetime | None = None,
) -> SuggestResult:
    """Suggest ``community`` to each of ``participants``.

    A participant who never had it suggested, or who left it, gets it as a suggestion from
    ``suggested_by``; one who already has it suggested or has joined is skipped, so running it
    twice changes nothing. ``suggested_by`` must be a coach or admin of the organisation (or
    None, for data set up by the app). Raises CoachingError for anybody who is not an active
    participant of the community's organisation.
    """
    organisation_id = community.organisation_id
    if suggested_by is not None and (
        suggested_by.role not in (Role.COACH, Role.ADMIN)
        or suggested_by.organisation_id != organisation_id
    ):
        raise CoachingError(_("Only a coach of this organisation can suggest communities."))
    people = list(participants)
    for person in people:
        _require_participant(person, organisation_id)
    existing = {
        s.membership_id: s
        for s in CommunityMembership.objects.select_for_update().filter(
            community=community, membership__in=[p.pk for p in people]
        )
    }
    suggested, skipped = [], []
    for person in people:
        standing = existing.get(person.pk)
        if standing is None:
            try:
                with transaction.atomic():
                    CommunityMembership.objects.create(
                        membership=person,
                        community=community,
                        status=Status.SUGGESTED,
                        suggested_by=suggested_by,
                    )
            except IntegrityError:  # the participant joined it at this very moment
                skipped.append(person)
                continue
            suggested.append(person)
        elif standing.status == Status.LEFT:
            standing.status = Status.SUGGESTED
            standing.suggested_by = suggested_by
            standing.save(update_fields=["status", "suggested_by"])
            suggested.append(person)
        else:
            skipped.append(person)
    return SuggestResult(suggested=suggested, skipped=skipped)


# --------------------------------------------------------------------------------------------
# The participant and their communities


def _standing(membership: Membership, community: Community) -> CommunityMembership:
    """The participant's row for ``community``, locked; created (as suggested) when missing."""
    lookup = {"membership": membership, "community": community}
    standing = CommunityMembership.objects.select_for_update().filter(**lookup).first()
    if standing is not None:
        return standing
    try:
        with transaction.atomic():
            return CommunityMembership.objects.create(**lookup, status=Status.SUGGESTED)
    except IntegrityError:  # created by a concurrent request
        return CommunityMembership.objects.select_for_update().get(**lookup)


@dataclass(frozen=True)
class JoinResult:
    standing: CommunityMembership
    joined: bool  # False when they had joined already
    first: bool  # the first_community milestone was reached now


@transaction.atomic
def community_join(
    *, membership: Membership, community: Community, now: dt.datetime | None = None
) -> JoinResult:
    """The participant says they joined ``community`` (suggested to them or not).

    Records ``joined_at`` and a ``community_joined`` activity, and the first time ever the
    ``first_community`` milestone. Joining a community one is already in changes nothing;
    rejoining after leaving counts as joining again. Raises CoachingError for anybody but an
    active participant of the community's organisation.
    """
    _require_participant(membership, community.organisation_id)
    standing = _standing(membership, community)
    if standing.status == Status.JOINED:
        return JoinResult(standing, joined=False, first=False)
    moment = resolve_now(now)
    standing.status = Status.JOINED
    standing.joined_at = moment
    standing.save(update_fields=["status", "joined_at"])
    Activity.objects.create(
        membership=membership,
        kind=ActivityKind.COMMUNITY_JOINED,
        channel=community.channel,
        url=community.url,
        occurred_at=moment,
    )
    _milestone, first = milestone_reach(
        membership=membership, kind=MilestoneKind.FIRST_COMMUNITY, url=community.url, now=moment
    )
    return JoinResult(standing, joined=True, first=first)


@transaction.atomic
def community_visit(
    *, membership: Membership, community: Community, now: dt.datetime | None = None
) -> bool:
    """The participant looked in ``community`` today. Returns whether this was the first
    visit of the (local) day: only that one sets ``last_visit_at`` and records a
    ``community_visited`` activity, so clicking twice, or in two tabs at once, records one.
    Raises CoachingError when they have not joined it.
    """
    _require_participant(membership, community.organisation_id)
    moment = resolve_now(now)
    # Compare-and-set: only the request that still sees no visit today claims it.
    claimed = (
        CommunityMembership.objects.filter(
            membership=membership, community=community, status=Status.JOINED
        )
        .filter(Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=local_day_start(moment)))
        .update(last_visit_at=moment)
    )
    if not claimed:
        if not CommunityMembership.objects.filter(
            membership=membership, community=community, status=Status.JOINED
        ).exists():
            raise CoachingError(_("Join the community first, then tell us about your visits."))
        return False
    Activity.objects.create(
        membership=membership,
        kind=ActivityKind.COMMUNITY_VISITED,
        channel=community.channel,
        url=community.url,
        occurred_at=moment,
    )
    return True


@transaction.atomic
def community_leave(
    *, membership: Membership, community: Community, now: dt.datetime | None = None
) -> CommunityMembership:
    """The participant left ``community``, or says a suggestion is not for them. The join
    date is kept as history; leaving twice changes nothing. Raises CoachingError when the
    community was never theirs (neither suggested nor joined)."""
    _require_participant(membership, community.organisation_id)
    standing = (
        CommunityMembership.objects.select_for_update()
        .filter(membership=membership, community=community)
        .first()
    )
    if standing is None:
        raise CoachingError(_("This community is not one of yours."))
    if standing.status != Status.LEFT:
        standing.status = Status.LEFT
        standing.save(update_fields=["status"])
    return standing


# --------------------------------------------------------------------------------------------
# What the participant did online


@dataclass(frozen=True)
class LoggedAction:
    activity: Activity
    created: bool  # False when the same action was logged before
    milestone: Milestone | None  # a milestone reached by this action, None otherwise


@transaction.atomic
def action_log(
    *,
    membership: Membership,
    kind: str,
    url: str,
    channel: str = Channel.LINKEDIN,
    now: dt.datetime | None = None,
) -> LoggedAction:
    """Record something the participant did online: a reply in a discussion, a discussion
    started, shared news, an update, a blog post or article, a newsletter contribution.

    The address must be http(s) (https:// is added when no scheme was typed). The first reply
    reaches ``first_reply``, the first started discussion ``first_discussion`` and the first
    blog post or newsletter contribution ``first_own_content``; ``milestone`` is set only when
    this call reached it. Logging the same kind with the same address again records nothing
    and returns the earlier one. Raises CoachingError for other kinds, channels or addresses,
    or for anybody but an active participant.
    """
    if kind not in LOGGED_KINDS:
        raise CoachingError({"kind": _("Choose what you did.")})
    if channel not in Channel.values:
        raise CoachingError({"channel": _("Choose a channel.")})
    url = _clean_url(
        url,
        required=True,
        message=_("Paste the full address of what you did, starting with https://."),
    )
    _require_participant(membership, membership.organisation_id)
    # One logging at a time per person, so a double submit cannot log the same thing twice.
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    earlier = (
        Activity.objects.filter(membership=membership, kind=kind, url=url).order_by("pk").first()
    )
    if earlier is not None:
        return LoggedAction(earlier, created=False, milestone=None)
    moment = resolve_now(now)
    activity = Activity.objects.create(
        membership=membership, kind=kind, channel=channel, url=url, occurred_at=moment
    )
    milestone = None
    milestone_kind = ACTION_MILESTONES.get(kind)
    if milestone_kind is not None:
        reached, first = milestone_reach(
            membership=membership, kind=milestone_kind, url=url, now=moment
        )
        milestone = reached if first else None
    return LoggedAction(activity, created=True, milestone=milestone)


@transaction.atomic
def action_delete(*, membership: Membership, activity: Activity) -> None:
    """Delete a logged action the participant entered by mistake.

    Only their own logged actions (not what the app recorded itself, like a posted reaction).
    A milestone this very action reached moves to the next such action still logged, or is
    withdrawn when there is none. Deleting twice is a no-op. Raises CoachingError for anybody
    else's activity.
    """
    if activity.membership_id != membership.pk or activity.kind not in LOGGED_KINDS:
        raise CoachingError(_("You can only delete what you logged yourself."))
    deleted, _counts = Activity.objects.filter(pk=activity.pk).delete()
    milestone_kind = ACTION_MILESTONES.get(activity.kind)
    if not deleted or milestone_kind is None:
        return
    milestone = (
        Milestone.objects.select_for_update()
        .filter(
            membership=membership,
            kind=milestone_kind,
            achieved_at=activity.occurred_at,
            url=activity.url,
        )
        .first()
    )
    if milestone is None:  # reached by another action (or before actions were logged)
        return
    kinds = [k for k, m in ACTION_MILESTONES.items() if m == milestone_kind]
    next_one = (
        Activity.objects.filter(membership=membership, kind__in=kinds)
        .order_by("occurred_at", "pk")
        .first()
    )
    if next_one is None:
        milestone.delete()
        return
    milestone.achieved_at = next_one.occurred_at
    milestone.url = next_one.url
    milestone.save(update_fields=["achieved_at", "url"])
