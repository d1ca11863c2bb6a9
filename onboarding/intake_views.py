"""Pages of a participant's first steps ("Getting started") and their progress page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onboarding import intake as services
from onboarding import selectors
from onboarding.access import org_view
from onboarding.channel_tips import tips_for
from onboarding.intake_forms import (
    ConfidenceForm,
    PersonalGoalsForm,
    ProfileFormSet,
    TopicsOfInterestForm,
)
from onboarding.models import Channel, ConfidenceCheck, Intake, Membership, ProfileStatus, Role
from onboarding.policy_templates import blocks
from onboarding.strategy_views import add_form_errors

STEPS = selectors.INTAKE_STEPS


def _participant(request: HttpRequest) -> Membership:
    membership = request.org_access.membership(Role.PARTICIPANT)
    assert membership is not None  # org_view(Role.PARTICIPANT) let the request in
    return membership


def _step_url(membership: Membership, step: str) -> str:
    return reverse("intake_step", kwargs={"org": membership.organisation.slug, "step": step})


@org_view(Role.PARTICIPANT)
def intake(request: HttpRequest) -> HttpResponse:
    membership = _participant(request)
    progress = selectors.intake_progress(membership)
    steps = [(state, _step_url(membership, state.step)) for state in progress.steps]
    next_url = _step_url(membership, progress.next_step) if progress.next_step else ""
    return render(
        request,
        "onboarding/intake/overview.html",
        {"progress": progress, "steps": steps, "next_url": next_url},
    )


def _after_save(
    request: HttpRequest, membership: Membership, before: Intake | None
) -> HttpResponse:
    """On to the next step still to do; back to the checklist when stopping or when done."""
    progress = selectors.intake_progress(membership)
    slug = membership.organisation.slug
    if progress.next_step is None:
        if before is not None and before.completed_at is not None:
            messages.success(request, _("Saved."))
        else:
            messages.success(request, _("All done. Welcome aboard!"))
        return redirect("intake", org=slug)
    if request.POST.get("go") == "stop":
        messages.success(request, _("Saved. Come back whenever you like; we'll keep your place."))
        return redirect("intake", org=slug)
    messages.success(
        request,
        _("Saved. %(done)s of %(total)s done.") % {"done": progress.done, "total": progress.total},
    )
    return redirect(_step_url(membership, progress.next_step))


@org_view(Role.PARTICIPANT)
def intake_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    membership = _participant(request)
    intake = selectors.intake_for(membership)
    handler = {
        Intake.Step.GOALS: _goals_step,
        Intake.Step.TOPICS: _topics_step,
        Intake.Step.CHANNELS: _channels_step,
        Intake.Step.POLICY: _policy_step,
        Intake.Step.CONFIDENCE: _confidence_step,
    }[step]
    result = handler(request, membership, intake)
    if isinstance(result, HttpResponse):
        return result
    progress = selectors.intake_progress(membership)
    index = STEPS.index(step)
    context = {
        "step": step,
        "step_label": Intake.Step(step).label,
        "step_number": index + 1,
        "progress": progress,
        "steps": [(state, _step_url(membership, state.step)) for state in progress.steps],
        "previous_url": _step_url(membership, STEPS[index - 1]) if index else "",
        **result,
    }
    status = 422 if context.get("invalid") else 200
    return render(request, f"onboarding/intake/step_{step}.html", context, status=status)


StepResult = HttpResponse | dict[str, Any]


def _goals_step(request: HttpRequest, membership: Membership, intake: Intake | None) -> StepResult:
    initial = {"personal_goals": intake.personal_goals if intake else ""}
    form = PersonalGoalsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_goals_save(
                membership=membership, personal_goals=form.cleaned_data["personal_goals"]
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            return _after_save(request, membership, intake)
    return {"form": form, "invalid": bool(form.errors)}


def _topics_step(request: HttpRequest, membership: Membership, intake: Intake | None) -> StepResult:
    topics = selectors.topics_for(membership.organisation)
    initial = {"topics": list(intake.topics.all()) if intake else []}
    form = TopicsOfInterestForm(
        request.POST if request.method == "POST" else None, topics=topics, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_topics_save(
                membership=membership, topics=list(form.cleaned_data["topics"])
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            return _after_save(request, membership, intake)
    return {
        "form": form,
        "has_topics": bool(form.fields["topics"].queryset),
        "invalid": bool(form.errors),
    }


def _channel_order(membership: Membership) -> tuple[list[str], set[str]]:
    """Channels the organisation uses first (they are recommended), then the others."""
    strategy = selectors.strategy_for(membership.organisation)
    recommended = [c for c in (strategy.channels if strategy else []) if c in Channel.values]
    rest = [c for c in Channel.values if c not in recommended]
    return recommended + rest, set(recommended)


def _channels_step(
    request: HttpRequest, membership: Membership, intake: Intake | None
) -> StepResult:
    order, recommended = _channel_order(membership)
    errors: list[str] = []
    profiles = {p.channel: p for p in selectors.profiles_of(membership)}
    initial = [
        {
            "channel": channel,
            "use": channel in profiles,
            "url": profiles[channel].url if channel in profiles else "",
            "status": profiles[channel].status if channel in profiles else ProfileStatus.PLANNED,
        }
        for channel in order
    ]
    if request.method == "POST":
        formset = ProfileFormSet(request.POST, prefix="channels")
        if formset.is_valid():
            rows = [
                services.ProfileRow(channel=r["channel"], url=r["url"], status=r["status"])
                for r in formset.chosen()
            ]
            try:
                services.intake_channels_save(membership=membership, profiles=rows)
            except ValidationError as exc:
                errors = exc.messages
            else:
                return _after_save(request, membership, intake)
    else:
        formset = ProfileFormSet(initial=initial, prefix="channels")
    rows = [
        {
            "form": form,
            "channel": form["channel"].value(),
            "recommended": form["channel"].value() in recommended,
            "tips": tips_for(form["channel"].value()),
        }
        for form in formset.forms
    ]
    invalid = bool(errors) or (formset.is_bound and not formset.is_valid())
    return {"formset": formset, "rows": rows, "errors": errors, "invalid": invalid}


def _policy_step(request: HttpRequest, membership: Membership, intake: Intake | None) -> StepResult:
    if request.method == "POST":
        services.intake_policy_acknowledge(membership=membership)
        return _after_save(request, membership, intake)
    current = selectors.current_policy(membership.organisation)
    return {"policy": current, "blocks": blocks(current.body) if current else []}


def _confidence_step(
    request: HttpRequest, membership: Membership, intake: Intake | None
) -> StepResult:
    form = ConfidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_confidence_save(membership=membership, score=form.cleaned_data["score"])
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            return _after_save(request, membership, intake)
    return {"form": form, "invalid": bool(form.errors)}


CHART_WIDTH, CHART_HEIGHT = 420, 160
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 36, 16, 14, 30


def confidence_chart(checks: list[ConfidenceCheck]) -> dict[str, Any] | None:
    """Coordinates for a small server-rendered SVG line chart of the checks, oldest first."""
    if not checks:
        return None
    inner_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    inner_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM

    def y_of(score: int) -> float:
        return round(CHART_TOP + (5 - score) * inner_h / 4, 1)

    step = inner_w / (len(checks) - 1) if len(checks) > 1 else 0
    dots = []
    for i, check in enumerate(checks):
        x = round(CHART_LEFT + (i * step if len(checks) > 1 else inner_w / 2), 1)
        dots.append(
            {
                "x": x,
                "y": y_of(check.score),
                "score": check.score,
                "date": formats.date_format(timezone.localtime(check.taken_at), "j M Y"),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "grid": [{"score": s, "y": y_of(s)} for s in range(5, 0, -1)],
        "first": dots[0],
        "last": dots[-1],
        "label_y": CHART_HEIGHT - 8,
    }


def _progress_context(membership: Membership, form: ConfidenceForm) -> dict[str, Any]:
    checks = selectors.confidence_history(membership)
    intake = selectors.intake_for(membership)
    return {
        "form": form,
        "checks": list(reversed(checks)),
        "chart": confidence_chart(checks),
        "first_score": checks[0].score if checks else None,
        "last_score": checks[-1].score if checks else None,
        "intake": intake,
        "progress": selectors.intake_progress(membership),
        "profiles": selectors.profiles_of(membership),
        "policy_to_read": selectors.policy_to_acknowledge(membership),
    }


@org_view(Role.PARTICIPANT)
def my_progress(request: HttpRequest) -> HttpResponse:
    membership = _participant(request)
    return render(
        request,
        "onboarding/intake/progress.html",
        _progress_context(membership, ConfidenceForm()),
    )


@org_view(Role.PARTICIPANT)
@require_POST
def confidence_check(request: HttpRequest) -> HttpResponse:
    membership = _participant(request)
    form = ConfidenceForm(request.POST)
    if form.is_valid():
        try:
            check = services.confidence_record(
                membership=membership, score=form.cleaned_data["score"]
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you! Noted: %(score)s out of 5 today.") % {"score": check.score},
            )
            return redirect("my_progress", org=membership.organisation.slug)
    return render(
        request,
        "onboarding/intake/progress.html",
        _progress_context(membership, form),
        status=422,
    )
