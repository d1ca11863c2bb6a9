"""The invitation flow, from the inviter's form to the new member's first page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from onboarding import services
from onboarding.models import Invitation, Membership, Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _link_from_mail() -> str:
    body = mail.outbox[-1].body
    return re.search(r"https?://\S+/invite/\S+/", body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_coach_invites_participant_end_to_end(client, django_capture_on_commit_callbacks):
    coach = MembershipFactory(role=Role.COACH)
    client.force_login(coach.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invite", kwargs={"org": coach.organisation.slug}),
            {"email": "New.Person@Example.org", "role": Role.PARTICIPANT},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    link = _link_from_mail()
    client.logout()

    page = client.get(_path(link))
    assert page.status_code == 200
    assert "new.person@example.org" in page.content.decode()
    response = client.post(
        _path(link),
        {
            "first_name": "Sanne",
            "last_name": "de Vries",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "intake", kwargs={"org": coach.organisation.slug}
    )
    membership = Membership.objects.get(user__email="new.person@example.org")
    assert membership.role == Role.PARTICIPANT
    assert membership.invited_by == coach
    assert Invitation.objects.get().accepted_membership == membership

    client.logout()
    reused = client.get(_path(link))
    assert reused.status_code == 410
    assert "already been used" in reused.content.decode()


def test_participant_invites_a_colleague_and_it_is_recorded(
    client, django_capture_on_commit_callbacks
):
    participant = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(participant.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("invite", kwargs={"org": participant.organisation.slug}),
            {"email": "colleague@example.org", "role": Role.PARTICIPANT},
        )
    invitation = Invitation.objects.get()
    assert invitation.invited_by == participant
    assert invitation.role == Role.PARTICIPANT


def test_participant_cannot_invite_a_manager(client):
    participant = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(participant.user)
    response = client.post(
        reverse("invite", kwargs={"org": participant.organisation.slug}),
        {"email": "boss@example.org", "role": Role.MANAGER},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=participant.organisation,
            email="boss@example.org",
            role=Role.MANAGER,
            invited_by=participant,
        )


def test_invalid_email_keeps_what_was_typed(client):
    coach = MembershipFactory(role=Role.COACH)
    client.force_login(coach.user)
    response = client.post(
        reverse("invite", kwargs={"org": coach.organisation.slug}),
        {"email": "not-an-address", "role": Role.PARTICIPANT},
    )
    page = response.content.decode()
    assert "Enter a valid email address" in page
    assert 'value="not-an-address"' in page


def test_existing_member_cannot_be_invited_twice():
    coach = MembershipFactory(role=Role.COACH)
    existing = MembershipFactory(organisation=coach.organisation, role=Role.PARTICIPANT)
    with pytest.raises(ValidationError):
        services.invitation_create(
            organisation=coach.organisation,
            email=existing.user.email.upper(),
            role=Role.PARTICIPANT,
            invited_by=coach,
        )


def test_expired_invitation_has_a_clear_message(client):
    coach = MembershipFactory(role=Role.COACH)
    _, token = services.invitation_create(
        organisation=coach.organisation,
        email="late@example.org",
        role=Role.PARTICIPANT,
        invited_by=coach,
    )
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(reverse("invitation_accept", kwargs={"token": token}))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user__email="late@example.org").exists()


def test_unknown_token_has_a_clear_message(client):
    response = client.get(reverse("invitation_accept", kwargs={"token": "nope"}))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_existing_user_accepts_after_logging_in(client):
    coach = MembershipFactory(role=Role.COACH)
    other_org_member = MembershipFactory(role=Role.COACH)
    _, token = services.invitation_create(
        organisation=coach.organisation,
        email=other_org_member.user.email,
        role=Role.COACH,
        invited_by=coach,
    )
    url = reverse("invitation_accept", kwargs={"token": token})
    page = client.get(url).content.decode()
    assert "Log in to accept" in page
    client.force_login(other_org_member.user)
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=other_org_member.user, organisation=coach.organisation, role=Role.COACH
    ).exists()


def test_invitation_for_someone_else_is_refused(client):
    coach = MembershipFactory(role=Role.COACH)
    _, token = services.invitation_create(
        organisation=coach.organisation,
        email="right@example.org",
        role=Role.PARTICIPANT,
        invited_by=coach,
    )
    client.force_login(UserFactory(email="wrong@example.org"))
    response = client.post(reverse("invitation_accept", kwargs={"token": token}))
    assert response.status_code == 410
    assert "right@example.org" in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_weak_password_is_refused_and_name_kept(client):
    coach = MembershipFactory(role=Role.COACH)
    _, token = services.invitation_create(
        organisation=coach.organisation,
        email="weak@example.org",
        role=Role.PARTICIPANT,
        invited_by=coach,
    )
    response = client.post(
        reverse("invitation_accept", kwargs={"token": token}),
        {"first_name": "Piet", "last_name": "", "password1": "123", "password2": "123"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "too short" in page
    assert 'value="Piet"' in page
    assert not Membership.objects.filter(user__email="weak@example.org").exists()


def test_only_a_hash_of_the_token_is_stored():
    coach = MembershipFactory(role=Role.COACH)
    invitation, token = services.invitation_create(
        organisation=coach.organisation,
        email="x@example.org",
        role=Role.PARTICIPANT,
        invited_by=coach,
    )
    assert token not in invitation.token_hash
    assert services.invitation_by_token(token) == invitation
