"""Review sessions: a coach and a participant going through the participant's inbox together.

Decisions made in session mode are recorded as the participant's, with the session; the coach
keeps notes and agreed actions; the participant reads the summary afterwards.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching import session_selectors as selectors
from coaching import sessions as services
from coaching.forms import SessionNotesForm
from coaching.inbox_views import render_inbox, triage
from coaching.models import CoachingSession
from coaching.participant_selectors import participant_for
from onboarding.access import org_view
from onboarding.models import Role


def _led_session(request: HttpRequest, pk: int, *, open_only: bool = True) -> CoachingSession:
    """A session the acting coach leads (open, unless ``open_only`` is off); 403 when they
    only attended it, 404 when it is not theirs at all."""
    access = request.org_access
    session = selectors.session_for(access.memberships, pk)
    if not any(m.pk == session.coach_id for m in access.memberships):
        raise PermissionDenied
    if open_only and session.ended_at is not None:
        raise PermissionDenied
    return session


@require_POST
@org_view(Role.COACH)
def session_start(request: HttpRequest, participant: int) -> HttpResponse:
    access = request.org_access
    member = participant_for(access.organisation, participant)
    session = services.session_start(coach=access.membership(Role.COACH), participant=member)
    return redirect("session_detail", org=access.organisation.slug, pk=session.pk)


@org_view()
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Session mode for its coach while it is open; the summary for everybody else after."""
    access = request.org_access
    session = selectors.session_for(access.memberships, pk)
    leads = any(m.pk == session.coach_id for m in access.memberships)
    if leads and session.ended_at is None:
        notes_form = SessionNotesForm(
            initial={"notes": session.notes, "agreed_actions": session.agreed_actions}
        )
        return render_inbox(
            request,
            session.participant,
            session=session,
            extra={"notes_form": notes_form},
        )
    return render(request, "coaching/session.html", {"session": session, "leads": leads})


@require_POST
@org_view(Role.COACH)
def session_triage(request: HttpRequest, pk: int, qi: int) -> HttpResponse:
    session = _led_session(request, pk)
    back = reverse("session_detail", kwargs={"org": request.org_access.organisation.slug, "pk": pk})
    return triage(
        request,
        membership=session.participant,
        queue_item_id=qi,
        session=session,
        back=back,
    )


@require_POST
@org_view(Role.COACH)
def session_notes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _led_session(request, pk, open_only=False)
    form = SessionNotesForm(request.POST)
    if form.is_valid():
        services.session_save_notes(session=session, **form.cleaned_data)
        if request.htmx:
            return HttpResponse(_("Notes saved."))
        messages.success(request, _("Notes saved."))
    return redirect("session_detail", org=request.org_access.organisation.slug, pk=pk)


@require_POST
@org_view(Role.COACH)
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    session = _led_session(request, pk)
    form = SessionNotesForm(request.POST)
    form.is_valid()
    services.session_end(
        session=session,
        notes=form.cleaned_data.get("notes", session.notes),
        agreed_actions=form.cleaned_data.get("agreed_actions", session.agreed_actions),
    )
    messages.success(
        request,
        _("Session ended. %(name)s can read the summary under Sessions.")
        % {"name": session.participant.user.display_name},
    )
    return redirect("session_detail", org=request.org_access.organisation.slug, pk=pk)


@org_view()
def sessions(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    return render(
        request,
        "coaching/sessions.html",
        {"sessions": selectors.sessions_for(access.memberships)},
    )
