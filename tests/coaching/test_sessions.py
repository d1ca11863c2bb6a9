"""Review sessions: the coach opens a participant's inbox in session mode, decisions are
recorded with the session, ending it is recorded, the participant reads the summary."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import (
    Activity,
    ActivityKind,
    CoachingSession,
    Milestone,
    MilestoneKind,
    Triage,
)
from coaching.participant_selectors import participants_overview
from coaching.records import CoachingError
from coaching.sessions import session_end, session_start
from coaching.triage import triage_record
from onboarding.models import Role
from tests.factories import MembershipFactory, ReactionFactory, TriageFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_session_start_is_idempotent_and_scoped(coach, participant, colleague):
    session = session_start(coach=coach, participant=participant)
    assert session_start(coach=coach, participant=participant).pk == session.pk
    with pytest.raises(CoachingError):
        session_start(coach=colleague, participant=participant)
    with pytest.raises(CoachingError):
        session_start(coach=MembershipFactory(role=Role.COACH), participant=participant)


def test_session_end_records_activity_and_first_milestone_once(coach, participant):
    session = session_start(coach=coach, participant=participant)
    session_end(session=session, notes="Went well", agreed_actions="Join two groups")
    session_end(session=session)
    session.refresh_from_db()
    assert session.ended_at is not None and session.agreed_actions == "Join two groups"
    assert (
        Activity.objects.filter(membership=participant, kind=ActivityKind.SESSION_HELD).count() == 1
    )
    assert Milestone.objects.filter(
        membership=participant, kind=MilestoneKind.FIRST_SESSION
    ).exists()
    second = session_start(coach=coach, participant=participant)
    assert second.pk != session.pk
    session_end(session=second)
    assert Milestone.objects.filter(membership=participant).count() == 1


def test_full_session_through_the_pages(client, coach, participant, put_in_inbox):
    entry = put_in_inbox(participant, title="Worth discussing")
    client.force_login(coach.user)
    start = reverse("session_start", kwargs={"org": "acme", "participant": participant.pk})
    response = client.post(start)
    session = CoachingSession.objects.get()
    detail = reverse("session_detail", kwargs={"org": "acme", "pk": session.pk})
    assert response.url == detail

    page = client.get(detail).content.decode()
    assert "Reviewing together with Anna" in page and "Worth discussing" in page
    triage_url = reverse(
        "session_triage", kwargs={"org": "acme", "pk": session.pk, "qi": entry.queue_item_id}
    )
    assert triage_url in page
    response = client.post(triage_url, {"choice": "react", "note": "try it"}, **HTMX)
    assert response.status_code == 200 and "decided together" in response.content.decode()
    triage = Triage.objects.get()
    assert triage.membership == participant and triage.session == session

    end = reverse("session_end", kwargs={"org": "acme", "pk": session.pk})
    client.post(end, {"notes": "Anna is ready", "agreed_actions": "Post the reaction"})
    session.refresh_from_db()
    assert session.ended_at is not None

    # The participant reads the summary; their inbox offers to write the reaction.
    client.force_login(participant.user)
    sessions = client.get(reverse("sessions", kwargs={"org": "acme"})).content.decode()
    assert "Post the reaction" in sessions
    summary = client.get(detail).content.decode()
    assert "Anna is ready" in summary and "Worth discussing" in summary
    inbox = client.get(reverse("inbox", kwargs={"org": "acme"}) + "?state=all").content.decode()
    assert "Write your reaction" in inbox


def test_session_pages_are_scoped(client, coach, participant, colleague, put_in_inbox, org):
    entry = put_in_inbox(participant)
    session = session_start(coach=coach, participant=participant)
    detail = reverse("session_detail", kwargs={"org": "acme", "pk": session.pk})
    triage_url = reverse(
        "session_triage", kwargs={"org": "acme", "pk": session.pk, "qi": entry.queue_item_id}
    )
    other_coach = MembershipFactory(organisation=org, role=Role.COACH)
    for outsider in (colleague, other_coach):
        client.force_login(outsider.user)
        assert client.get(detail).status_code == 404
    assert client.post(triage_url, {"choice": "interesting"}).status_code == 404
    # The participant may read it but not decide in the coach's place.
    client.force_login(participant.user)
    assert client.get(detail).status_code == 200
    assert client.post(triage_url, {"choice": "interesting"}).status_code == 403
    # A coach cannot start a session with someone of another organisation.
    stranger = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(coach.user)
    start = reverse("session_start", kwargs={"org": "acme", "participant": stranger.pk})
    assert client.post(start).status_code == 404
    assert not Triage.objects.exists()


def test_participants_page_shows_progress_in_constant_queries(
    client, coach, org, put_in_inbox, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            member = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
            entry = put_in_inbox(member)
            put_in_inbox(member)
            TriageFactory(queue_item=entry.queue_item, membership=member)
            ReactionFactory(membership=member, queue_item=entry.queue_item, status="posted")
            Milestone.objects.create(membership=member, kind=MilestoneKind.FIRST_REACTION)

    client.force_login(coach.user)
    url = reverse("coach_participants", kwargs={"org": "acme"})
    add(2)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    add(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    page = response.content.decode()
    assert page.count("data-participant=") == 17
    assert page.count("first reaction posted") == 17
    assert "1 posted · 0 in progress" in page
    assert "Review together" in page


def test_participants_overview_counts(participant, colleague, put_in_inbox, coach):
    decided = put_in_inbox(participant)
    put_in_inbox(participant)
    put_in_inbox(participant)
    triage_record(membership=participant, queue_item=decided.queue_item, verdict="interesting")
    ReactionFactory(membership=participant, queue_item=decided.queue_item, status="draft")
    ReactionFactory(membership=participant, queue_item=None, status="posted")
    ReactionFactory(membership=participant, queue_item=None, status="abandoned")
    session_end(session=session_start(coach=coach, participant=participant))

    rows = {m.pk: m for m in participants_overview(participant.organisation)}
    anna, sanne = rows[participant.pk], rows[colleague.pk]
    assert (anna.inbox_count, anna.triaged_count, anna.posted_count, anna.drafts_count) == (
        2,
        1,
        1,
        1,
    )
    assert anna.last_activity_at is not None
    assert [m.kind for m in anna.milestone_list] == [MilestoneKind.FIRST_SESSION]
    assert (sanne.inbox_count, sanne.triaged_count, sanne.last_activity_at) == (0, 0, None)
