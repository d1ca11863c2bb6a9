"""Reacting without fear: drafting, coach feedback, posting, the celebration, setting aside,
and who may see a draft."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from coaching.models import (
    Activity,
    ActivityKind,
    Feedback,
    Milestone,
    MilestoneKind,
    Reaction,
    ReactionRevision,
    ReactionStatus,
)
from coaching.reaction_selectors import coach_memberships_of, feedback_queue_for
from coaching.reactions import (
    feedback_give,
    reaction_abandon,
    reaction_mark_posted,
    reaction_request_feedback,
    reaction_revise,
    reaction_start,
)
from coaching.records import CoachingError
from onboarding.models import Role
from tests.factories import (
    MembershipFactory,
    PolicyFactory,
    ReactionFactory,
    ReactionRevisionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reaction(participant, put_in_inbox):
    entry = put_in_inbox(participant)
    return reaction_start(membership=participant, queue_item=entry.queue_item)


def detail(reaction, org="acme"):
    return reverse("reaction_detail", kwargs={"org": org, "pk": reaction.pk})


# --- services ---------------------------------------------------------------------------------


def test_reaction_start_reuses_the_draft_in_progress(participant, reaction):
    again = reaction_start(membership=participant, queue_item=reaction.queue_item)
    assert again.pk == reaction.pk
    reaction_abandon(reaction=reaction)
    fresh = reaction_start(membership=participant, queue_item=reaction.queue_item)
    assert fresh.pk != reaction.pk


def test_reaction_start_is_for_participants_and_their_organisation(coach, reaction):
    with pytest.raises(CoachingError):
        reaction_start(membership=coach, queue_item=reaction.queue_item)
    outsider = MembershipFactory(role=Role.PARTICIPANT)
    with pytest.raises(CoachingError):
        reaction_start(membership=outsider, queue_item=reaction.queue_item)


def test_every_save_keeps_a_revision(reaction):
    first = reaction_revise(reaction=reaction, body="First try")
    same = reaction_revise(reaction=reaction, body="First try  ")
    second = reaction_revise(reaction=reaction, body="Second try", channel="x")
    assert first.number == 1 and same.pk == first.pk and second.number == 2
    assert list(reaction.revisions.values_list("body", flat=True)) == ["First try", "Second try"]
    reaction.refresh_from_db()
    assert reaction.channel == "x"


def test_feedback_round_trip(reaction, coach):
    reaction_revise(reaction=reaction, body="Great article!")
    with pytest.raises(CoachingError):
        feedback_give(reaction=reaction, coach=coach, body="", verdict="changes")
    reaction_request_feedback(reaction=reaction)
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.AWAITING_FEEDBACK

    feedback = feedback_give(
        reaction=reaction, coach=coach, body="Add what you saw in your team.", verdict="changes"
    )
    assert feedback.revision.number == 1
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.CHANGES_REQUESTED

    reaction_revise(reaction=reaction, body="Great article! We saw the same in our team.")
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.DRAFT
    reaction_request_feedback(reaction=reaction)
    approved = feedback_give(reaction=reaction, coach=coach, body="", verdict="approved")
    assert approved.revision.number == 2
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.READY
    assert Feedback.objects.filter(reaction=reaction).count() == 2


def test_feedback_needs_text_first_and_a_coach_of_the_organisation(reaction, coach, colleague):
    with pytest.raises(CoachingError):
        reaction_request_feedback(reaction=reaction)
    reaction_revise(reaction=reaction, body="Hello")
    reaction_request_feedback(reaction=reaction)
    for not_a_coach in (colleague, MembershipFactory(role=Role.COACH)):
        with pytest.raises(CoachingError):
            feedback_give(reaction=reaction, coach=not_a_coach, body="ok", verdict="approved")


def test_first_posted_reaction_is_a_milestone_and_tells_the_coaches(
    django_capture_on_commit_callbacks, reaction, coach, participant, org
):
    other_coach = MembershipFactory(organisation=org, role=Role.COACH, user__first_name="Otto")
    MembershipFactory(role=Role.COACH)  # a coach elsewhere hears nothing
    reaction_revise(reaction=reaction, body="My reaction")
    with django_capture_on_commit_callbacks(execute=True):
        result = reaction_mark_posted(
            reaction=reaction, url="https://www.linkedin.com/feed/update/123"
        )
    assert result.first
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.POSTED and reaction.posted_at is not None
    milestone = Milestone.objects.get(membership=participant, kind=MilestoneKind.FIRST_REACTION)
    assert milestone.url == "https://www.linkedin.com/feed/update/123"
    assert Activity.objects.filter(
        membership=participant, kind=ActivityKind.REACTION_POSTED, channel="linkedin"
    ).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coach.user.email, other_coach.user.email]
    )
    assert "Anna posted their first reaction" in mail.outbox[0].subject
    assert "https://www.linkedin.com/feed/update/123" in mail.outbox[0].body


def test_second_posted_reaction_is_not_a_first(
    django_capture_on_commit_callbacks, reaction, participant, put_in_inbox, coach
):
    reaction_mark_posted(reaction=reaction, url="https://example.org/1")
    mail.outbox.clear()
    entry = put_in_inbox(participant, title="Another")
    second = reaction_start(membership=participant, queue_item=entry.queue_item)
    with django_capture_on_commit_callbacks(execute=True):
        result = reaction_mark_posted(reaction=second, url="https://example.org/2")
    assert not result.first
    assert mail.outbox == []
    assert Milestone.objects.filter(membership=participant).count() == 1
    # Marking again only corrects the address.
    again = reaction_mark_posted(reaction=second, url="https://example.org/2b")
    assert not again.first
    assert Activity.objects.filter(kind=ActivityKind.REACTION_POSTED).count() == 2


@pytest.mark.parametrize("url", ["", "linkedin", "javascript:alert(1)", "ftp://example.org/x"])
def test_posted_url_must_be_http(reaction, url):
    with pytest.raises(CoachingError):
        reaction_mark_posted(reaction=reaction, url=url)
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.DRAFT


def test_abandon_is_recorded_and_final(reaction):
    reaction_revise(reaction=reaction, body="Maybe not")
    reaction_abandon(reaction=reaction)
    reaction_abandon(reaction=reaction)
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.ABANDONED
    assert ReactionRevision.objects.filter(reaction=reaction).count() == 1
    with pytest.raises(CoachingError):
        reaction_revise(reaction=reaction, body="again")
    with pytest.raises(CoachingError):
        reaction_mark_posted(reaction=reaction, url="https://example.org/")


# --- pages ------------------------------------------------------------------------------------


def test_composer_shows_starters_and_policy_tips(client, participant, reaction, org):
    PolicyFactory(
        organisation=org,
        title="Our guidelines",
        body="## Be yourself\n\n- Write in your own words.\n- Second point.\n\n## Be open\n\n"
        "- Say that you work here.",
    )
    PolicyFactory(organisation=org, title="Unpublished", published_at=None, body="- Draft tip")
    client.force_login(participant.user)
    page = client.get(detail(reaction)).content.decode()
    for starter in (
        "Add your own experience",
        "Ask a question",
        "Add a resource",
        "Agree and extend",
        "Respectfully disagree",
    ):
        assert starter in page
    assert "Write in your own words." in page and "Say that you work here." in page
    assert "Second point." not in page and "Draft tip" not in page
    assert f'href="{reverse("policy", kwargs={"org": "acme"})}"' in page
    assert 'name="channel"' in page and '<option value="linkedin" selected>' in page


def test_composer_starters_in_dutch(client, participant, reaction):
    participant.user.language = "nl"
    participant.user.save()
    client.force_login(participant.user)
    page = client.get(detail(reaction)).content.decode()
    assert "Stel een vraag" in page
    assert "Voeg je eigen ervaring toe" in page


def test_composer_save_and_ask_for_feedback(client, participant, reaction):
    client.force_login(participant.user)
    response = client.post(
        detail(reaction), {"channel": "linkedin", "body": "First", "action": "save"}
    )
    assert response.status_code == 302
    response = client.post(
        detail(reaction), {"channel": "linkedin", "body": "Second", "action": "ask"}
    )
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.AWAITING_FEEDBACK
    assert [r.body for r in reaction.revisions.all()] == ["First", "Second"]
    page = client.get(detail(reaction)).content.decode()
    assert "Version 2" in page and "Version 1" in page


def test_coach_gives_feedback_through_the_page(client, participant, coach, reaction):
    reaction_revise(reaction=reaction, body="Draft text")
    reaction_request_feedback(reaction=reaction)
    client.force_login(coach.user)
    queue = client.get(reverse("feedback_queue", kwargs={"org": "acme"})).content.decode()
    assert "Draft text" in queue and detail(reaction) in queue
    page = client.get(detail(reaction)).content.decode()
    assert "Anna's reaction" in page and "Draft text" in page
    url = reverse("reaction_feedback", kwargs={"org": "acme", "pk": reaction.pk})
    response = client.post(url, {"body": "Mention your team.", "verdict": "changes"})
    assert response.status_code == 302
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.CHANGES_REQUESTED
    client.force_login(participant.user)
    assert "Mention your team." in client.get(detail(reaction)).content.decode()


def test_posting_through_the_page_celebrates_the_first(client, participant, reaction):
    reaction_revise(reaction=reaction, body="Done")
    client.force_login(participant.user)
    url = reverse("reaction_posted", kwargs={"org": "acme", "pk": reaction.pk})
    response = client.post(url, {"url": "https://www.linkedin.com/feed/update/1"})
    celebrate = reverse("reaction_celebrate", kwargs={"org": "acme", "pk": reaction.pk})
    assert response.status_code == 302 and response.url == celebrate
    page = client.get(celebrate).content.decode()
    assert 'data-testid="celebration"' in page and "first one is the hardest" in page
    assert 'class="confetti"' in page


def test_posting_with_a_bad_address_says_why(client, participant, reaction):
    client.force_login(participant.user)
    url = reverse("reaction_posted", kwargs={"org": "acme", "pk": reaction.pk})
    client.post(url, {"url": "not an address"})
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.DRAFT
    assert "Enter a valid URL." in client.get(detail(reaction)).content.decode()


def test_setting_aside_through_the_page(client, participant, reaction):
    client.force_login(participant.user)
    url = reverse("reaction_abandon", kwargs={"org": "acme", "pk": reaction.pk})
    response = client.post(url, follow=True)
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.ABANDONED
    assert "Not every item needs a reaction" in response.content.decode()


def test_my_reactions_page(client, participant, reaction):
    reaction_revise(reaction=reaction, body="Visible text")
    client.force_login(participant.user)
    page = client.get(reverse("reactions", kwargs={"org": "acme"})).content.decode()
    assert "Visible text" in page and detail(reaction) in page


# --- privacy ----------------------------------------------------------------------------------


def test_drafts_are_private_to_the_participant_and_their_coaches(
    client, participant, colleague, coach, reaction, org
):
    ReactionRevisionFactory(reaction=reaction, number=1, body="Secret draft")
    manager = MembershipFactory(organisation=org, role=Role.MANAGER)
    admin = MembershipFactory(organisation=org, role=Role.ADMIN)
    other_coach = MembershipFactory(role=Role.COACH)
    # The other coach also belongs to this organisation, but as a participant.
    other_coach_here = MembershipFactory(
        organisation=org, role=Role.PARTICIPANT, user=other_coach.user
    )
    assert other_coach_here

    def status(member, org_slug="acme"):
        client.force_login(member.user)
        return client.get(detail(reaction, org_slug)).status_code

    assert status(participant) == 200
    assert status(coach) == 200
    assert status(colleague) == 404
    assert status(manager) == 404
    assert status(admin) == 404
    assert status(other_coach) == 404  # as participant here: not their draft
    assert status(other_coach, other_coach.organisation.slug) == 404  # their own organisation


def test_only_the_author_writes_and_only_a_coach_gives_feedback(
    client, participant, coach, colleague, reaction
):
    reaction_revise(reaction=reaction, body="Mine")
    reaction_request_feedback(reaction=reaction)
    client.force_login(coach.user)
    assert client.post(detail(reaction), {"channel": "x", "body": "hijack"}).status_code == 403
    posted = reverse("reaction_posted", kwargs={"org": "acme", "pk": reaction.pk})
    assert client.post(posted, {"url": "https://example.org/"}).status_code == 403
    client.force_login(colleague.user)
    feedback = reverse("reaction_feedback", kwargs={"org": "acme", "pk": reaction.pk})
    assert client.post(feedback, {"body": "x", "verdict": "approved"}).status_code == 403
    reaction.refresh_from_db()
    assert reaction.status == ReactionStatus.AWAITING_FEEDBACK
    assert [r.body for r in reaction.revisions.all()] == ["Mine"]


def test_feedback_queue_lists_drafts_of_every_organisation_the_coach_coaches(
    client, coach, participant, reaction
):
    reaction_revise(reaction=reaction, body="Here")
    reaction_request_feedback(reaction=reaction)
    second = MembershipFactory(role=Role.COACH, user=coach.user)
    there = MembershipFactory(
        organisation=second.organisation, role=Role.PARTICIPANT, user__first_name="Liam"
    )
    elsewhere = ReactionFactory(membership=there, queue_item=None)
    ReactionRevisionFactory(reaction=elsewhere, number=1, body="There")
    reaction_request_feedback(reaction=elsewhere)
    not_mine = ReactionFactory(membership__role=Role.PARTICIPANT, queue_item=None)
    ReactionRevisionFactory(reaction=not_mine, number=1, body="Not yours")
    reaction_request_feedback(reaction=not_mine)

    reactions = feedback_queue_for(coach_memberships_of(coach.user_id))
    assert {r.pk for r in reactions} == {reaction.pk, elsewhere.pk}


def test_feedback_queue_query_count_is_constant(client, coach, org, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            member = MembershipFactory(organisation=org, role=Role.PARTICIPANT)
            r = ReactionFactory(membership=member, queue_item=None)
            ReactionRevisionFactory(reaction=r, number=1, body=f"Draft {i}")
            reaction_request_feedback(reaction=r)

    client.force_login(coach.user)
    url = reverse("feedback_queue", kwargs={"org": "acme"})
    add(2)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Draft ") >= 22
    assert Reaction.objects.filter(status=ReactionStatus.AWAITING_FEEDBACK).count() == 22
