"""Communities and "Log what I did".

Coaches and admins keep the organisation's list of communities and suggest them to
participants; participants say when they joined, looked in or left, and log what they did
online, with the address. Communities are reached through the acting organisation and logged
actions through the acting participant: anybody else's is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching import communities as services
from coaching import community_selectors as selectors
from coaching.community_forms import ActionForm, CommunityForm, SuggestForm
from coaching.models import Community, MilestoneKind
from coaching.participant_selectors import participants_of
from onboarding.access import OrgAccess, org_view
from onboarding.models import Membership, Role

MANAGERS = (Role.COACH, Role.ADMIN)


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _add_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal next to the field it is about, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _acting_coach(access: OrgAccess) -> Membership | None:
    return access.membership(Role.COACH) or access.membership(Role.ADMIN)


def _participant(request: HttpRequest) -> Membership:
    membership = request.org_access.membership(Role.PARTICIPANT)
    assert membership is not None  # org_view(Role.PARTICIPANT) let the request in
    return membership


def _to_list(request: HttpRequest) -> HttpResponse:
    return redirect("communities", org=request.org_access.organisation.slug)


def _to_mine(request: HttpRequest) -> HttpResponse:
    return redirect("my_communities", org=request.org_access.organisation.slug)


# --------------------------------------------------------------------------------------------
# Coaches and admins


@org_view(*MANAGERS)
def communities(request: HttpRequest) -> HttpResponse:
    organisation = request.org_access.organisation
    return render(
        request,
        "coaching/communities.html",
        {"communities": selectors.communities_of(organisation)},
    )


def _community_form_page(
    request: HttpRequest, form: CommunityForm, community: Community | None
) -> HttpResponse:
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "coaching/community_form.html",
        {"form": form, "community": community},
        status=status,
    )


def _community_fields(form: CommunityForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "url": data["url"],
        "channel": data["channel"],
        "description": data["description"],
        "topics": list(data["topics"]),
    }


@org_view(*MANAGERS)
def community_add(request: HttpRequest) -> HttpResponse:
    organisation = request.org_access.organisation
    form = CommunityForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(
                organisation=organisation, **_community_fields(form)
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("“%(name)s” is on the list. Who would you suggest it to?")
                % {"name": community.name},
            )
            return redirect("community_suggest", org=organisation.slug, pk=community.pk)
    return _community_form_page(request, form, None)


@org_view(*MANAGERS)
def community_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.org_access.organisation
    community = selectors.community_for(organisation, pk)
    form = CommunityForm(_posted(request), organisation=organisation, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(community=community, **_community_fields(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _to_list(request)
    return _community_form_page(request, form, community)


@org_view(*MANAGERS)
def community_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes."""
    community = selectors.community_for(request.org_access.organisation, pk)
    if request.method == "POST":
        services.community_remove(community=community)
        messages.success(request, _("“%(name)s” is off the list.") % {"name": community.name})
        return _to_list(request)
    return render(request, "coaching/community_remove.html", {"community": community})


@org_view(*MANAGERS)
def community_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    access = request.org_access
    community = selectors.community_for(access.organisation, pk)
    form = SuggestForm(_posted(request), participants=participants_of(access.organisation))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.community_suggest(
                community=community,
                participants=form.cleaned_data["participants"],
                suggested_by=_acting_coach(access),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if result.suggested:
                messages.success(
                    request,
                    _("Suggested “%(name)s” to %(people)s.")
                    % {
                        "name": community.name,
                        "people": ", ".join(m.user.display_name for m in result.suggested),
                    },
                )
            if result.skipped:
                messages.info(
                    request,
                    _("Already suggested or joined: %(people)s.")
                    % {"people": ", ".join(m.user.display_name for m in result.skipped)},
                )
            return _to_list(request)
    return render(
        request,
        "coaching/community_suggest.html",
        {
            "community": community,
            "form": form,
            "targets": selectors.suggestion_targets(community),
            "chosen": {str(v) for v in form["participants"].value() or []},
        },
        status=422 if form.errors else 200,
    )


# --------------------------------------------------------------------------------------------
# Participants


@org_view(Role.PARTICIPANT)
def my_communities(request: HttpRequest) -> HttpResponse:
    mine = selectors.my_communities(_participant(request))
    return render(
        request,
        "coaching/communities_mine.html",
        {"mine": mine, "nudge_days": selectors.VISIT_NUDGE_DAYS},
    )


@require_POST
@org_view(Role.PARTICIPANT)
def community_join(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _participant(request)
    community = selectors.community_for(request.org_access.organisation, pk)
    try:
        result = services.community_join(membership=membership, community=community)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_mine(request)
    if result.first:
        return redirect(
            "milestone_celebrate",
            org=request.org_access.organisation.slug,
            kind=MilestoneKind.FIRST_COMMUNITY,
        )
    if result.joined:
        messages.success(
            request,
            _("You joined “%(name)s”. Look in now and then; reading along counts too.")
            % {"name": community.name},
        )
    return _to_mine(request)


@require_POST
@org_view(Role.PARTICIPANT)
def community_visit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _participant(request)
    community = selectors.community_for(request.org_access.organisation, pk)
    try:
        recorded = services.community_visit(membership=membership, community=community)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_mine(request)
    if recorded:
        messages.success(
            request,
            _("Noted: you looked in “%(name)s” today. Did you reply or share something there?")
            % {"name": community.name},
        )
    else:
        messages.info(request, _("Today's visit was already noted."))
    return _to_mine(request)


@require_POST
@org_view(Role.PARTICIPANT)
def community_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _participant(request)
    community = selectors.community_for(request.org_access.organisation, pk)
    try:
        services.community_leave(membership=membership, community=community)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(
            request,
            _("“%(name)s” is off your list. Not every group is a good fit, and that's fine.")
            % {"name": community.name},
        )
    return _to_mine(request)


@org_view(Role.PARTICIPANT)
def logged_actions(request: HttpRequest) -> HttpResponse:
    """The form to log what one did online, and the recent entries below it."""
    membership = _participant(request)
    slug = request.org_access.organisation.slug
    form = ActionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.action_log(
                membership=membership, kind=data["kind"], url=data["url"], channel=data["channel"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if result.milestone is not None:
                return redirect("milestone_celebrate", org=slug, kind=result.milestone.kind)
            if result.created:
                messages.success(request, _("Logged. Every step counts; well done!"))
            else:
                messages.info(request, _("You had logged this one already."))
            return redirect("logged_actions", org=slug)
    return render(
        request,
        "coaching/actions.html",
        {"form": form, "actions": selectors.logged_actions_of(membership)},
        status=422 if form.errors else 200,
    )


@require_POST
@org_view(Role.PARTICIPANT)
def logged_action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _participant(request)
    activity = selectors.logged_action_for(membership, pk)
    services.action_delete(membership=membership, activity=activity)
    messages.info(request, _("Deleted."))
    return redirect("logged_actions", org=request.org_access.organisation.slug)


@org_view(Role.PARTICIPANT)
def milestone_celebrate(request: HttpRequest, kind: str) -> HttpResponse:
    milestone = selectors.milestone_for(_participant(request), kind)
    return render(request, "coaching/actions_celebrate.html", {"milestone": milestone})
