"""Roles and organisation scoping: a member of A gets 404 on B's pages."""

import pytest
from django.urls import reverse

from onboarding.models import Role
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ORG_PAGES = ["org_home", "inbox", "coach_participants", "dashboard", "people", "invite"]


@pytest.mark.parametrize("page", ORG_PAGES)
def test_member_of_a_gets_404_on_every_page_of_b(client, page):
    a, b = OrganisationFactory(), OrganisationFactory()
    for role in Role.values:
        MembershipFactory(organisation=b, role=role)
    everything = MembershipFactory(organisation=a, role=Role.COACH)
    for role in (Role.PARTICIPANT, Role.MANAGER, Role.ADMIN):
        MembershipFactory(organisation=a, role=role, user=everything.user)
    client.force_login(everything.user)
    assert client.get(reverse(page, kwargs={"org": a.slug})).status_code in {200, 302}
    assert client.get(reverse(page, kwargs={"org": b.slug})).status_code == 404


def test_unknown_organisation_is_404(client):
    member = MembershipFactory()
    client.force_login(member.user)
    assert client.get(reverse("org_home", kwargs={"org": "does-not-exist"})).status_code == 404


def test_anonymous_is_sent_to_login(client):
    org = OrganisationFactory()
    response = client.get(reverse("inbox", kwargs={"org": org.slug}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "home", "title"),
    [
        (Role.PARTICIPANT, "intake", "Getting started"),
        (Role.COACH, "coach_participants", "Participants"),
        (Role.MANAGER, "dashboard", "Adoption dashboard"),
        (Role.ADMIN, "people", "People"),
    ],
)
def test_each_role_lands_on_its_home(client, role, home, title):
    member = MembershipFactory(role=role)
    client.force_login(member.user)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(home, kwargs={"org": member.organisation.slug})
    assert title in response.content.decode()


def test_participant_navigation_shows_only_what_the_role_may_use(client):
    member = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(member.user)
    page = client.get(reverse("inbox", kwargs={"org": member.organisation.slug})).content.decode()
    assert 'data-nav="inbox"' in page
    assert 'data-nav="invite"' in page
    for hidden in ("participants", "dashboard", "people", "admin"):
        assert f'data-nav="{hidden}"' not in page


def test_manager_navigation(client):
    member = MembershipFactory(role=Role.MANAGER)
    client.force_login(member.user)
    page = client.get(
        reverse("dashboard", kwargs={"org": member.organisation.slug})
    ).content.decode()
    assert 'data-nav="dashboard"' in page
    assert 'data-nav="inbox"' not in page
    assert 'data-nav="participants"' not in page


@pytest.mark.parametrize("page", ["coach_participants", "dashboard", "people"])
def test_participant_is_refused_coach_and_manager_pages(client, page):
    member = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(member.user)
    assert client.get(reverse(page, kwargs={"org": member.organisation.slug})).status_code == 403


def test_manager_has_no_inbox(client):
    member = MembershipFactory(role=Role.MANAGER)
    client.force_login(member.user)
    assert client.get(reverse("inbox", kwargs={"org": member.organisation.slug})).status_code == 403


def test_coach_of_two_organisations_switches_between_them(client):
    first = MembershipFactory(role=Role.COACH, organisation__name="Alpha")
    second = MembershipFactory(role=Role.COACH, user=first.user, organisation__name="Beta")
    client.force_login(first.user)
    listing = client.get(reverse("organisation_list")).content.decode()
    assert "Alpha" in listing and "Beta" in listing
    client.get(reverse("org_home", kwargs={"org": second.organisation.slug}))
    response = client.get(reverse("home"))
    assert response.url == reverse("org_home", kwargs={"org": second.organisation.slug})


def test_user_without_organisation_sees_explanation(client, django_user_model):
    user = django_user_model.objects.create_user(email="lonely@example.org", password="x")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert "not part of an organisation yet" in response.content.decode()


def test_inactive_membership_gives_no_access(client):
    member = MembershipFactory(role=Role.COACH, is_active=False)
    client.force_login(member.user)
    assert (
        client.get(reverse("org_home", kwargs={"org": member.organisation.slug})).status_code == 404
    )


def test_organisation_language_is_the_fallback(client):
    member = MembershipFactory(role=Role.PARTICIPANT, organisation__language="nl")
    client.force_login(member.user)
    page = client.get(reverse("inbox", kwargs={"org": member.organisation.slug})).content.decode()
    assert '<html lang="nl">' in page


def test_users_own_language_wins(client):
    member = MembershipFactory(
        role=Role.PARTICIPANT, organisation__language="nl", user__language="en"
    )
    client.force_login(member.user)
    page = client.get(reverse("inbox", kwargs={"org": member.organisation.slug})).content.decode()
    assert '<html lang="en">' in page


def test_language_switch_is_stored_on_the_account(client):
    member = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(member.user)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    member.user.refresh_from_db()
    assert member.user.language == "nl"
