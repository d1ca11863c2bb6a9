"""State-changing operations of the onboarding app."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onboarding.models import Department, Invitation, Membership, Organisation, Role, User

# Who may invite whom. A participant may bring a colleague in as a participant: that is how
# the snowball grows.
INVITABLE_ROLES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.COACH: frozenset({Role.PARTICIPANT, Role.COACH, Role.MANAGER}),
    Role.MANAGER: frozenset({Role.PARTICIPANT}),
    Role.PARTICIPANT: frozenset({Role.PARTICIPANT}),
}


class InvitationError(Exception):
    """An invitation link that cannot be used; the message is shown to the visitor."""


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def roles_invitable_by(memberships: tuple[Membership, ...] | list[Membership]) -> list[str]:
    allowed: set[str] = set()
    for membership in memberships:
        allowed |= INVITABLE_ROLES.get(membership.role, frozenset())
    return [role for role in Role.values if role in allowed]


def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    invited_by: Membership,
    department: Department | None = None,
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``organisation`` as ``role`` and e-mail them the link.

    Returns the invitation and the raw token (only its hash is stored). Raises PermissionDenied
    when the inviter may not hand out that role, ValidationError when the person already holds
    it. The e-mail goes out after the transaction commits.
    """
    if invited_by.organisation_id != organisation.pk:
        raise PermissionDenied
    if role not in INVITABLE_ROLES.get(invited_by.role, frozenset()):
        raise PermissionDenied
    email = email.strip().lower()
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, role=role, is_active=True
    ).exists():
        raise ValidationError(
            _("%(email)s is already a %(role)s in %(organisation)s.")
            % {"email": email, "role": Role(role).label, "organisation": organisation.name}
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        department=department,
        invited_by=invited_by,
        token_hash=_hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=settings.SPRINGPLANK_INVITATION_DAYS),
    )
    transaction.on_commit(lambda: _send_invitation_email(invitation, token))
    return invitation, token


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})


def _send_invitation_email(invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by.user if invitation.invited_by else None
    with translation.override(invitation.organisation.language):
        context = {
            "invitation": invitation,
            "inviter": inviter,
            "url": invitation_url(token),
            "role": Role(invitation.role).label,
        }
        subject = _("You are invited to join %(organisation)s on Springplank") % {
            "organisation": invitation.organisation.name
        }
        body = render_to_string("onboarding/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitation_by_token(token: str) -> Invitation:
    """The usable invitation for ``token``; InvitationError says why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by__user")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you copied the whole link.")
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            _("This invitation has already been used. Log in to continue, or ask for a new one.")
        )
    if invitation.is_expired():
        raise InvitationError(
            _("This invitation has expired. Ask %(name)s for a new one.")
            % {"name": invitation.invited_by.user if invitation.invited_by else _("your coach")}
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Turn the invitation into a membership for ``user``.

    Safe against double submission: the invitation row is locked and a second acceptance raises
    InvitationError. The user must own the invited address.
    """
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if locked.is_expired():
        raise InvitationError(_("This invitation has expired."))
    if user.email.lower() != locked.email.lower():
        raise InvitationError(
            _("This invitation is for %(email)s. Log out and open the link again.")
            % {"email": locked.email}
        )
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation_id=locked.organisation_id,
        role=locked.role,
        defaults={"department": locked.department, "invited_by": locked.invited_by},
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    locked.accepted_at = timezone.now()
    locked.accepted_membership = membership
    locked.save(update_fields=["accepted_at", "accepted_membership"])
    return membership


@transaction.atomic
def account_register(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> tuple[User, Membership]:
    """Create the account for a newly invited address and accept the invitation with it."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(_("An account for this address exists already: log in to accept."))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
    except IntegrityError as exc:
        raise InvitationError(_("An account for this address exists already.")) from exc
    membership = invitation_accept(invitation=invitation, user=user)
    return user, membership


def user_set_language(*, user: User, language: str) -> None:
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])
