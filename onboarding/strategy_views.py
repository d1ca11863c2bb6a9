"""Pages of the organisation strategy: the summary, the six intake steps, topics and the live
check of their keywords. Coaches and admins edit; every member may read the summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onboarding import selectors
from onboarding import strategy as services
from onboarding.access import org_view
from onboarding.models import Channel, Organisation, Role, Strategy
from onboarding.strategy_forms import (
    STEP_INTROS,
    STEP_TITLES,
    AudienceFormSet,
    ChannelsForm,
    FollowFormSet,
    GoalFormSet,
    KeyMessageFormSet,
    RowFormSet,
    StrategySummaryForm,
    TopicForm,
)

EDITORS = (Role.COACH, Role.ADMIN)
STEPS = selectors.STRATEGY_STEPS
MAX_ROWS = 30


def add_form_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form, next to the field it is about when there is one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _step_url(organisation: Organisation, step: str) -> str:
    return reverse("strategy_step", kwargs={"org": organisation.slug, "step": step})


def _progress(strategy: Strategy | None, organisation: Organisation, current: str) -> list[dict]:
    topics = list(selectors.topics_for(organisation))
    filled = selectors.strategy_steps_filled(strategy, topics)
    return [
        {
            "step": step.value,
            "label": step.label,
            "number": number,
            "filled": filled[step.value],
            "current": step.value == current,
            "url": _step_url(organisation, step.value),
        }
        for number, step in enumerate(Strategy.Step, start=1)
    ]


def _after_save(request: HttpRequest, organisation: Organisation, step: str) -> HttpResponse:
    """Where the button pressed leads: back a step, to the summary, or on to the next step."""
    index = STEPS.index(step)
    go = request.POST.get("go", "next")
    if go == "stop":
        messages.success(request, _("Saved. You can pick up where you left off at any time."))
        return redirect("strategy_summary", org=organisation.slug)
    messages.success(request, _("Saved."))
    if go == "back" and index > 0:
        return redirect(_step_url(organisation, STEPS[index - 1]))
    return redirect(_step_url(organisation, STEPS[min(index + 1, len(STEPS) - 1)]))


def _with_extra_row(data: QueryDict, prefix: str) -> QueryDict:
    """The posted data with one more (empty) row, so "add another" keeps everything typed."""
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", "0"))
    except ValueError:
        return data
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, MAX_ROWS))
    return data


RowSaver = Callable[[Organisation, list[dict[str, Any]], dict[str, Any]], object]

ROW_STEPS: dict[str, tuple[type[RowFormSet], str, Callable[[Strategy], list[dict]], RowSaver]] = {
    Strategy.Step.GOALS: (
        GoalFormSet,
        "goals",
        lambda s: [{"description": g.description, "measure": g.measure} for g in s.goals.all()],
        lambda org, rows, extra: services.strategy_goals_update(
            organisation=org,
            goals=[services.GoalRow(r["description"], r["measure"]) for r in rows],
            summary=extra.get("summary", ""),
        ),
    ),
    Strategy.Step.AUDIENCES: (
        AudienceFormSet,
        "audiences",
        lambda s: [{"name": a.name, "description": a.description} for a in s.audiences.all()],
        lambda org, rows, extra: services.strategy_audiences_update(
            organisation=org,
            audiences=[services.AudienceRow(r["name"], r["description"]) for r in rows],
        ),
    ),
    Strategy.Step.MESSAGES: (
        KeyMessageFormSet,
        "messages",
        lambda s: [{"text": m.text} for m in s.key_messages.all()],
        lambda org, rows, extra: services.strategy_messages_update(
            organisation=org, messages=[r["text"] for r in rows]
        ),
    ),
    Strategy.Step.FOLLOW: (
        FollowFormSet,
        "follows",
        lambda s: [
            {"name": f.name, "url": f.url, "kind": f.kind, "note": f.note} for f in s.follows.all()
        ],
        lambda org, rows, extra: services.strategy_follows_update(
            organisation=org,
            follows=[services.FollowRow(r["name"], r["url"], r["kind"], r["note"]) for r in rows],
        ),
    ),
}


@org_view()
def strategy_summary(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    organisation = access.organisation
    strategy = selectors.strategy_for(organisation)
    topics = list(selectors.topics_for(organisation, include_paused=True))
    context = {
        "strategy": strategy,
        "topics": [(topic, selectors.query_check(topic.query)) for topic in topics],
        "can_edit": access.can_coach,
        "problems": selectors.strategy_approval_problems(organisation),
        "changed": selectors.strategy_changed_since_approval(strategy),
        "monitoring": selectors.monitoring_enabled(organisation),
        "resume_url": _step_url(organisation, selectors.strategy_resume_step(strategy)),
        "policy": selectors.current_policy(organisation),
        "progress": _progress(strategy, organisation, current=""),
        "channel_labels": [
            Channel(c).label for c in (strategy.channels if strategy else []) if c in Channel.values
        ],
    }
    return render(request, "onboarding/strategy/summary.html", context)


@org_view(*EDITORS)
def strategy_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    organisation = request.org_access.organisation
    strategy = selectors.strategy_for(organisation)
    if step == Strategy.Step.TOPICS:
        return _topics_step(request, organisation, strategy)
    if step == Strategy.Step.CHANNELS:
        return _channels_step(request, organisation, strategy)
    return _rows_step(request, organisation, strategy, step)


def _render_step(
    request: HttpRequest,
    organisation: Organisation,
    strategy: Strategy | None,
    step: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    index = STEPS.index(step)
    context |= {
        "step": step,
        "step_label": Strategy.Step(step).label,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "title": STEP_TITLES[step],
        "intro": STEP_INTROS[step],
        "progress": _progress(strategy, organisation, current=step),
        "previous_url": _step_url(organisation, STEPS[index - 1]) if index else "",
        "strategy": strategy,
    }
    template = f"onboarding/strategy/step_{step}.html"
    return render(request, template, context, status=status)


def _rows_step(
    request: HttpRequest, organisation: Organisation, strategy: Strategy | None, step: str
) -> HttpResponse:
    formset_class, prefix, initial, save = ROW_STEPS[step]
    summary_form = None
    if request.method != "POST":
        rows = initial(strategy) if strategy else []
        formset = formset_class(initial=rows, prefix=prefix)
        if step == Strategy.Step.GOALS:
            summary_form = StrategySummaryForm(
                initial={"summary": strategy.summary if strategy else ""}
            )
        return _render_step(
            request,
            organisation,
            strategy,
            step,
            {"formset": formset, "summary_form": summary_form},
        )

    adding = "add_row" in request.POST
    data = _with_extra_row(request.POST, prefix) if adding else request.POST
    formset = formset_class(data, prefix=prefix)
    if step == Strategy.Step.GOALS:
        summary_form = StrategySummaryForm(data)
    errors: list[str] = []
    if not adding:
        extra_valid = summary_form is None or summary_form.is_valid()
        if formset.is_valid() and extra_valid:
            extra = summary_form.cleaned_data if summary_form else {}
            try:
                save(organisation, formset.kept_rows(), extra)
            except ValidationError as exc:
                errors = exc.messages
            else:
                return _after_save(request, organisation, step)
        else:
            errors = [_("Some rows need a fix; they are marked below. Nothing was lost.")]
    context = {"formset": formset, "summary_form": summary_form, "errors": errors}
    return _render_step(
        request, organisation, strategy, step, context, status=422 if errors else 200
    )


def _channels_step(
    request: HttpRequest, organisation: Organisation, strategy: Strategy | None
) -> HttpResponse:
    initial = {"channels": strategy.channels if strategy else []}
    form = ChannelsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_channels_update(
                organisation=organisation, channels=form.cleaned_data["channels"]
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            return _after_save(request, organisation, Strategy.Step.CHANNELS)
    status = 422 if form.errors else 200
    return _render_step(
        request, organisation, strategy, Strategy.Step.CHANNELS, {"form": form}, status=status
    )


def _topic_form(request: HttpRequest, organisation: Organisation, **kwargs: Any) -> TopicForm:
    check_url = reverse("topic_check", kwargs={"org": organisation.slug})
    data = request.POST if request.method == "POST" else None
    return TopicForm(data, check_url=check_url, **kwargs)


def _topics_step(
    request: HttpRequest, organisation: Organisation, strategy: Strategy | None
) -> HttpResponse:
    form = _topic_form(request, organisation)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(
                organisation=organisation,
                name=form.cleaned_data["name"],
                query=form.cleaned_data["query"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Topic “%(name)s” added.") % {"name": topic.name})
            return redirect(_step_url(organisation, Strategy.Step.TOPICS))
    topics = selectors.topics_for(organisation, include_paused=True)
    context = {
        "form": form,
        "check": selectors.query_check(form["query"].value() or ""),
        "topics": [(topic, selectors.query_check(topic.query)) for topic in topics],
    }
    status = 422 if form.errors else 200
    return _render_step(
        request, organisation, strategy, Strategy.Step.TOPICS, context, status=status
    )


@org_view(*EDITORS)
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.org_access.organisation
    topic = selectors.topic_for(organisation, pk)
    form = _topic_form(request, organisation, topic=topic)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(
                topic=topic,
                name=form.cleaned_data["name"],
                query=form.cleaned_data["query"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Topic saved."))
            return redirect(_step_url(organisation, Strategy.Step.TOPICS))
    context = {
        "form": form,
        "topic": topic,
        "check": selectors.query_check(form["query"].value() or ""),
    }
    status = 422 if form.errors else 200
    return render(request, "onboarding/strategy/topic_edit.html", context, status=status)


@org_view(*EDITORS)
@require_POST
def topic_active(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.org_access.organisation
    topic = selectors.topic_for(organisation, pk)
    active = request.POST.get("active") == "1"
    services.topic_set_active(topic=topic, active=active)
    if active:
        messages.success(request, _("Topic “%(name)s” is active again.") % {"name": topic.name})
    else:
        messages.success(
            request,
            _("Topic “%(name)s” is paused: it finds nothing new until you resume it.")
            % {"name": topic.name},
        )
    return redirect(_step_url(organisation, Strategy.Step.TOPICS))


@org_view(*EDITORS)
@require_GET
def topic_check(request: HttpRequest) -> HttpResponse:
    """The live verdict on the keywords being typed (an HTMX fragment)."""
    check = selectors.query_check(request.GET.get("query", "")[:4000])
    return render(request, "onboarding/strategy/_topic_check.html", {"check": check})


@org_view(*EDITORS)
@require_POST
def strategy_approve(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    actor = access.membership(Role.COACH) or access.membership(Role.ADMIN)
    try:
        services.strategy_approve(organisation=access.organisation, actor=actor)
    except ValidationError as exc:
        messages.error(request, " ".join([_("Not approved yet.")] + exc.messages))
    else:
        messages.success(
            request,
            _("The strategy is approved. Monitoring of your topics can start."),
        )
    return redirect("strategy_summary", org=access.organisation.slug)
