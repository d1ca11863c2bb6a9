"""State changes of reactions: drafting, revising, coach feedback, posting, setting aside.

Every function takes keyword-only arguments, runs in one transaction, and raises
``CoachingError`` (a ValidationError, so forms can show it) when the change is not allowed.
E-mails go out after commit, never from inside a transaction that might roll back.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coaching.models import (
    Activity,
    ActivityKind,
    Feedback,
    MilestoneKind,
    Reaction,
    ReactionRevision,
    ReactionStatus,
)
from coaching.records import FINAL_STATUSES, CoachingError, milestone_reach, resolve_now
from monitoring.models import QueueItem
from onboarding.models import Channel, Membership, Role

__all__ = [
    "PostedResult",
    "feedback_give",
    "reaction_abandon",
    "reaction_mark_posted",
    "reaction_request_feedback",
    "reaction_revise",
    "reaction_start",
]

log = logging.getLogger(__name__)


def _require_open(reaction: Reaction) -> None:
    if reaction.status in FINAL_STATUSES:
        raise CoachingError(
            _("This reaction is already posted.")
            if reaction.status == ReactionStatus.POSTED
            else _("This draft was set aside.")
        )


@transaction.atomic
def reaction_start(
    *,
    membership: Membership,
    queue_item: QueueItem | None = None,
    channel: str = Channel.LINKEDIN,
    now: dt.datetime | None = None,
) -> Reaction:
    """The participant's reaction in progress on ``queue_item``, started when there is none.

    Running it twice returns the same reaction (a posted or set-aside one is not reused: a new
    draft starts). Raises CoachingError for a membership that is not a participant or an item
    of another organisation.
    """
    if membership.role != Role.PARTICIPANT:
        raise CoachingError(_("Only participants draft reactions."))
    if channel not in Channel.values:
        raise CoachingError(_("Choose a channel."))
    if queue_item is not None:
        if queue_item.organisation_id != membership.organisation_id:
            raise CoachingError(_("This item is not in your inbox."))
        current = (
            Reaction.objects.select_for_update()
            .filter(membership=membership, queue_item=queue_item)
            .exclude(status__in=FINAL_STATUSES)
            .order_by("created_at")
            .first()
        )
        if current is not None:
            return current
    moment = resolve_now(now)
    return Reaction.objects.create(
        membership=membership,
        queue_item=queue_item,
        channel=channel,
        created_at=moment,
        updated_at=moment,
    )


def _latest_revision(reaction: Reaction) -> ReactionRevision | None:
    return reaction.revisions.order_by("-number").first()


@transaction.atomic
def reaction_revise(
    *,
    reaction: Reaction,
    body: str,
    channel: str | None = None,
    now: dt.datetime | None = None,
) -> ReactionRevision | None:
    """Save the draft's text as a new revision; every earlier revision is kept.

    Saving the same text again adds no revision and returns the latest (None when the draft is
    still empty). A changed text on a draft the coach already answered (ready or changes
    suggested) makes it a draft again; one waiting for feedback keeps waiting, and the coach
    sees the newest text. Raises CoachingError for a posted or set-aside reaction.
    """
    reaction = Reaction.objects.select_for_update().get(pk=reaction.pk)
    _require_open(reaction)
    moment = resolve_now(now)
    body = body.replace("\r\n", "\n").strip()
    fields = ["updated_at"]
    if channel and channel != reaction.channel:
        if channel not in Channel.values:
            raise CoachingError(_("Choose a channel."))
        reaction.channel = channel
        fields.append("channel")
    latest = _latest_revision(reaction)
    revision = latest
    if body and (latest is None or latest.body != body):
        revision = ReactionRevision.objects.create(
            reaction=reaction,
            number=(latest.number + 1) if latest else 1,
            body=body,
            created_at=moment,
        )
        if reaction.status in (ReactionStatus.READY, ReactionStatus.CHANGES_REQUESTED):
            reaction.status = ReactionStatus.DRAFT
            fields.append("status")
    reaction.updated_at = moment
    reaction.save(update_fields=fields)
    return revision


@transaction.atomic
def reaction_request_feedback(*, reaction: Reaction, now: dt.datetime | None = None) -> Reaction:
    """Ask the participant's coaches for feedback on the latest revision.

    Allowed while the reaction is not posted or set aside and has text; asking twice keeps it
    waiting (the coaches' feedback page lists it once). Raises CoachingError otherwise.
    """
    reaction = Reaction.objects.select_for_update().get(pk=reaction.pk)
    _require_open(reaction)
    if _latest_revision(reaction) is None:
        raise CoachingError(_("Write a first version before asking for feedback."))
    if reaction.status != ReactionStatus.AWAITING_FEEDBACK:
        reaction.status = ReactionStatus.AWAITING_FEEDBACK
        reaction.updated_at = resolve_now(now)
        reaction.save(update_fields=["status", "updated_at"])
    return reaction


@transaction.atomic
def feedback_give(
    *,
    reaction: Reaction,
    coach: Membership,
    body: str,
    verdict: str,
    now: dt.datetime | None = None,
) -> Feedback:
    """A coach's feedback on the latest revision: approve (ready to post) or suggest changes.

    ``coach`` must be an active coach membership of the participant's organisation; a
    suggestion needs a comment. Each call adds one Feedback row (the conversation is kept).
    Raises CoachingError for anybody else, an empty suggestion, or a posted or set-aside
    reaction.
    """
    reaction = Reaction.objects.select_for_update().select_related("membership").get(pk=reaction.pk)
    if (
        coach.role != Role.COACH
        or not coach.is_active
        or coach.organisation_id != reaction.membership.organisation_id
    ):
        raise CoachingError(_("Only a coach of this organisation can give feedback."))
    _require_open(reaction)
    if verdict not in Feedback.Verdict.values:
        raise CoachingError(_("Approve the draft or suggest changes."))
    body = body.strip()
    if verdict == Feedback.Verdict.CHANGES and not body:
        raise CoachingError(_("Say what you would change, so they know where to start."))
    revision = _latest_revision(reaction)
    if revision is None:
        raise CoachingError(_("There is no text to give feedback on yet."))
    moment = resolve_now(now)
    feedback = Feedback.objects.create(
        reaction=reaction,
        revision=revision,
        coach=coach,
        body=body,
        verdict=verdict,
        created_at=moment,
    )
    reaction.status = (
        ReactionStatus.READY
        if verdict == Feedback.Verdict.APPROVED
        else ReactionStatus.CHANGES_REQUESTED
    )
    reaction.updated_at = moment
    reaction.save(update_fields=["status", "updated_at"])
    return feedback


@dataclass(frozen=True)
class PostedResult:
    reaction: Reaction
    first: bool


_validate_http_url = URLValidator(schemes=["http", "https"])


@transaction.atomic
def reaction_mark_posted(
    *, reaction: Reaction, url: str, now: dt.datetime | None = None
) -> PostedResult:
    """Record that the participant posted the reaction themselves, at ``url``.

    The reaction becomes posted and a ``reaction_posted`` activity is recorded. The
    participant's first posted reaction also records the ``first_reaction`` milestone and,
    after commit, e-mails their coaches; ``first`` says so. Marking an already posted reaction
    again only corrects its address (no new activity, no second e-mail). Raises CoachingError
    for an address that is not http(s) or a reaction that was set aside.
    """
    url = (url or "").strip()
    try:
        _validate_http_url(url)
    except ValidationError as exc:
        raise CoachingError(
            _("Paste the full address of your reaction, starting with https://.")
        ) from exc
    reaction = (
        Reaction.objects.select_for_update()
        .select_related("membership__user", "membership__organisation")
        .get(pk=reaction.pk)
    )
    if reaction.status == ReactionStatus.ABANDONED:
        raise CoachingError(_("This draft was set aside."))
    moment = resolve_now(now)
    if reaction.status == ReactionStatus.POSTED:
        reaction.posted_url = url
        reaction.save(update_fields=["posted_url"])
        return PostedResult(reaction, first=False)
    reaction.status = ReactionStatus.POSTED
    reaction.posted_url = url
    reaction.posted_at = moment
    reaction.updated_at = moment
    reaction.save(update_fields=["status", "posted_url", "posted_at", "updated_at"])
    membership = reaction.membership
    Activity.objects.create(
        membership=membership,
        kind=ActivityKind.REACTION_POSTED,
        channel=reaction.channel,
        url=url,
        occurred_at=moment,
    )
    _milestone, first = milestone_reach(
        membership=membership, kind=MilestoneKind.FIRST_REACTION, url=url, now=moment
    )
    if first:
        reaction_id = reaction.pk
        transaction.on_commit(lambda: _notify_coaches_first_reaction(reaction_id))
    return PostedResult(reaction, first=first)


@transaction.atomic
def reaction_abandon(*, reaction: Reaction, now: dt.datetime | None = None) -> Reaction:
    """Set a draft aside. Fine at any point before posting; its revisions are kept. Running
    it twice changes nothing. Raises CoachingError for a posted reaction."""
    reaction = Reaction.objects.select_for_update().get(pk=reaction.pk)
    if reaction.status == ReactionStatus.ABANDONED:
        return reaction
    _require_open(reaction)
    reaction.status = ReactionStatus.ABANDONED
    reaction.updated_at = resolve_now(now)
    reaction.save(update_fields=["status", "updated_at"])
    return reaction


def _notify_coaches_first_reaction(reaction_id: int) -> None:
    """E-mail the participant's coaches that their first reaction is online."""
    reaction = (
        Reaction.objects.select_related("membership__user", "membership__organisation")
        .filter(pk=reaction_id)
        .first()
    )
    if reaction is None:
        return
    organisation = reaction.membership.organisation
    coaches = Membership.objects.active().filter(organisation=organisation, role=Role.COACH)
    for coach in coaches.select_related("user"):
        language = coach.user.language or organisation.language
        with translation.override(language):
            context = {
                "participant": reaction.membership.user.display_name,
                "organisation": organisation.name,
                "coach": coach.user.display_name,
                "posted_url": reaction.posted_url,
                "url": settings.SITE_URL
                + reverse("reaction_detail", kwargs={"org": organisation.slug, "pk": reaction.pk}),
            }
            subject = _("%(name)s posted their first reaction") % {"name": context["participant"]}
            body = render_to_string("coaching/email/first_reaction.txt", context)
        try:
            send_mail(subject, body, None, [coach.user.email])
        except Exception:  # noqa: BLE001 - the reaction is recorded; a mail problem is logged
            log.warning("could not e-mail coach %s about reaction %s", coach.pk, reaction_id)
