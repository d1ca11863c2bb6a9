"""Who may see what: every organisation page is reached through the acting user's memberships.

A user asking for an organisation they do not belong to gets a 404, exactly as if it did not
exist; a member lacking the role a page needs gets a 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from onboarding.models import Membership, Organisation, Role

# Which home a person lands on when they hold several roles in one organisation.
ROLE_PRIORITY = (Role.COACH, Role.MANAGER, Role.ADMIN, Role.PARTICIPANT)


@dataclass(frozen=True)
class OrgAccess:
    """The acting user's standing in one organisation."""

    organisation: Organisation
    memberships: tuple[Membership, ...]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def membership(self, role: str) -> Membership | None:
        return next((m for m in self.memberships if m.role == role), None)

    @property
    def primary_role(self) -> str:
        return next(role for role in ROLE_PRIORITY if role in self.roles)

    @property
    def primary_membership(self) -> Membership:
        membership = self.membership(self.primary_role)
        assert membership is not None  # primary_role comes from the memberships themselves
        return membership

    @property
    def is_participant(self) -> bool:
        return Role.PARTICIPANT in self.roles

    @property
    def is_coach(self) -> bool:
        return Role.COACH in self.roles

    @property
    def is_manager(self) -> bool:
        return Role.MANAGER in self.roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def can_coach(self) -> bool:
        """Coaches and admins guide participants and shape the organisation's strategy."""
        return self.has_role(Role.COACH, Role.ADMIN)


def org_access_for(user: Any, slug: str) -> OrgAccess:
    """The user's access to the organisation ``slug``; Http404 when they are not a member."""
    if not user.is_authenticated:
        raise Http404
    memberships = tuple(
        Membership.objects.active()
        .filter(user=user, organisation__slug=slug)
        .select_related("organisation", "department", "user")
    )
    if not memberships:
        raise Http404
    return OrgAccess(organisation=memberships[0].organisation, memberships=memberships)


def org_view(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view taking ``org`` (the slug) from the URL.

    The view receives ``request.org_access``; the organisation's language is used unless the
    user chose their own. With ``roles``, members holding none of them get a 403.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
            access = org_access_for(request.user, org)
            if roles and not access.has_role(*roles):
                raise PermissionDenied
            request.org_access = access  # type: ignore[attr-defined]
            if request.session.get("current_org") != access.organisation.slug:
                # Only on a change: writing the session on every page costs a database write.
                request.session["current_org"] = access.organisation.slug
            if not request.user.language:  # type: ignore[union-attr]
                translation.activate(access.organisation.language)
                request.LANGUAGE_CODE = access.organisation.language
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def organisations_for(user: Any) -> list[Organisation]:
    """The organisations the user belongs to, each once, by name."""
    return list(
        Organisation.objects.filter(memberships__user=user, memberships__is_active=True)
        .distinct()
        .order_by("name")
    )


def roles_in(user: Any, organisations: Iterable[Organisation]) -> dict[int, set[str]]:
    ids = [o.pk for o in organisations]
    result: dict[int, set[str]] = {}
    for org_id, role in (
        Membership.objects.active()
        .filter(user=user, organisation_id__in=ids)
        .values_list("organisation_id", "role")
    ):
        result.setdefault(org_id, set()).add(role)
    return result
