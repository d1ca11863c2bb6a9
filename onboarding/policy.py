"""State changes of the social media policy: drafting, publishing, acknowledging.

An organisation has at most one draft at a time: the next version number, edited by a coach or
an admin. Publishing (admins only) makes it the current version; a published version never
changes again, so a participant's acknowledgement always refers to the text they read. A newer
publication asks every participant to acknowledge again (see
``selectors.policy_to_acknowledge``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onboarding.models import Membership, Organisation, Policy, PolicyAcknowledgement, Role

EDITOR_ROLES = frozenset({Role.COACH, Role.ADMIN})


def _check_actor(actor: Membership, organisation: Organisation, roles: frozenset[str]) -> None:
    if actor.organisation_id != organisation.pk or actor.role not in roles:
        raise PermissionDenied


@transaction.atomic
def policy_draft_save(
    *, organisation: Organisation, actor: Membership, title: str, body: str
) -> Policy:
    """Save ``title`` and ``body`` as the organisation's draft, creating the draft (numbered
    after the newest version) when there is none.

    Raises PermissionDenied unless ``actor`` is a coach or admin there, ValidationError when
    the title or the text is empty. Two editors saving at once end up with one draft: the
    organisation row is locked while the draft is found or created.
    """
    _check_actor(actor, organisation, EDITOR_ROLES)
    title, body = title.strip(), body.strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the policy a title.")
    if not body:
        errors["body"] = _("The policy has no text yet.")
    if errors:
        raise ValidationError(errors)
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    draft = (
        Policy.objects.filter(organisation=organisation, published_at__isnull=True)
        .order_by("-version")
        .first()
    )
    if draft is None:
        newest = Policy.objects.filter(organisation=organisation).aggregate(v=Max("version"))["v"]
        draft = Policy(organisation=organisation, version=(newest or 0) + 1)
    draft.title = title
    draft.body = body
    draft.save()
    return draft


@transaction.atomic
def policy_draft_discard(*, policy: Policy, actor: Membership) -> None:
    """Throw the draft away. Raises ValidationError for a published version (those stay)."""
    _check_actor(actor, policy.organisation, EDITOR_ROLES)
    locked = Policy.objects.select_for_update().get(pk=policy.pk)
    if locked.published_at is not None:
        raise ValidationError(_("A published version cannot be removed."))
    locked.delete()


@transaction.atomic
def policy_publish(*, policy: Policy, actor: Membership) -> Policy:
    """Publish the draft: from now on it is the current version, and it never changes again.

    Raises PermissionDenied unless ``actor`` is an admin of the policy's organisation.
    Publishing a version that is already published changes nothing and returns it.
    """
    _check_actor(actor, policy.organisation, frozenset({Role.ADMIN}))
    locked = Policy.objects.select_for_update().get(pk=policy.pk)
    if locked.published_at is not None:
        return locked
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.save(update_fields=["published_at", "published_by"])
    return locked


@transaction.atomic
def policy_acknowledge(*, membership: Membership, policy: Policy) -> PolicyAcknowledgement:
    """Record that ``membership`` read this published version. Idempotent: acknowledging again
    returns the first acknowledgement. Raises ValidationError for a draft and PermissionDenied
    for another organisation's policy."""
    if policy.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if policy.published_at is None:
        raise ValidationError(_("This version has not been published yet."))
    acknowledgement, _created = PolicyAcknowledgement.objects.get_or_create(
        membership=membership, policy=policy
    )
    return acknowledgement
