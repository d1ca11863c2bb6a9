"""State changes of the coaching app: triage, reactions and feedback, sessions, digests.

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
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coaching.models import (
    Activity,
    ActivityKind,
    CoachingSession,
    ContentFor,
    DigestFrequency,
    DigestPreference,
    Feedback,
    Milestone,
    MilestoneKind,
    Reaction,
    ReactionRevision,
    ReactionStatus,
    Triage,
    Verdict,
)
from coaching.selectors import digest_entries
from monitoring.models import InboxEntry, QueueItem, QueueStatus
from onboarding.models import Channel, Membership, Role

log = logging.getLogger(__name__)

FINAL_STATUSES = frozenset({ReactionStatus.POSTED, ReactionStatus.ABANDONED})
# Verdicts that keep an item for later: the Collector rung of the ladder.
SAVING_VERDICTS = frozenset({Verdict.INTERESTING, Verdict.CONTENT_IDEA})
MAX_DIGEST_ITEMS = 30


class CoachingError(ValidationError):
    """The change is not allowed in the current state; the message is for the person."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# --------------------------------------------------------------------------------------------
# Inbox


def inbox_mark_read(
    *, membership: Membership, queue_item: QueueItem, now: dt.datetime | None = None
) -> bool:
    """Mark the item read in the participant's inbox. Returns whether it was unread; running
    it again changes nothing."""
    return bool(
        InboxEntry.objects.filter(
            membership=membership, queue_item=queue_item, read_at__isnull=True
        ).update(read_at=_now(now))
    )


@transaction.atomic
def triage_record(
    *,
    membership: Membership,
    queue_item: QueueItem,
    verdict: str,
    content_for: str = "",
    rating: int | None = None,
    note: str = "",
    session: CoachingSession | None = None,
    now: dt.datetime | None = None,
) -> Triage:
    """Record the participant's decision on one item of their inbox (or change it).

    One Triage per (item, participant): running it again updates the same row, and the
    ``item_reviewed`` activity is recorded once. ``content_for`` (blog or newsletter) belongs
    to content ideas only and defaults to blog; ``rating`` is 1–5 or None. A ``session`` must be
    an open session of this participant: the decision is then recorded as made in it. The
    item is marked read. Raises CoachingError when the item was not routed to the participant,
    is no longer open, or the values are out of range.
    """
    moment = _now(now)
    if verdict not in Verdict.values:
        raise CoachingError(_("Choose one of the four answers."))
    if verdict == Verdict.CONTENT_IDEA:
        content_for = content_for or ContentFor.BLOG
        if content_for not in ContentFor.values:
            raise CoachingError(_("A content idea is for the blog or the newsletter."))
    else:
        content_for = ""
    if rating is not None and not 1 <= rating <= 5:
        raise CoachingError(_("A rating goes from 1 to 5."))
    if session is not None and (session.participant_id != membership.pk or session.ended_at):
        raise CoachingError(_("This session has ended."))
    if queue_item.status != QueueStatus.OPEN:
        raise CoachingError(_("This item is no longer in the inbox."))
    if not InboxEntry.objects.filter(membership=membership, queue_item=queue_item).exists():
        raise CoachingError(_("This item is not in your inbox."))

    values = {
        "verdict": verdict,
        "content_for": content_for,
        "rating": rating,
        "note": note.strip(),
        "decided_at": moment,
    }
    if session is not None:
        values["session"] = session
    lookup = {"membership": membership, "queue_item": queue_item}
    triage = Triage.objects.select_for_update().filter(**lookup).first()
    created = False
    if triage is None:
        try:
            with transaction.atomic():
                triage = Triage.objects.create(
                    **lookup, organisation_id=queue_item.organisation_id, **values
                )
            created = True
        except IntegrityError:  # a second tab decided at the same moment
            triage = Triage.objects.select_for_update().get(**lookup)
    old_verdict, old_rating = (None, None) if created else (triage.verdict, triage.rating)
    if not created:
        for name, value in values.items():
            setattr(triage, name, value)
        triage.save(update_fields=list(values))

    url = queue_item.item.url if queue_item.item_id else ""
    kinds = []
    if old_verdict is None:
        kinds.append(ActivityKind.ITEM_REVIEWED)
    if verdict in SAVING_VERDICTS and old_verdict not in SAVING_VERDICTS:
        kinds.append(ActivityKind.ITEM_SAVED)
    if rating is not None and old_rating is None:
        kinds.append(ActivityKind.ITEM_RATED)
    Activity.objects.bulk_create(
        [
            Activity(membership=membership, kind=kind, url=url[:2000], occurred_at=moment)
            for kind in kinds
        ]
    )
    inbox_mark_read(membership=membership, queue_item=queue_item, now=moment)
    return triage


# --------------------------------------------------------------------------------------------
# Reactions


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
    moment = _now(now)
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
    moment = _now(now)
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
        reaction.updated_at = _now(now)
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
    moment = _now(now)
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
    moment = _now(now)
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
    _milestone, first = _milestone_reach(
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
    reaction.updated_at = _now(now)
    reaction.save(update_fields=["status", "updated_at"])
    return reaction


def _milestone_reach(
    *, membership: Membership, kind: str, url: str = "", now: dt.datetime
) -> tuple[Milestone, bool]:
    """The membership's milestone of ``kind``, recorded now if it was not reached before."""
    try:
        with transaction.atomic():
            return Milestone.objects.get_or_create(
                membership=membership, kind=kind, defaults={"achieved_at": now, "url": url}
            )
    except IntegrityError:  # reached in a concurrent transaction
        return Milestone.objects.get(membership=membership, kind=kind), False


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


# --------------------------------------------------------------------------------------------
# Coaching sessions


@transaction.atomic
def session_start(
    *, coach: Membership, participant: Membership, now: dt.datetime | None = None
) -> CoachingSession:
    """Open a review session of ``coach`` with ``participant`` (or return the open one).

    Both must be active memberships of one organisation, as coach and participant. Running it
    twice returns the same open session. Raises CoachingError otherwise.
    """
    if (
        coach.role != Role.COACH
        or participant.role != Role.PARTICIPANT
        or coach.organisation_id != participant.organisation_id
        or not coach.is_active
        or not participant.is_active
    ):
        raise CoachingError(_("A session is a coach and a participant of one organisation."))
    current = (
        CoachingSession.objects.select_for_update()
        .filter(coach=coach, participant=participant, ended_at=None)
        .order_by("-started_at")
        .first()
    )
    if current is not None:
        return current
    return CoachingSession.objects.create(
        coach=coach, participant=participant, started_at=_now(now)
    )


@transaction.atomic
def session_save_notes(
    *, session: CoachingSession, notes: str, agreed_actions: str
) -> CoachingSession:
    """Keep the coach's notes and agreed actions of a session (open or ended)."""
    session.notes = notes.strip()
    session.agreed_actions = agreed_actions.strip()
    session.save(update_fields=["notes", "agreed_actions"])
    return session


@transaction.atomic
def session_end(
    *,
    session: CoachingSession,
    notes: str | None = None,
    agreed_actions: str | None = None,
    now: dt.datetime | None = None,
) -> CoachingSession:
    """End the session: the participant's ``session_held`` activity and, the first time, the
    ``first_session`` milestone are recorded. Ending an ended session only updates the notes.
    """
    session = CoachingSession.objects.select_for_update().get(pk=session.pk)
    fields = []
    if notes is not None:
        session.notes = notes.strip()
        fields.append("notes")
    if agreed_actions is not None:
        session.agreed_actions = agreed_actions.strip()
        fields.append("agreed_actions")
    moment = _now(now)
    if session.ended_at is None:
        session.ended_at = moment
        fields.append("ended_at")
        Activity.objects.create(
            membership_id=session.participant_id,
            kind=ActivityKind.SESSION_HELD,
            occurred_at=moment,
        )
        _milestone_reach(
            membership=session.participant, kind=MilestoneKind.FIRST_SESSION, now=moment
        )
    if fields:
        session.save(update_fields=fields)
    return session


# --------------------------------------------------------------------------------------------
# E-mail digest


@transaction.atomic
def digest_preference_set(
    *, membership: Membership, frequency: str, now: dt.datetime | None = None
) -> DigestPreference:
    """Choose the e-mail digest (off, daily, weekly). Turning it on starts from now: the
    first digest holds items that arrive after this moment, not the whole inbox."""
    if frequency not in DigestFrequency.values:
        raise CoachingError(_("Choose how often you want the e-mail."))
    preference, _created = DigestPreference.objects.select_for_update().get_or_create(
        membership=membership
    )
    if preference.frequency == DigestFrequency.OFF and frequency != DigestFrequency.OFF:
        newest = InboxEntry.objects.filter(membership=membership).aggregate(n=Max("pk"))["n"]
        preference.last_entry_id = newest or 0
    preference.frequency = frequency
    preference.updated_at = _now(now)
    preference.save()
    return preference


def digest_period_start(frequency: str, now: dt.datetime) -> dt.datetime:
    """Start of the current digest period in the site's time zone: today, or this week's
    Monday, at midnight."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == DigestFrequency.WEEKLY:
        start -= dt.timedelta(days=start.weekday())
    return start


def digest_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every digest that is due now; returns how many e-mails went out.

    A preference is due once per period (a day, or a week from Monday). Each is claimed with a
    compare-and-set on ``last_sent_at`` before anything is read, so two runs at once, or a
    second run in the same period, send nothing twice. A digest holds the inbox entries after
    the previous digest's newest one that are still open and undecided, and moves that mark
    forward, so no item is ever sent twice. A digest with nothing new sends no e-mail.
    """
    moment = _now(now)
    sent = 0
    due = DigestPreference.objects.exclude(frequency=DigestFrequency.OFF).filter(
        membership__is_active=True
    )
    due = due.select_related("membership__user", "membership__organisation")
    for preference in due.iterator(chunk_size=500):
        start = digest_period_start(preference.frequency, moment)
        if preference.last_sent_at is not None and preference.last_sent_at >= start:
            continue
        if _digest_send_one(preference=preference, now=moment):
            sent += 1
    return sent


def _digest_send_one(*, preference: DigestPreference, now: dt.datetime) -> bool:
    with transaction.atomic():
        # Compare-and-set: only the run that still sees the old value sends this period's
        # digest (``last_sent_at=None`` is an IS NULL test).
        claimed = DigestPreference.objects.filter(
            pk=preference.pk,
            last_sent_at=preference.last_sent_at,
            frequency=preference.frequency,
        ).update(last_sent_at=now)
        if not claimed:
            return False
        digest = digest_entries(
            membership=preference.membership,
            after_id=preference.last_entry_id,
            limit=MAX_DIGEST_ITEMS,
        )
        if digest.newest_id is None:
            return False
        DigestPreference.objects.filter(pk=preference.pk).update(last_entry_id=digest.newest_id)
        if not digest.entries:
            return False
        message = _digest_message(preference.membership, digest.entries, digest.total)
        transaction.on_commit(lambda: _send_digest(message))
    return True


@dataclass(frozen=True)
class _DigestMessage:
    subject: str
    body: str
    to: str


def _digest_message(
    membership: Membership, entries: list[InboxEntry], total: int
) -> _DigestMessage:
    organisation = membership.organisation
    with translation.override(membership.user.language or organisation.language):
        inbox_url = settings.SITE_URL + reverse("inbox", kwargs={"org": organisation.slug})
        context = {
            "name": membership.user.display_name,
            "organisation": organisation.name,
            "entries": entries,
            "total": total,
            "more": total - len(entries),
            "inbox_url": inbox_url,
            "settings_url": settings.SITE_URL
            + reverse("digest_settings", kwargs={"org": organisation.slug}),
        }
        subject = ngettext(
            "%(count)s new item in your Springplank inbox",
            "%(count)s new items in your Springplank inbox",
            total,
        ) % {"count": total}
        body = render_to_string("coaching/email/digest.txt", context)
    return _DigestMessage(subject=subject, body=body, to=membership.user.email)


def _send_digest(message: _DigestMessage) -> None:
    try:
        send_mail(message.subject, message.body, None, [message.to])
    except Exception:  # noqa: BLE001 - logged; the period is claimed, the next digest follows
        log.warning("could not send the digest to %s", message.to, exc_info=True)
