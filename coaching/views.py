"""Role homes: the participant's inbox, the coach's participants, the manager's dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coaching import selectors
from onboarding.models import Role


@selectors.org_view(Role.PARTICIPANT)
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "coaching/inbox.html", {})


@selectors.org_view(Role.COACH, Role.ADMIN)
def coach_participants(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    participants = selectors.participants_of(access.organisation)
    return render(request, "coaching/participants.html", {"participants": participants})


@selectors.org_view(Role.MANAGER, Role.ADMIN, Role.COACH)
def dashboard(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    summary = selectors.adoption_summary(access.organisation)
    return render(request, "coaching/dashboard.html", {"summary": summary})
