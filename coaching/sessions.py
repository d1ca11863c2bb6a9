"""State changes of review sessions: a coach and a participant going through the inbox.

Every function takes keyword-only arguments, runs in one transaction, and raises
``CoachingError`` (a ValidationError, so forms can show it) when the change is not allowed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from coaching.models import Activity, ActivityKind, CoachingSession, MilestoneKind
from coaching.records import CoachingError, milestone_reach, resolve_now
from onboarding.models import Membership, Role

__all__ = ["session_end", "session_save_notes", "session_start"]


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
        coach=coach, participant=participant, started_at=resolve_now(now)
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
    moment = resolve_now(now)
    if session.ended_at is None:
        session.ended_at = moment
        fields.append("ended_at")
        Activity.objects.create(
            membership_id=session.participant_id,
            kind=ActivityKind.SESSION_HELD,
            occurred_at=moment,
        )
        milestone_reach(
            membership=session.participant, kind=MilestoneKind.FIRST_SESSION, now=moment
        )
    if fields:
        session.save(update_fields=fields)
    return session
