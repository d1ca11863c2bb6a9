"""Pages of the onboarding app: home routing, people and invitations, account settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onboarding import selectors, services
from onboarding.access import org_view, organisations_for, roles_in
from onboarding.forms import InvitationForm, LanguageForm, RegistrationForm
from onboarding.models import Membership, Role, User
from onboarding.services import InvitationError

# The page each role lands on; the views live in the app that owns the page.
ROLE_HOME = {
    Role.PARTICIPANT: "inbox",
    Role.COACH: "coach_participants",
    Role.MANAGER: "dashboard",
    Role.ADMIN: "people",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the organisation they used last, or the only/first one they belong to."""
    organisations = organisations_for(request.user)
    if not organisations:
        return render(request, "onboarding/no_organisation.html")
    current = request.session.get("current_org")
    chosen = next((o for o in organisations if o.slug == current), organisations[0])
    return redirect("org_home", org=chosen.slug)


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = organisations_for(request.user)
    roles = roles_in(request.user, organisations)
    rows = [(o, sorted(Role(r).label for r in roles.get(o.pk, ()))) for o in organisations]
    return render(request, "onboarding/organisation_list.html", {"rows": rows})


@org_view()
def org_home(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    if access.primary_role == Role.PARTICIPANT and not selectors.intake_is_complete(
        access.primary_membership
    ):
        # First things first: a participant starts with the short getting-started checklist.
        return redirect("intake", org=access.organisation.slug)
    return redirect(ROLE_HOME[access.primary_role], org=access.organisation.slug)


@org_view(Role.ADMIN, Role.COACH, Role.MANAGER)
def people(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    members = (
        Membership.objects.active()
        .filter(organisation=access.organisation)
        .select_related("user", "department", "invited_by__user")
        .order_by("role", "user__first_name", "user__email")
    )
    pending = access.organisation.invitations.filter(accepted_at__isnull=True).select_related(
        "invited_by__user"
    )
    return render(
        request,
        "onboarding/people.html",
        {
            "members": members,
            "pending": pending,
            "can_invite": bool(services.roles_invitable_by(access.memberships)),
        },
    )


@org_view()
def invite(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    roles = services.roles_invitable_by(access.memberships)
    if not roles:
        raise PermissionDenied
    form = InvitationForm(request.POST or None, organisation=access.organisation, roles=roles)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        inviter = next(
            m for m in access.memberships if role in services.INVITABLE_ROLES.get(m.role, ())
        )
        try:
            services.invitation_create(
                organisation=access.organisation,
                email=form.cleaned_data["email"],
                role=role,
                invited_by=inviter,
                department=form.cleaned_data["department"],
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("invite", org=access.organisation.slug)
    return render(request, "onboarding/invite.html", {"form": form})


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation: register a new account, or accept with the account already held."""
    try:
        invitation = services.invitation_by_token(token)
    except InvitationError as exc:
        return render(
            request, "onboarding/invitation_invalid.html", {"reason": str(exc)}, status=410
        )

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(invitation=invitation, user=request.user)
            except InvitationError as exc:
                return render(
                    request, "onboarding/invitation_invalid.html", {"reason": str(exc)}, status=410
                )
            messages.success(
                request,
                _("Welcome to %(organisation)s!") % {"organisation": membership.organisation.name},
            )
            return redirect("org_home", org=membership.organisation.slug)
        return render(request, "onboarding/invitation_confirm.html", {"invitation": invitation})

    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("login") + "?next=" + request.path
        return render(
            request,
            "onboarding/invitation_login.html",
            {"invitation": invitation, "login_url": login_url},
        )

    form = RegistrationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user, membership = services.account_register(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except InvitationError as exc:
            return render(
                request, "onboarding/invitation_invalid.html", {"reason": str(exc)}, status=410
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to %(organisation)s!") % {"organisation": membership.organisation.name},
        )
        return redirect("org_home", org=membership.organisation.slug)
    return render(
        request, "onboarding/invitation_register.html", {"invitation": invitation, "form": form}
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        services.user_set_language(user=request.user, language=form.cleaned_data["language"])
        messages.success(request, _("Your settings were saved."))
        return redirect("account")
    return render(request, "onboarding/account.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: stored on the account, or in a cookie when logged out."""
    from django.views.i18n import set_language as django_set_language

    if request.user.is_authenticated:
        language = request.POST.get("language", "")
        try:
            services.user_set_language(user=request.user, language=language)
        except ValidationError:
            messages.error(request, _("Unknown language."))
    return django_set_language(request)
