"""Reacting without fear: the composer, coach feedback, posting and the celebration.

Reactions are reached only through ``reaction_selectors.reaction_for``: the participant who
wrote one and the coaches of their organisation see it, everybody else gets a 404.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching import reaction_selectors as selectors
from coaching import reactions as services
from coaching.forms import FeedbackForm, PostedForm, ReactionForm
from coaching.models import Reaction, ReactionStatus
from coaching.records import FINAL_STATUSES, CoachingError
from coaching.starters import STARTERS
from onboarding.access import org_view
from onboarding.models import Role


def _reaction(request: HttpRequest, pk: int) -> tuple[Reaction, bool]:
    """The reaction and whether the acting user wrote it (otherwise they coach the writer)."""
    access = request.org_access
    reaction = selectors.reaction_for(access.memberships, pk)
    is_author = any(m.pk == reaction.membership_id for m in access.memberships)
    return reaction, is_author


def _author_only(request: HttpRequest, pk: int) -> Reaction:
    reaction, is_author = _reaction(request, pk)
    if not is_author:
        raise PermissionDenied
    return reaction


def _coach_only(request: HttpRequest, pk: int) -> Reaction:
    reaction, is_author = _reaction(request, pk)
    if is_author or request.org_access.membership(Role.COACH) is None:
        raise PermissionDenied
    return reaction


def _to_reaction(reaction: Reaction) -> HttpResponse:
    return redirect("reaction_detail", org=reaction.membership.organisation.slug, pk=reaction.pk)


@org_view(Role.PARTICIPANT)
def reactions(request: HttpRequest) -> HttpResponse:
    membership = request.org_access.membership(Role.PARTICIPANT)
    return render(
        request,
        "coaching/reactions.html",
        {"reactions": selectors.reactions_of(membership)},
    )


@org_view()
def reaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The composer for the participant; the draft and its history for their coach."""
    reaction, is_author = _reaction(request, pk)
    revisions = list(reaction.revisions.all())
    latest = revisions[-1] if revisions else None
    form = None
    if is_author and reaction.status not in FINAL_STATUSES:
        form = ReactionForm(
            request.POST or None,
            initial={"channel": reaction.channel, "body": latest.body if latest else ""},
        )
        if request.method == "POST" and form.is_valid():
            asking = request.POST.get("action") == "ask"
            try:
                services.reaction_revise(
                    reaction=reaction,
                    body=form.cleaned_data["body"],
                    channel=form.cleaned_data["channel"],
                )
                if asking:
                    services.reaction_request_feedback(reaction=reaction)
            except CoachingError as exc:
                form.add_error(None, exc)
            else:
                if asking:
                    messages.success(
                        request, _("Sent to your coach. You'll see their feedback here.")
                    )
                else:
                    messages.success(request, _("Draft saved."))
                return _to_reaction(reaction)
    elif request.method == "POST":
        raise PermissionDenied

    feedback_by_revision = defaultdict(list)
    for feedback in reaction.feedback.all():
        feedback_by_revision[feedback.revision_id].append(feedback)
    history = [(revision, feedback_by_revision.get(revision.pk, [])) for revision in revisions]
    history.reverse()
    latest_feedback = next((f for _rev, fs in history for f in reversed(fs)), None)
    context = {
        "reaction": reaction,
        "is_author": is_author,
        "form": form,
        "latest": latest,
        "history": history,
        "latest_feedback": latest_feedback,
        "starters": STARTERS if form else (),
        "policy": selectors.policy_tips(reaction.membership.organisation) if form else None,
        "posted_form": PostedForm() if form else None,
        "feedback_form": (
            FeedbackForm()
            if not is_author and latest is not None and reaction.status not in FINAL_STATUSES
            else None
        ),
    }
    return render(request, "coaching/reaction.html", context)


@require_POST
@org_view(Role.COACH)
def reaction_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    reaction = _coach_only(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            feedback = services.feedback_give(
                reaction=reaction,
                coach=request.org_access.membership(Role.COACH),
                body=form.cleaned_data["body"],
                verdict=form.cleaned_data["verdict"],
            )
        except CoachingError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            name = reaction.membership.user.display_name
            if feedback.verdict == feedback.Verdict.APPROVED:
                messages.success(request, _("%(name)s can post it now.") % {"name": name})
            else:
                messages.success(
                    request, _("Your suggestions are on their way to %(name)s.") % {"name": name}
                )
            return redirect("feedback_queue", org=request.org_access.organisation.slug)
    else:
        messages.error(request, _("Approve the draft or suggest changes."))
    return _to_reaction(reaction)


@require_POST
@org_view(Role.PARTICIPANT)
def reaction_posted(request: HttpRequest, pk: int) -> HttpResponse:
    reaction = _author_only(request, pk)
    form = PostedForm(request.POST)
    if form.is_valid():
        try:
            result = services.reaction_mark_posted(reaction=reaction, url=form.cleaned_data["url"])
        except CoachingError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if result.first:
                return redirect(
                    "reaction_celebrate", org=request.org_access.organisation.slug, pk=reaction.pk
                )
            messages.success(request, _("Posted! Another one on the record."))
    else:
        messages.error(request, " ".join(form.errors["url"]))
    return _to_reaction(reaction)


@require_POST
@org_view(Role.PARTICIPANT)
def reaction_abandon(request: HttpRequest, pk: int) -> HttpResponse:
    reaction = _author_only(request, pk)
    try:
        services.reaction_abandon(reaction=reaction)
    except CoachingError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_reaction(reaction)
    messages.info(
        request,
        _(
            "Set aside. Not every item needs a reaction, and knowing when not to post is part "
            "of it too."
        ),
    )
    return redirect("inbox", org=request.org_access.organisation.slug)


@org_view(Role.PARTICIPANT)
def reaction_celebrate(request: HttpRequest, pk: int) -> HttpResponse:
    reaction = _author_only(request, pk)
    if reaction.status != ReactionStatus.POSTED:
        return _to_reaction(reaction)
    first = selectors.is_first_reaction(reaction)
    return render(request, "coaching/celebrate.html", {"reaction": reaction, "first": first})


@org_view(Role.COACH)
def feedback_queue(request: HttpRequest) -> HttpResponse:
    """Drafts waiting for this coach's feedback, across every organisation they coach."""
    memberships = selectors.coach_memberships_of(request.user.pk)
    return render(
        request,
        "coaching/feedback.html",
        {"reactions": selectors.feedback_queue_for(memberships)},
    )
