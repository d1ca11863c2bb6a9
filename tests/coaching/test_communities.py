"""Communities: the coach's list and suggestions, the participant joining, visiting and
leaving, who may see and change what, and the pages' query counts."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from coaching import communities as services
from coaching import community_selectors as selectors
from coaching.models import (
    Activity,
    ActivityKind,
    Community,
    CommunityMembership,
    Milestone,
    MilestoneKind,
)
from coaching.records import CoachingError
from onboarding.models import Role
from tests.factories import (
    CommunityFactory,
    CommunityMembershipFactory,
    MembershipFactory,
    OrganisationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

Status = CommunityMembership.Status
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def community(org):
    return CommunityFactory(
        organisation=org,
        name="HR in de zorg",
        url="https://www.linkedin.com/groups/4242/",
        description="Recruiters in care talk about hiring here.",
    )


@pytest.fixture
def elsewhere():
    """A community of another organisation."""
    return CommunityFactory(organisation=OrganisationFactory(slug="other"), name="Not yours")


def url(name, org="acme", **kwargs):
    return reverse(name, kwargs={"org": org, **kwargs})


def activities(membership, kind):
    return Activity.objects.filter(membership=membership, kind=kind)


# --- the organisation's list ------------------------------------------------------------------


def test_community_create_adds_https_and_topics(org, topic):
    community = services.community_create(
        organisation=org,
        name="  Zorgprofessionals   Nederland ",
        url="www.linkedin.com/groups/1234/",
        description="Nurses swap experiences. ",
        topics=[topic],
    )
    community.refresh_from_db()
    assert community.name == "Zorgprofessionals Nederland"
    assert community.url == "https://www.linkedin.com/groups/1234/"
    assert community.channel == "linkedin"
    assert community.description == "Nurses swap experiences."
    assert list(community.topics.all()) == [topic]


@pytest.mark.parametrize(
    "bad", ["ftp://example.org/group", "javascript:alert(1)", "https://exa mple.org", "http://[::1"]
)
def test_community_create_refuses_addresses_that_are_not_http(org, bad):
    with pytest.raises(CoachingError) as caught:
        services.community_create(organisation=org, name="Group", url=bad)
    assert "url" in caught.value.error_dict
    assert not Community.objects.exists()


def test_community_create_refuses_a_missing_name_a_duplicate_and_foreign_topics(org, community):
    with pytest.raises(CoachingError):
        services.community_create(organisation=org, name="  ", url="https://example.org/g")
    with pytest.raises(CoachingError) as caught:
        services.community_create(organisation=org, name="Again", url=community.url.upper())
    assert "url" in caught.value.error_dict
    with pytest.raises(CoachingError) as caught:
        services.community_create(organisation=org, name="hr IN de zorg")
    assert "name" in caught.value.error_dict
    foreign = TopicFactory(organisation=OrganisationFactory(slug="other"), name="Theirs")
    with pytest.raises(CoachingError):
        services.community_create(organisation=org, name="Topical", topics=[foreign])
    assert Community.objects.count() == 1
    # The same address in another organisation is that organisation's own business.
    other = OrganisationFactory(slug="other")
    assert services.community_create(organisation=other, name="Same", url=community.url)


def test_community_update_keeps_its_own_address_and_members(org, community, participant):
    CommunityMembershipFactory(community=community, membership=participant, status=Status.JOINED)
    services.community_update(
        community=community,
        name="HR in de zorg (NL)",
        url=community.url,
        channel="linkedin",
        description="Changed.",
        topics=[],
    )
    community.refresh_from_db()
    assert community.name == "HR in de zorg (NL)"
    assert community.members.get().status == Status.JOINED
    other = CommunityFactory(organisation=org, url="https://example.org/other")
    with pytest.raises(CoachingError):
        services.community_update(
            community=other,
            name="x",
            url=community.url,
            channel="linkedin",
            description="",
            topics=[],
        )


def test_community_remove_keeps_the_history(community, participant):
    services.community_join(membership=participant, community=community)
    services.community_remove(community=community)
    assert not Community.objects.exists()
    assert not CommunityMembership.objects.exists()
    assert activities(participant, ActivityKind.COMMUNITY_JOINED).count() == 1


# --- suggestions ------------------------------------------------------------------------------


def test_community_suggest_once_per_participant(community, participant, colleague, coach):
    result = services.community_suggest(
        community=community, participants=[participant, colleague], suggested_by=coach
    )
    assert result.suggested == [participant, colleague]
    rows = CommunityMembership.objects.filter(community=community)
    assert {(r.membership_id, r.status, r.suggested_by_id) for r in rows} == {
        (participant.pk, Status.SUGGESTED, coach.pk),
        (colleague.pk, Status.SUGGESTED, coach.pk),
    }
    again = services.community_suggest(
        community=community, participants=[participant, colleague], suggested_by=coach
    )
    assert again.suggested == [] and again.skipped == [participant, colleague]
    assert rows.count() == 2


def test_community_suggest_skips_members_and_renews_those_who_left(
    community, participant, colleague, coach
):
    CommunityMembershipFactory(community=community, membership=participant, status=Status.JOINED)
    CommunityMembershipFactory(community=community, membership=colleague, status=Status.LEFT)
    result = services.community_suggest(
        community=community, participants=[participant, colleague], suggested_by=coach
    )
    assert result.suggested == [colleague] and result.skipped == [participant]
    assert CommunityMembership.objects.get(membership=participant).status == Status.JOINED
    assert CommunityMembership.objects.get(membership=colleague).status == Status.SUGGESTED


def test_community_suggest_is_for_participants_of_the_organisation(community, coach, participant):
    outsider = MembershipFactory(role=Role.PARTICIPANT)
    for people in ([outsider], [coach]):
        with pytest.raises(CoachingError):
            services.community_suggest(community=community, participants=people, suggested_by=coach)
    foreign_coach = MembershipFactory(role=Role.COACH)
    with pytest.raises(CoachingError):
        services.community_suggest(
            community=community, participants=[participant], suggested_by=foreign_coach
        )
    assert not CommunityMembership.objects.exists()


# --- joining, visiting, leaving ---------------------------------------------------------------


def test_community_join_records_the_activity_and_the_first_milestone_once(
    org, community, participant
):
    CommunityMembershipFactory(community=community, membership=participant)
    moment = timezone.now()
    result = services.community_join(membership=participant, community=community, now=moment)
    assert result.joined and result.first
    standing = CommunityMembership.objects.get(membership=participant, community=community)
    assert (standing.status, standing.joined_at) == (Status.JOINED, moment)
    joined = activities(participant, ActivityKind.COMMUNITY_JOINED).get()
    assert (joined.url, joined.channel) == (community.url, "linkedin")
    milestone = Milestone.objects.get(membership=participant)
    assert (milestone.kind, milestone.url) == (MilestoneKind.FIRST_COMMUNITY, community.url)

    again = services.community_join(membership=participant, community=community)
    assert not again.joined and not again.first
    assert activities(participant, ActivityKind.COMMUNITY_JOINED).count() == 1

    # A second community, never suggested: joined, but the milestone was reached already.
    second = CommunityFactory(organisation=org)
    result = services.community_join(membership=participant, community=second)
    assert result.joined and not result.first
    assert activities(participant, ActivityKind.COMMUNITY_JOINED).count() == 2
    assert Milestone.objects.filter(membership=participant).count() == 1


def test_rejoining_after_leaving_counts_as_joining(community, participant):
    services.community_join(membership=participant, community=community)
    services.community_leave(membership=participant, community=community)
    result = services.community_join(membership=participant, community=community)
    assert result.joined and not result.first
    assert activities(participant, ActivityKind.COMMUNITY_JOINED).count() == 2


def test_only_participants_of_the_organisation_join(community, coach, elsewhere, participant):
    with pytest.raises(CoachingError):
        services.community_join(membership=coach, community=community)
    with pytest.raises(CoachingError):
        services.community_join(membership=participant, community=elsewhere)
    assert not CommunityMembership.objects.exists()


def test_community_visit_counts_once_per_local_day(community, participant):
    with pytest.raises(CoachingError):
        services.community_visit(membership=participant, community=community)
    services.community_join(membership=participant, community=community)
    evening = dt.datetime(2026, 3, 2, 23, 30, tzinfo=AMSTERDAM)
    assert services.community_visit(membership=participant, community=community, now=evening)
    later = evening + dt.timedelta(minutes=20)
    assert not services.community_visit(membership=participant, community=community, now=later)
    # 00:30 in Amsterdam is still the previous day in UTC, but a new day for the participant.
    after_midnight = dt.datetime(2026, 3, 3, 0, 30, tzinfo=AMSTERDAM)
    assert services.community_visit(membership=participant, community=community, now=after_midnight)
    visits = activities(participant, ActivityKind.COMMUNITY_VISITED)
    assert list(visits.order_by("occurred_at").values_list("occurred_at", flat=True)) == [
        evening,
        after_midnight,
    ]
    assert visits.first().url == community.url
    standing = CommunityMembership.objects.get(membership=participant)
    assert standing.last_visit_at == after_midnight


def test_community_leave(community, participant, colleague):
    with pytest.raises(CoachingError):
        services.community_leave(membership=participant, community=community)
    CommunityMembershipFactory(community=community, membership=participant)
    services.community_leave(membership=participant, community=community)
    services.community_leave(membership=participant, community=community)
    assert CommunityMembership.objects.get(membership=participant).status == Status.LEFT
    with pytest.raises(CoachingError):
        services.community_visit(membership=participant, community=community)


def test_my_communities_sorts_and_nudges(org, participant, colleague, coach):
    now = timezone.now()
    suggested = CommunityFactory(organisation=org, name="A suggested")
    quiet = CommunityFactory(organisation=org, name="B quiet")
    busy = CommunityFactory(organisation=org, name="C busy")
    fresh = CommunityFactory(organisation=org, name="D fresh")
    left = CommunityFactory(organisation=org, name="E left")
    other = CommunityFactory(organisation=org, name="F other")
    CommunityFactory(organisation=OrganisationFactory(slug="other"), name="G elsewhere")
    CommunityMembershipFactory(community=suggested, membership=participant, suggested_by=coach)
    CommunityMembershipFactory(
        community=quiet,
        membership=participant,
        status=Status.JOINED,
        joined_at=now - dt.timedelta(days=40),
        last_visit_at=now - dt.timedelta(days=15),
    )
    CommunityMembershipFactory(
        community=busy,
        membership=participant,
        status=Status.JOINED,
        joined_at=now - dt.timedelta(days=40),
        last_visit_at=now,
    )
    CommunityMembershipFactory(
        community=fresh, membership=participant, status=Status.JOINED, joined_at=now
    )
    CommunityMembershipFactory(community=left, membership=participant, status=Status.LEFT)
    CommunityMembershipFactory(community=other, membership=colleague, status=Status.JOINED)

    mine = selectors.my_communities(participant, now=now)
    assert [c.community for c in mine.suggested] == [suggested]
    assert [c.community for c in mine.joined] == [quiet, busy, fresh]
    assert [c.community for c in mine.others] == [left, other]
    assert [c.community for c in mine.nudges] == [quiet]
    assert [c.visited_today for c in mine.joined] == [False, True, False]


# --- the coach's pages ------------------------------------------------------------------------


def test_communities_page_lists_the_organisations_own(client, coach, community, elsewhere):
    CommunityMembershipFactory(community=community, status=Status.JOINED)
    CommunityMembershipFactory(community=community, status=Status.SUGGESTED)
    CommunityMembershipFactory(community=community, status=Status.SUGGESTED)
    client.force_login(coach.user)
    response = client.get(url("communities"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "HR in de zorg" in body and "Recruiters in care talk about hiring here." in body
    assert "2 suggested · 1 joined" in body
    assert "Not yours" not in body
    assert f'href="{community.url}" target="_blank" rel="noopener noreferrer"' in body


@pytest.mark.parametrize("name", ["communities", "community_add"])
def test_participants_and_managers_cannot_manage_communities(client, participant, org, name):
    manager = MembershipFactory(organisation=org, role=Role.MANAGER)
    for person in (participant, manager):
        client.force_login(person.user)
        assert client.get(url(name)).status_code == 403
    assert client.post(url("community_add"), {"name": "Sneaky"}).status_code == 403
    assert not Community.objects.exists()


def test_admins_manage_communities_too(client, org):
    admin = MembershipFactory(organisation=org, role=Role.ADMIN)
    client.force_login(admin.user)
    assert client.get(url("communities")).status_code == 200


def test_coach_adds_a_community(client, coach, topic):
    client.force_login(coach.user)
    response = client.post(
        url("community_add"),
        {
            "name": "Zorgprofessionals Nederland",
            "channel": "linkedin",
            "url": "https://www.linkedin.com/groups/1234/",
            "description": "Nurses swap experiences.",
            "topics": [topic.pk],
        },
    )
    community = Community.objects.get()
    assert response.status_code == 302
    assert response.url == url("community_suggest", pk=community.pk)
    assert community.organisation == coach.organisation
    assert list(community.topics.all()) == [topic]


def test_an_invalid_address_keeps_what_was_typed(client, coach):
    client.force_login(coach.user)
    response = client.post(
        url("community_add"),
        {"name": "Zorg", "channel": "linkedin", "url": "ftp://groups.example.org/zorg"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="ftp://groups.example.org/zorg"' in body
    assert 'value="Zorg"' in body
    assert "Paste the full address of the community" in body
    assert not Community.objects.exists()


def test_coach_edits_and_removes_a_community(client, coach, community):
    client.force_login(coach.user)
    page = client.get(url("community_edit", pk=community.pk))
    assert page.status_code == 200 and 'value="HR in de zorg"' in page.content.decode()
    response = client.post(
        url("community_edit", pk=community.pk),
        {"name": "HR & zorg", "channel": "linkedin", "url": community.url, "description": ""},
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.name == "HR & zorg"

    confirm = client.get(url("community_remove", pk=community.pk))
    assert confirm.status_code == 200 and "Remove “HR &amp; zorg”?" in confirm.content.decode()
    assert Community.objects.exists()
    assert client.post(url("community_remove", pk=community.pk)).status_code == 302
    assert not Community.objects.exists()


@pytest.mark.parametrize(
    "name", ["community_edit", "community_remove", "community_suggest", "community_join"]
)
def test_another_organisations_community_is_a_404(client, coach, participant, elsewhere, name):
    person = participant if name == "community_join" else coach
    client.force_login(person.user)
    assert client.post(url(name, pk=elsewhere.pk)).status_code == 404
    if name != "community_join":
        assert client.get(url(name, pk=elsewhere.pk)).status_code == 404
    assert Community.objects.get(pk=elsewhere.pk).name == "Not yours"
    assert not CommunityMembership.objects.exists()


def test_coach_suggests_a_community(client, coach, participant, colleague, community):
    CommunityMembershipFactory(community=community, membership=colleague, status=Status.JOINED)
    client.force_login(coach.user)
    page = client.get(url("community_suggest", pk=community.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Anna Smit" in body and "Sanne Bak" in body and "joined" in body
    response = client.post(
        url("community_suggest", pk=community.pk), {"participants": [participant.pk]}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("communities")
    assert "Suggested “HR in de zorg” to Anna." in response.content.decode()
    standing = CommunityMembership.objects.get(membership=participant)
    assert (standing.status, standing.suggested_by) == (Status.SUGGESTED, coach)


def test_suggesting_to_someone_outside_the_organisation_is_refused(
    client, coach, participant, community
):
    outsider = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(coach.user)
    response = client.post(
        url("community_suggest", pk=community.pk), {"participants": [outsider.pk]}
    )
    assert response.status_code == 422
    assert not CommunityMembership.objects.exists()
    empty = client.post(url("community_suggest", pk=community.pk), {})
    assert empty.status_code == 422
    assert "Choose at least one participant." in empty.content.decode()


# --- the participant's page -------------------------------------------------------------------


def test_my_communities_page_shows_suggestions_with_why_and_a_safe_link(
    client, participant, coach, community
):
    CommunityMembershipFactory(community=community, membership=participant, suggested_by=coach)
    client.force_login(participant.user)
    response = client.get(url("my_communities"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Recruiters in care talk about hiring here." in body
    assert "Suggested by Carla" in body
    assert f'href="{community.url}" target="_blank" rel="noopener noreferrer"' in body
    assert url("community_join", pk=community.pk) in body
    assert "I joined" in body and "Not for me" in body


def test_joining_celebrates_the_first_community(client, participant, community, org):
    CommunityMembershipFactory(community=community, membership=participant)
    client.force_login(participant.user)
    response = client.post(url("community_join", pk=community.pk))
    assert response.status_code == 302
    assert response.url == url("milestone_celebrate", kind="first_community")
    page = client.get(response.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="celebration"' in body and "You're in!" in body
    assert f'href="{community.url}" target="_blank" rel="noopener noreferrer"' in body
    # Clicking again (back button, second tab): no second activity, no second celebration.
    again = client.post(url("community_join", pk=community.pk))
    assert again.url == url("my_communities")
    second = CommunityFactory(organisation=org)
    assert client.post(url("community_join", pk=second.pk)).url == url("my_communities")
    assert activities(participant, ActivityKind.COMMUNITY_JOINED).count() == 2


def test_visit_and_leave_buttons(client, participant, community):
    services.community_join(membership=participant, community=community)
    client.force_login(participant.user)
    body = client.get(url("my_communities")).content.decode()
    assert "I visited today" in body and "Leave" in body
    for _ in range(2):
        assert client.post(url("community_visit", pk=community.pk)).status_code == 302
    assert activities(participant, ActivityKind.COMMUNITY_VISITED).count() == 1
    body = client.get(url("my_communities")).content.decode()
    assert 'data-testid="visited-today"' in body
    client.post(url("community_leave", pk=community.pk))
    assert CommunityMembership.objects.get(membership=participant).status == Status.LEFT


def test_a_quiet_community_gets_a_gentle_nudge(client, participant, community):
    long_ago = timezone.now() - dt.timedelta(days=selectors.VISIT_NUDGE_DAYS + 1)
    CommunityMembershipFactory(
        community=community, membership=participant, status=Status.JOINED, joined_at=long_ago
    )
    client.force_login(participant.user)
    body = client.get(url("my_communities")).content.decode()
    assert 'data-testid="visit-nudge"' in body and "HR in de zorg" in body
    client.post(url("community_visit", pk=community.pk))
    assert 'data-testid="visit-nudge"' not in client.get(url("my_communities")).content.decode()


def test_coaches_do_not_join_communities(client, coach, community):
    client.force_login(coach.user)
    assert client.get(url("my_communities")).status_code == 403
    assert client.post(url("community_join", pk=community.pk)).status_code == 403
    assert not CommunityMembership.objects.exists()


def test_navigation_leads_each_role_to_its_communities_page(client, participant, coach):
    client.force_login(participant.user)
    body = client.get(url("my_communities")).content.decode()
    assert f'href="{url("my_communities")}" data-nav="my-communities"' in body
    assert 'data-nav="communities"' not in body
    client.force_login(coach.user)
    body = client.get(url("communities")).content.decode()
    assert f'href="{url("communities")}" data-nav="communities"' in body
    assert 'data-nav="my-communities"' not in body


# --- query counts -----------------------------------------------------------------------------


def _fill_communities(org, participants, topics, n):
    for i in range(n):
        community = CommunityFactory(organisation=org)
        community.topics.set(topics)
        for j, person in enumerate(participants):
            CommunityMembershipFactory(
                community=community,
                membership=person,
                status=[Status.SUGGESTED, Status.JOINED, Status.LEFT][(i + j) % 3],
                joined_at=timezone.now(),
            )


def test_communities_page_query_count_is_constant(
    client, org, coach, participant, colleague, topic, django_assert_max_num_queries
):
    client.force_login(coach.user)
    client.get(url("communities"))
    topics = [topic, TopicFactory(organisation=org, name="Care")]
    _fill_communities(org, [participant, colleague], topics, 2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("communities")).status_code == 200
    _fill_communities(org, [participant, colleague], topics, 25)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url("communities"))
    assert response.content.decode().count("data-community=") == 27
    assert len(large.captured_queries) == len(small.captured_queries)


def test_my_communities_page_query_count_is_constant(
    client, org, coach, participant, topic, django_assert_max_num_queries
):
    client.force_login(participant.user)
    client.get(url("my_communities"))
    _fill_communities(org, [participant], [topic], 3)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("my_communities")).status_code == 200
    _fill_communities(org, [participant], [topic], 30)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url("my_communities"))
    assert response.content.decode().count("data-community=") == 33
    assert len(large.captured_queries) == len(small.captured_queries)


def test_suggest_page_query_count_is_constant(
    client, org, coach, community, django_assert_max_num_queries
):
    client.force_login(coach.user)
    client.get(url("communities"))
    for _ in range(2):
        MembershipFactory(organisation=org, role=Role.PARTICIPANT)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("community_suggest", pk=community.pk)).status_code == 200
    for _ in range(25):
        CommunityMembershipFactory(community=community)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url("community_suggest", pk=community.pk))
    assert response.content.decode().count('name="participants"') == 27


# --- demo data --------------------------------------------------------------------------------


def test_demo_suggests_linkedin_groups_once():
    from coaching.demo import seed_demo

    seed_demo()
    seed_demo()
    per_org = dict(
        Community.objects.order_by()
        .values("organisation__slug")
        .annotate(n=Count("pk"))
        .values_list("organisation__slug", "n")
    )
    assert per_org == {"zorggroep-de-linde": 3, "acme-energy": 2}
    assert set(Community.objects.values_list("channel", flat=True)) == {"linkedin"}
    assert all(c.url.startswith("https://www.linkedin.com/") for c in Community.objects.all())
    rows = CommunityMembership.objects.select_related("membership__user", "suggested_by")
    assert rows.count() == 7
    assert {r.status for r in rows} == {Status.SUGGESTED}
    assert all(r.suggested_by.role == Role.COACH for r in rows)
    assert {r.membership.user.email for r in rows} == {
        "anna@demo.springplank.test",
        "bram@demo.springplank.test",
        "sanne@demo.springplank.test",
        "liam@demo.springplank.test",
    }


def test_the_pages_speak_dutch_for_a_dutch_organisation(client, org, coach, participant, community):
    org.language = "nl"
    org.save()
    CommunityMembershipFactory(community=community, membership=participant, suggested_by=coach)
    client.force_login(coach.user)
    body = client.get(url("communities")).content.decode()
    assert "Community toevoegen" in body and "1 voorgesteld · 0 lid" in body
    client.force_login(participant.user)
    body = client.get(url("my_communities")).content.decode()
    assert "Voorgesteld door Carla" in body and "Ik ben lid geworden" in body
    assert "Vastleggen wat ik deed" in client.get(url("logged_actions")).content.decode()
