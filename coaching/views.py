"""Role homes (the inbox lives in inbox_views, the dashboard in dashboard_views), the
content-ideas backlog and its export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.forms import IdeaFilterForm
from coaching.idea_selectors import IdeaFilters, content_ideas_for
from coaching.inbox_selectors import inbox_filter_choices
from coaching.models import Triage
from coaching.participant_selectors import participants_overview
from onboarding.access import org_view
from onboarding.models import Role

IDEAS_PER_PAGE = 50


@org_view(Role.COACH, Role.ADMIN)
def coach_participants(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    participants = participants_overview(access.organisation)
    return render(
        request,
        "coaching/participants.html",
        {"participants": participants, "can_hold_sessions": access.is_coach},
    )


def _idea_filters(request: HttpRequest) -> tuple[IdeaFilterForm, IdeaFilters]:
    topics, _sources = inbox_filter_choices(request.org_access.organisation)
    form = IdeaFilterForm(request.GET, topics=topics)
    return form, form.filters()


@org_view()
def content_ideas(request: HttpRequest) -> HttpResponse:
    """Every member may read the backlog: whoever writes the blog or the newsletter."""
    form, filters = _idea_filters(request)
    ideas = content_ideas_for(request.org_access.organisation, filters)
    page = Paginator(ideas, IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k in ("content_for", "topic") and v}
    return render(
        request,
        "coaching/ideas.html",
        {"form": form, "page": page, "query": urlencode(query)},
    )


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A value safe to open in a spreadsheet: text that would start a formula gets a quote."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _idea_rows(ideas: Iterator[Triage]) -> Iterator[list[str]]:
    yield [
        _("decided"),
        _("for"),
        _("title"),
        _("address"),
        _("source"),
        _("topics"),
        _("who"),
        _("rating"),
        _("note"),
    ]
    for idea in ideas:
        item = idea.queue_item.item
        yield [
            timezone.localtime(idea.decided_at).strftime("%Y-%m-%d %H:%M"),
            idea.get_content_for_display(),
            item.title,
            item.url,
            item.source.title or item.source.url,
            ", ".join(m.topic.name for m in idea.queue_item.matches.all()),
            idea.membership.user.display_name,
            idea.rating or "",
            idea.note,
        ]


@org_view()
def content_ideas_export(request: HttpRequest) -> StreamingHttpResponse:
    _form, filters = _idea_filters(request)
    ideas = content_ideas_for(request.org_access.organisation, filters)
    writer = csv.writer(_Echo())
    rows = (
        writer.writerow([csv_cell(cell) for cell in row])
        for row in _idea_rows(ideas.iterator(chunk_size=500))
    )
    filename = f"content-ideas-{request.org_access.organisation.slug}.csv"
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
