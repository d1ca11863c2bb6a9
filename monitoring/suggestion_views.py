"""Pages that turn the approved strategy into running monitoring.

The suggestions page proposes, per topic, news searches, an X search, a Mastodon hashtag and a
Google Alert, and the blogs and sites the strategy names; each is followed with one click (a
POST form; with HTMX the row is replaced in place). What gets followed is rebuilt here from the
organisation's own topic or strategy row, never taken from the request. Coaches and admins only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring import services, suggestions
from monitoring.models import SourceKind
from monitoring.suggestion_forms import GoogleAlertForm, MastodonTagForm
from monitoring.suggestions import Suggestion
from onboarding.access import OrgAccess, org_view
from onboarding.models import Membership, Role
from onboarding.selectors import topic_for

EDITORS = (Role.COACH, Role.ADMIN)


def _acting_membership(access: OrgAccess) -> Membership | None:
    return access.membership(Role.COACH) or access.membership(Role.ADMIN)


@org_view(*EDITORS)
def source_suggestions(request: HttpRequest) -> HttpResponse:
    page = suggestions.suggestions_for(request.org_access.organisation)
    return render(request, "monitoring/suggestions/page.html", {"page": page})


def _row_response(
    request: HttpRequest,
    row: Suggestion,
    *,
    message: str = "",
    error: str = "",
    form: MastodonTagForm | None = None,
) -> HttpResponse:
    """The row itself for HTMX; otherwise back to the page, at the row, with a message."""
    if request.htmx:
        return render(
            request,
            "monitoring/suggestions/_row.html",
            {"row": row, "flash": message, "error": error, "form": form},
        )
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    slug = request.org_access.organisation.slug
    return redirect(reverse("source_suggestions", kwargs={"org": slug}) + f"#{row.key}")


def _follow(
    request: HttpRequest, row: Suggestion, reload: Callable[[], Suggestion | None]
) -> HttpResponse:
    access: OrgAccess = request.org_access
    if not row.can_follow:
        return _row_response(request, row, error=row.unavailable)
    try:
        services.source_subscribe(
            organisation=access.organisation,
            url=row.url,
            kind=row.source_kind,
            topic=row.topic,
            title=row.title,
            created_by=_acting_membership(access),
            config=row.config,
        )
    except ValidationError as exc:
        return _row_response(request, row, error=" ".join(exc.messages))
    message = _("Following “%(name)s”. It will be checked in a moment.") % {"name": row.title}
    return _row_response(request, reload() or row, message=message)


@require_POST
@org_view(*EDITORS)
def suggestion_follow_search(request: HttpRequest, topic_id: int, kind: str) -> HttpResponse:
    """Follow a topic's Google News, Bing News or X search, limited to the topic."""
    if kind not in suggestions.SEARCH_KINDS:
        raise Http404
    organisation = request.org_access.organisation
    topic = topic_for(organisation, topic_id)
    row = suggestions.topic_suggestion(organisation, topic, kind)
    if row is None:
        raise Http404

    def reload() -> Suggestion | None:
        return suggestions.topic_suggestion(organisation, topic, kind)

    if row.is_followed:
        return _row_response(request, row, message=_("Already followed."))
    return _follow(request, row, reload)


@require_POST
@org_view(*EDITORS)
def suggestion_follow_hashtag(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Follow a Mastodon hashtag for a topic, on the instance and with the tag chosen."""
    organisation = request.org_access.organisation
    topic = topic_for(organisation, topic_id)
    row = suggestions.topic_suggestion(organisation, topic, "mastodon")
    if row is None:
        raise Http404
    form = MastodonTagForm(request.POST)
    if not form.is_valid():
        row.instance = request.POST.get("instance", row.instance)
        row.tag = request.POST.get("tag", row.tag)
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return _row_response(request, row, error=" ".join(errors), form=form)
    chosen = suggestions.mastodon_choice(
        row, instance=form.cleaned_data["instance"], tag=form.cleaned_data["tag"]
    )

    def reload() -> Suggestion | None:
        return suggestions.topic_suggestion(organisation, topic, "mastodon")

    return _follow(request, chosen, reload)


@require_POST
@org_view(*EDITORS)
def suggestion_follow_site(request: HttpRequest, site_id: int) -> HttpResponse:
    """Follow a blog or site named in the strategy as a feed (a web page is turned into its
    feed by the worker's autodiscovery)."""
    organisation = request.org_access.organisation
    site = suggestions.site_for(organisation, site_id)
    row = suggestions.site_suggestion(organisation, site)
    if row.is_followed:
        return _row_response(request, row, message=_("Already followed."))
    return _follow(request, row, lambda: suggestions.site_suggestion(organisation, site))


@org_view(*EDITORS)
def google_alert_guide(request: HttpRequest) -> HttpResponse:
    """How to create a Google Alert delivered as a feed, and the form to follow its feed."""
    access: OrgAccess = request.org_access
    organisation = access.organisation
    initial = {"topic": request.GET.get("topic")} if request.GET.get("topic", "").isdigit() else {}
    form = GoogleAlertForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        topic = form.cleaned_data["topic"]
        try:
            services.source_subscribe(
                organisation=organisation,
                url=form.cleaned_data["url"],
                kind=SourceKind.GOOGLE_ALERT,
                topic=topic,
                title=_("Google Alert: %(topic)s") % {"topic": topic.name},
                created_by=_acting_membership(access),
            )
        except ValidationError as exc:
            form.add_error("url", exc)
        else:
            messages.success(
                request,
                _("Following the Google Alert for “%(topic)s”. It will be checked in a moment.")
                % {"topic": topic.name},
            )
            return redirect("google_alert_guide", org=organisation.slug)
    return render(
        request,
        "monitoring/suggestions/google_alerts.html",
        {"form": form, "topics": suggestions.google_alert_rows(organisation)},
    )
