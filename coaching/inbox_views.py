"""The participant's inbox: reading, one-key decisions, the digest, and session mode.

Every decision works as a plain form (POST, then back to the inbox) and, with HTMX, swaps
the one item in place.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from coaching.digest import digest_preference_set
from coaching.digest_selectors import digest_preference_of
from coaching.forms import TRIAGE_BUTTONS, DigestForm, InboxFilterForm, TriageForm
from coaching.inbox_row_selectors import InboxRow
from coaching.inbox_selectors import (
    inbox_entry_for,
    inbox_filter_choices,
    inbox_for,
    inbox_row,
    inbox_todo_count,
)
from coaching.models import CoachingSession, Verdict
from coaching.reactions import reaction_start
from coaching.records import CoachingError
from coaching.triage import inbox_mark_read, triage_record
from onboarding.access import org_view
from onboarding.models import Membership, Role


def _participant(request: HttpRequest) -> Membership:
    membership = request.org_access.membership(Role.PARTICIPANT)
    if membership is None:  # org_view(Role.PARTICIPANT) already refused others
        raise Http404
    return membership


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _url_for(name: str, key: str, **kwargs: object) -> Callable[[int], str]:
    """A fast ``reverse`` for many rows: reverse once, then fill in each row's id."""
    marker = 987654321
    head, tail = reverse(name, kwargs={**kwargs, key: marker}).split(str(marker))
    return lambda value: f"{head}{value}{tail}"


def attach_urls(
    rows: list[InboxRow], *, slug: str, session: CoachingSession | None = None
) -> list[InboxRow]:
    """Give each row the addresses its item links and posts to."""
    if session is not None:
        triage_url = _url_for("session_triage", "qi", org=slug, pk=session.pk)
    else:
        triage_url = _url_for("inbox_triage", "qi", org=slug)
    open_url = _url_for("inbox_open", "qi", org=slug)
    react_url = _url_for("inbox_react", "qi", org=slug)
    reaction_url = _url_for("reaction_detail", "pk", org=slug)
    for row in rows:
        qi = row.entry.queue_item_id
        row.triage_url = triage_url(qi)
        # In session mode the coach opens the original directly: reading it together does not
        # mark the participant's copy read.
        row.open_url = row.item.url if session is not None else open_url(qi)
        row.react_url = react_url(qi)
        row.reaction_url = reaction_url(row.reaction.pk) if row.reaction else ""
    return rows


def item_context(request: HttpRequest, session: CoachingSession | None = None) -> dict[str, object]:
    """What the item partial needs besides the row itself."""
    return {
        "session": session,
        "triage_buttons": TRIAGE_BUTTONS,
        "next_url": request.POST.get("next") or request.get_full_path(),
    }


def render_inbox(
    request: HttpRequest,
    membership: Membership,
    *,
    session: CoachingSession | None = None,
    extra: dict[str, object] | None = None,
) -> HttpResponse:
    topics, sources = inbox_filter_choices(membership.organisation)
    form = InboxFilterForm(request.GET, topics=topics, sources=sources)
    filters = form.filters()
    page = inbox_for(membership, filters)
    attach_urls(page.rows, slug=membership.organisation.slug, session=session)
    context = {
        "page": page,
        "filter_form": form,
        "has_filters": bool(filters.as_query()),
        "next_query": urlencode(filters.as_query(cursor=page.next_cursor or "")),
        "first_query": urlencode(filters.as_query()),
        **item_context(request, session),
        **(extra or {}),
    }
    return render(request, "coaching/inbox.html", context)


@org_view(Role.PARTICIPANT)
def inbox(request: HttpRequest) -> HttpResponse:
    return render_inbox(request, _participant(request))


def triage(
    request: HttpRequest,
    *,
    membership: Membership,
    queue_item_id: int,
    session: CoachingSession | None,
    back: str,
) -> HttpResponse:
    """Record one decision; shared by the participant's inbox and session mode."""
    entry = inbox_entry_for(membership, queue_item_id)
    form = TriageForm(request.POST)
    back = _safe_next(request, back)
    error = ""
    if form.is_valid():
        verdict, content_for = form.verdict
        try:
            triage_record(
                membership=membership,
                queue_item=entry.queue_item,
                verdict=verdict,
                content_for=content_for,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
                session=session,
            )
        except CoachingError as exc:
            error = " ".join(exc.messages)
        else:
            if verdict == Verdict.REACT and session is None:
                reaction = reaction_start(membership=membership, queue_item=entry.queue_item)
                url = reverse(
                    "reaction_detail",
                    kwargs={"org": membership.organisation.slug, "pk": reaction.pk},
                )
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    else:
        error = _("Choose one of the answers.")
    if request.htmx:
        row = inbox_row(membership, queue_item_id)
        attach_urls([row], slug=membership.organisation.slug, session=session)
        context = {
            "row": row,
            "error": error,
            "todo_count": inbox_todo_count(membership),
            **item_context(request, session),
        }
        return render(request, "coaching/_inbox_item_swap.html", context)
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(f"{back}#item-{queue_item_id}")


@require_POST
@org_view(Role.PARTICIPANT)
def inbox_triage(request: HttpRequest, qi: int) -> HttpResponse:
    membership = _participant(request)
    back = reverse("inbox", kwargs={"org": membership.organisation.slug})
    return triage(request, membership=membership, queue_item_id=qi, session=None, back=back)


@org_view(Role.PARTICIPANT)
def inbox_open(request: HttpRequest, qi: int) -> HttpResponse:
    """Open the original (in a new tab) and mark the item read on the way."""
    membership = _participant(request)
    entry = inbox_entry_for(membership, qi)
    url = entry.queue_item.item.url or entry.queue_item.item.canonical_url
    if not url.startswith(("https://", "http://")):
        raise Http404
    inbox_mark_read(membership=membership, queue_item=entry.queue_item)
    response = HttpResponseRedirect(url)
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
@org_view(Role.PARTICIPANT)
def inbox_react(request: HttpRequest, qi: int) -> HttpResponse:
    """Open the composer for an item: the draft in progress, or a new one."""
    membership = _participant(request)
    entry = inbox_entry_for(membership, qi)
    reaction = reaction_start(membership=membership, queue_item=entry.queue_item)
    url = reverse(
        "reaction_detail", kwargs={"org": membership.organisation.slug, "pk": reaction.pk}
    )
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@org_view(Role.PARTICIPANT)
def digest_settings(request: HttpRequest) -> HttpResponse:
    membership = _participant(request)
    preference = digest_preference_of(membership)
    form = DigestForm(request.POST or None, initial={"frequency": preference.frequency})
    if request.method == "POST" and form.is_valid():
        digest_preference_set(membership=membership, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your e-mail setting is saved."))
        return redirect("inbox", org=membership.organisation.slug)
    return render(request, "coaching/digest.html", {"form": form, "preference": preference})
