"""Pages of the social media policy: read it, write the next version, publish, acknowledge."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onboarding import policy as services
from onboarding import selectors
from onboarding.access import org_view
from onboarding.models import Policy, PolicyAcknowledgement, Role
from onboarding.policy_forms import PolicyForm
from onboarding.policy_templates import TEMPLATES, blocks, policy_template
from onboarding.strategy_views import add_form_errors

EDITORS = (Role.COACH, Role.ADMIN)


def _editor(request: HttpRequest):
    access = request.org_access
    return access.membership(Role.ADMIN) or access.membership(Role.COACH)


def _read_context(request: HttpRequest, shown: Policy | None) -> dict:
    access = request.org_access
    organisation = access.organisation
    current = selectors.current_policy(organisation)
    participant = access.membership(Role.PARTICIPANT)
    acknowledgement = None
    if participant is not None and shown is not None:
        acknowledgement = PolicyAcknowledgement.objects.filter(
            membership=participant, policy=shown
        ).first()
    return {
        "policy": shown,
        "current": current,
        "blocks": blocks(shown.body) if shown else [],
        "is_current": shown is not None and current is not None and shown.pk == current.pk,
        "versions": selectors.policy_versions(organisation),
        "draft": selectors.policy_draft(organisation) if access.can_coach else None,
        "can_edit": access.can_coach,
        "can_publish": access.is_admin,
        "can_acknowledge": participant is not None,
        "acknowledgement": acknowledgement,
    }


@org_view()
def policy(request: HttpRequest) -> HttpResponse:
    current = selectors.current_policy(request.org_access.organisation)
    return render(request, "onboarding/policy/detail.html", _read_context(request, current))


@org_view()
def policy_version(request: HttpRequest, version: int) -> HttpResponse:
    shown = selectors.policy_version(request.org_access.organisation, version)
    return render(request, "onboarding/policy/detail.html", _read_context(request, shown))


@org_view(*EDITORS)
def policy_edit(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    organisation = access.organisation
    draft = selectors.policy_draft(organisation)
    current = selectors.current_policy(organisation)
    action = request.POST.get("action", "save")
    loaded_template = None
    if request.method == "POST" and action == "template":
        loaded_template = policy_template(
            request.POST.get("language", organisation.language), organisation_name=organisation.name
        )
        form = PolicyForm(initial={"title": loaded_template.title, "body": loaded_template.body})
    elif request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                draft = services.policy_draft_save(
                    organisation=organisation,
                    actor=_editor(request),
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                if action == "publish" and access.is_admin:
                    published = services.policy_publish(
                        policy=draft, actor=access.membership(Role.ADMIN)
                    )
                    messages.success(
                        request,
                        _(
                            "Version %(version)s is published. Participants will be asked to "
                            "read it."
                        )
                        % {"version": published.version},
                    )
                    return redirect("policy", org=organisation.slug)
                messages.success(request, _("Draft saved. Nobody sees it until it is published."))
                return redirect("policy_edit", org=organisation.slug)
    else:
        source = draft or current
        if source is None:
            start = policy_template(organisation.language, organisation_name=organisation.name)
            initial = {"title": start.title, "body": start.body}
        else:
            initial = {"title": source.title, "body": source.body}
        form = PolicyForm(initial=initial)
    context = {
        "form": form,
        "draft": draft,
        "current": current,
        "next_version": draft.version if draft else (current.version + 1 if current else 1),
        "templates": [(code, name) for code, name in settings.LANGUAGES if code in TEMPLATES],
        "loaded_template": loaded_template,
        "can_publish": access.is_admin,
    }
    return render(
        request, "onboarding/policy/edit.html", context, status=422 if form.errors else 200
    )


@org_view(*EDITORS)
@require_POST
def policy_discard(request: HttpRequest) -> HttpResponse:
    organisation = request.org_access.organisation
    draft = selectors.policy_draft(organisation)
    if draft is not None:
        services.policy_draft_discard(policy=draft, actor=_editor(request))
        messages.success(request, _("The draft was thrown away."))
    return redirect("policy", org=organisation.slug)


@org_view(Role.ADMIN)
@require_POST
def policy_publish(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    draft = selectors.policy_draft(access.organisation)
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
    else:
        services.policy_publish(policy=draft, actor=access.membership(Role.ADMIN))
        messages.success(
            request,
            _("Version %(version)s is published. Participants will be asked to read it.")
            % {"version": draft.version},
        )
    return redirect("policy", org=access.organisation.slug)


@org_view(Role.PARTICIPANT)
@require_POST
def policy_acknowledge(request: HttpRequest) -> HttpResponse:
    """Acknowledge the version the participant read (its number is posted, so a version
    published in the meantime is not acknowledged unseen)."""
    access = request.org_access
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    shown = selectors.policy_version(access.organisation, version)
    services.policy_acknowledge(membership=access.membership(Role.PARTICIPANT), policy=shown)
    messages.success(request, _("Thank you for reading the policy."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("policy", org=access.organisation.slug)
