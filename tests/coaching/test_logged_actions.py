"""Log what I did: recording online actions with their address, the milestones they reach,
deleting mistakes, who may see what, and how the ladder picks them up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import communities as services
from coaching import ladder
from coaching.models import Activity, ActivityKind, Milestone, MilestoneKind
from coaching.records import CoachingError
from onboarding.models import Membership, Role
from tests.factories import ActivityFactory, IntakeFactory, MembershipFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

REPLY = "https://www.linkedin.com/feed/update/urn:li:activity:1/"
BLOG = "https://blog.example.org/2026/first-post"


def url(name, org="acme", **kwargs):
    return reverse(name, kwargs={"org": org, **kwargs})


def log(membership, kind=ActivityKind.DISCUSSION_REPLIED, address=REPLY, **kwargs):
    return services.action_log(membership=membership, kind=kind, url=address, **kwargs)


# --- services ---------------------------------------------------------------------------------


def test_a_first_reply_reaches_the_first_reply_milestone_once(participant):
    moment = timezone.now()
    first = log(participant, now=moment)
    assert first.created
    assert (first.activity.kind, first.activity.url, first.activity.channel) == (
        ActivityKind.DISCUSSION_REPLIED,
        REPLY,
        "linkedin",
    )
    assert first.milestone is not None
    assert (first.milestone.kind, first.milestone.url, first.milestone.achieved_at) == (
        MilestoneKind.FIRST_REPLY,
        REPLY,
        moment,
    )
    second = log(participant, address=REPLY + "?reply=2")
    assert second.created and second.milestone is None
    assert Milestone.objects.filter(membership=participant).count() == 1
    assert Activity.objects.filter(membership=participant).count() == 2


def test_logging_the_same_thing_twice_records_it_once(participant):
    first = log(participant)
    again = log(participant)
    assert not again.created and again.milestone is None
    assert again.activity.pk == first.activity.pk
    assert Activity.objects.filter(membership=participant).count() == 1
    # The same address as another kind is another action (a reply that shares a news item).
    assert log(participant, kind=ActivityKind.NEWS_SHARED).created


@pytest.mark.parametrize(
    ("kind", "milestone"),
    [
        (ActivityKind.DISCUSSION_STARTED, MilestoneKind.FIRST_DISCUSSION),
        (ActivityKind.BLOG_PUBLISHED, MilestoneKind.FIRST_OWN_CONTENT),
        (ActivityKind.NEWSLETTER_CONTRIBUTED, MilestoneKind.FIRST_OWN_CONTENT),
        (ActivityKind.NEWS_SHARED, None),
        (ActivityKind.STATUS_UPDATE, None),
    ],
)
def test_each_kind_reaches_its_milestone(participant, kind, milestone):
    result = log(participant, kind=kind, address=BLOG, channel="blog")
    assert result.activity.kind == kind and result.activity.channel == "blog"
    assert (result.milestone.kind if result.milestone else None) == milestone
    assert list(Milestone.objects.values_list("kind", flat=True)) == (
        [milestone] if milestone else []
    )


def test_a_newsletter_after_a_blog_post_is_not_a_first_again(participant):
    log(participant, kind=ActivityKind.BLOG_PUBLISHED, address=BLOG)
    later = log(participant, kind=ActivityKind.NEWSLETTER_CONTRIBUTED, address=BLOG + "/nl")
    assert later.created and later.milestone is None
    assert Milestone.objects.get().kind == MilestoneKind.FIRST_OWN_CONTENT


def test_an_address_without_scheme_gets_https(participant):
    result = log(participant, address="  www.linkedin.com/feed/update/1  ")
    assert result.activity.url == "https://www.linkedin.com/feed/update/1"


@pytest.mark.parametrize(
    "bad", ["", "   ", "not an address", "ftp://example.org/x", "javascript:alert(1)"]
)
def test_only_http_addresses_are_logged(participant, bad):
    with pytest.raises(CoachingError) as caught:
        log(participant, address=bad)
    assert "url" in caught.value.error_dict
    assert not Activity.objects.exists()


def test_only_participants_log_the_kinds_of_the_form(participant, coach):
    with pytest.raises(CoachingError):
        log(coach)
    with pytest.raises(CoachingError):
        log(participant, kind=ActivityKind.REACTION_POSTED)
    with pytest.raises(CoachingError):
        log(participant, channel="myspace")
    assert not Activity.objects.exists()


def test_deleting_the_only_reply_withdraws_its_milestone(participant):
    first = log(participant)
    services.action_delete(membership=participant, activity=first.activity)
    assert not Activity.objects.exists()
    assert not Milestone.objects.exists()
    # Deleting twice (a second tab) is harmless.
    services.action_delete(membership=participant, activity=first.activity)


def test_deleting_the_first_reply_moves_the_milestone_to_the_next(participant):
    start = timezone.now() - dt.timedelta(days=3)
    first = log(participant, now=start)
    second = log(participant, address=REPLY + "2", now=start + dt.timedelta(days=1))
    services.action_delete(membership=participant, activity=first.activity)
    milestone = Milestone.objects.get()
    assert (milestone.url, milestone.achieved_at) == (
        second.activity.url,
        second.activity.occurred_at,
    )
    # Deleting a later one leaves a milestone it did not reach alone.
    third = log(participant, address=REPLY + "3")
    services.action_delete(membership=participant, activity=third.activity)
    assert Milestone.objects.get().url == second.activity.url


def test_deleting_leaves_a_milestone_reached_before_logging_existed(participant):
    MilestoneFactory(membership=participant, kind=MilestoneKind.FIRST_REPLY, url="")
    result = log(participant)
    services.action_delete(membership=participant, activity=result.activity)
    assert Milestone.objects.filter(kind=MilestoneKind.FIRST_REPLY).exists()


def test_only_own_logged_actions_are_deleted(participant, colleague):
    theirs = log(colleague).activity
    with pytest.raises(CoachingError):
        services.action_delete(membership=participant, activity=theirs)
    posted = ActivityFactory(membership=participant, kind=ActivityKind.REACTION_POSTED)
    with pytest.raises(CoachingError):
        services.action_delete(membership=participant, activity=posted)
    assert Activity.objects.count() == 2


# --- the ladder -------------------------------------------------------------------------------


def test_the_ladder_picks_up_logged_actions(participant, colleague):
    log(participant)
    log(colleague, kind=ActivityKind.BLOG_PUBLISHED, address=BLOG)
    history = ladder.ladder_profiles(
        Membership.objects.filter(pk__in=[participant.pk, colleague.pk])
    )
    assert history.profile(participant.pk).headline == ladder.Rung.CRITICS
    assert history.profile(colleague.pk).headline == ladder.Rung.CREATORS
    assert ladder.Rung.CRITICS in history.profile(participant.pk).now


# --- pages ------------------------------------------------------------------------------------


def test_logging_a_first_reply_celebrates(client, participant):
    client.force_login(participant.user)
    page = client.get(url("logged_actions"))
    assert page.status_code == 200
    assert "I replied in a discussion" in page.content.decode()
    response = client.post(
        url("logged_actions"), {"kind": "discussion_replied", "url": REPLY, "channel": "linkedin"}
    )
    assert response.status_code == 302
    assert response.url == url("milestone_celebrate", kind="first_reply")
    activity = Activity.objects.get(membership=participant)
    assert (activity.kind, activity.url) == (ActivityKind.DISCUSSION_REPLIED, REPLY)
    celebration = client.get(response.url).content.decode()
    assert 'data-testid="celebration"' in celebration
    assert "You joined the conversation!" in celebration
    assert f'href="{REPLY}" target="_blank" rel="noopener noreferrer"' in celebration

    # The next reply is logged without a second celebration.
    response = client.post(
        url("logged_actions"),
        {"kind": "discussion_replied", "url": REPLY + "2", "channel": "linkedin"},
        follow=True,
    )
    assert response.redirect_chain == [(url("logged_actions"), 302)]
    assert "Logged." in response.content.decode()


def test_an_invalid_address_keeps_what_was_typed(client, participant):
    client.force_login(participant.user)
    response = client.post(
        url("logged_actions"),
        {"kind": "news_shared", "url": "linkedin dot com/my-post", "channel": "x"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="linkedin dot com/my-post"' in body
    assert 'value="news_shared" required id="id_kind_2" checked' in body
    assert '<option value="x" selected>X</option>' in body
    assert "Paste the full address of what you did" in body
    assert not Activity.objects.exists()


def test_the_list_shows_only_own_logged_actions(client, participant, colleague):
    log(participant, kind=ActivityKind.NEWS_SHARED, address="https://news.example.org/mine")
    log(colleague, kind=ActivityKind.NEWS_SHARED, address="https://news.example.org/theirs")
    ActivityFactory(membership=participant, kind=ActivityKind.ITEM_REVIEWED)
    client.force_login(participant.user)
    body = client.get(url("logged_actions")).content.decode()
    assert "https://news.example.org/mine" in body
    assert "theirs" not in body
    assert body.count("data-action=") == 1


def test_deleting_from_the_list(client, participant, colleague):
    mine = log(participant).activity
    theirs = log(colleague).activity
    posted = ActivityFactory(membership=participant, kind=ActivityKind.REACTION_POSTED)
    client.force_login(participant.user)
    assert client.post(url("logged_action_delete", pk=theirs.pk)).status_code == 404
    assert client.post(url("logged_action_delete", pk=posted.pk)).status_code == 404
    assert client.get(url("logged_action_delete", pk=mine.pk)).status_code == 405
    response = client.post(url("logged_action_delete", pk=mine.pk))
    assert response.status_code == 302 and response.url == url("logged_actions")
    assert set(Activity.objects.values_list("pk", flat=True)) == {theirs.pk, posted.pk}


def test_another_organisations_participant_cannot_reach_the_page(client, participant):
    log(participant)
    outsider = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(outsider.user)
    assert client.get(url("logged_actions")).status_code == 404
    assert client.post(url("logged_action_delete", pk=Activity.objects.get().pk)).status_code == 404


def test_coaches_do_not_log_actions(client, coach):
    client.force_login(coach.user)
    assert client.get(url("logged_actions")).status_code == 403
    response = client.post(
        url("logged_actions"), {"kind": "discussion_replied", "url": REPLY, "channel": "linkedin"}
    )
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_celebration_only_for_a_reached_milestone_of_ones_own(client, participant, colleague):
    log(colleague)
    client.force_login(participant.user)
    assert client.get(url("milestone_celebrate", kind="first_reply")).status_code == 404
    assert client.get(url("milestone_celebrate", kind="first_reaction")).status_code == 404
    assert client.get(url("milestone_celebrate", kind="nonsense")).status_code == 404


def test_the_coach_sees_the_new_milestones(client, participant, coach):
    log(participant)
    log(participant, kind=ActivityKind.BLOG_PUBLISHED, address=BLOG)
    client.force_login(coach.user)
    body = client.get(url("coach_participants")).content.decode()
    assert "first reply in a discussion" in body
    assert "first own content" in body


def test_progress_and_inbox_link_to_the_log(client, participant):
    IntakeFactory(membership=participant, complete=True)
    client.force_login(participant.user)
    target = f'href="{url("logged_actions")}" data-testid="log-action-link"'
    assert target in client.get(url("my_progress")).content.decode()
    assert target in client.get(url("inbox")).content.decode()


def test_logged_actions_page_query_count_is_constant(
    client, participant, django_assert_max_num_queries
):
    client.force_login(participant.user)
    client.get(url("logged_actions"))
    for i in range(3):
        log(participant, address=f"{REPLY}{i}")
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("logged_actions")).status_code == 200
    for i in range(3, 45):
        log(participant, kind=ActivityKind.STATUS_UPDATE, address=f"{REPLY}{i}")
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url("logged_actions"))
    assert response.content.decode().count("data-action=") == 45
    assert len(large.captured_queries) == len(small.captured_queries)
