"""Pages of the monitoring app: the sources an organisation follows, and its review queue.

Coaches and admins manage sources; managers may look but not change anything; participants
see their own inbox instead. Nothing here touches the network: adding a source records it,
and a worker fetches it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring import selectors, services
from monitoring.forms import OpmlImportForm, SourceAddForm, SubscriptionEditForm
from monitoring.health import SourceRow, rows_with_health, source_health
from monitoring.models import Subscription
from onboarding.access import OrgAccess, org_view
from onboarding.models import Membership, Role
from onboarding.selectors import monitoring_enabled

# Who may look at the sources and the queue, and who may change them.
READERS = (Role.COACH, Role.ADMIN, Role.MANAGER)
EDITORS = (Role.COACH, Role.ADMIN)


def _acting_membership(access: OrgAccess) -> Membership | None:
    """The membership under which a coach or admin changes the organisation's sources."""
    return access.membership(Role.COACH) or access.membership(Role.ADMIN)


def _detail_url(access: OrgAccess, subscription: Subscription) -> str:
    return reverse("source_detail", kwargs={"org": access.organisation.slug, "pk": subscription.pk})


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, so that an empty POST is a bound (and invalid) form."""
    return request.POST if request.method == "POST" else None


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (``next``), if it is one of ours."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@org_view(*READERS)
def sources(request: HttpRequest) -> HttpResponse:
    organisation = request.org_access.organisation
    rows = rows_with_health(selectors.subscriptions_of(organisation))
    return render(
        request,
        "monitoring/sources.html",
        {
            "rows": rows,
            "failing": [row for row in rows if row.health.is_failing],
            "monitoring_enabled": monitoring_enabled(organisation),
        },
    )


@org_view(*EDITORS)
def source_add(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    form = SourceAddForm(_posted(request), organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = selectors.subscription_following(access.organisation, url=data["url"])
        if existing is not None:
            messages.info(request, _("You already follow this source."))
            return redirect(_detail_url(access, existing))
        try:
            subscription = services.source_subscribe(
                organisation=access.organisation,
                url=data["url"],
                topic=data["topic"],
                keep_all=data["keep_all"],
                title=data["title"],
                created_by=_acting_membership(access),
            )
        except ValidationError as exc:
            form.add_error("url", exc)
        else:
            messages.success(request, _("Source added. It will be checked in a moment."))
            return redirect(_detail_url(access, subscription))
    return render(
        request,
        "monitoring/source_add.html",
        {"form": form, "monitoring_enabled": monitoring_enabled(access.organisation)},
    )


@org_view(*READERS)
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.org_access.organisation
    subscription = selectors.subscription_for(organisation, pk)
    items = selectors.recent_items_of(subscription)
    queued = selectors.queue_items_by_item(organisation, items)
    return render(
        request,
        "monitoring/source_detail.html",
        {
            "subscription": subscription,
            "source": subscription.source,
            "row": SourceRow(subscription, source_health(subscription.source)),
            "items": [(item, queued.get(item.pk)) for item in items],
            "monitoring_enabled": monitoring_enabled(organisation),
        },
    )


@org_view(*EDITORS)
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request.org_access
    subscription = selectors.subscription_for(access.organisation, pk)
    form = SubscriptionEditForm(
        _posted(request), organisation=access.organisation, subscription=subscription
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(
                subscription=subscription,
                title=form.cleaned_data["title"],
                topic=form.cleaned_data["topic"],
                keep_all=form.cleaned_data["keep_all"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_detail_url(access, subscription))
    return render(
        request, "monitoring/source_edit.html", {"form": form, "subscription": subscription}
    )


@require_POST
@org_view(*EDITORS)
def source_pause(request: HttpRequest, pk: int) -> HttpResponse:
    access = request.org_access
    subscription = selectors.subscription_for(access.organisation, pk)
    services.subscription_pause(subscription=subscription)
    messages.success(
        request,
        _("Paused “%(name)s”: nothing new from it reaches the queue until you resume it.")
        % {"name": subscription.display_title},
    )
    return _back(request, _detail_url(access, subscription))


@require_POST
@org_view(*EDITORS)
def source_resume(request: HttpRequest, pk: int) -> HttpResponse:
    access = request.org_access
    subscription = selectors.subscription_for(access.organisation, pk)
    services.subscription_resume(subscription=subscription)
    messages.success(request, _("Resumed “%(name)s”.") % {"name": subscription.display_title})
    return _back(request, _detail_url(access, subscription))


@org_view(*EDITORS)
def source_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes."""
    access = request.org_access
    subscription = selectors.subscription_for(access.organisation, pk)
    if request.method == "POST":
        name = subscription.display_title
        services.subscription_remove(subscription=subscription)
        messages.success(
            request,
            _("“%(name)s” is no longer followed. What it brought into the queue stays there.")
            % {"name": name},
        )
        return redirect("sources", org=access.organisation.slug)
    return render(request, "monitoring/source_remove.html", {"subscription": subscription})


@org_view(*READERS)
def queue(request: HttpRequest) -> HttpResponse:
    organisation = request.org_access.organisation
    return render(
        request,
        "monitoring/queue.html",
        {
            "queue_items": selectors.recent_queue_items(organisation),
            "monitoring_enabled": monitoring_enabled(organisation),
        },
    )


@org_view(*EDITORS)
def opml_import(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    form = OpmlImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.opml_import(
                organisation=access.organisation,
                content=form.cleaned_data["file"],
                created_by=_acting_membership(access),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
    return render(request, "monitoring/opml_import.html", {"form": form, "report": report})


@org_view(*READERS)
def opml_export(request: HttpRequest) -> HttpResponse:
    organisation = request.org_access.organisation
    response = HttpResponse(
        selectors.opml_export(organisation), content_type="text/x-opml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{organisation.slug}-sources.opml"'
    return response
