"""Read-mostly admin of the monitoring app: the polling state is the worker's to write, items
and queue items are what sources brought in. Admins may rename or switch off a source, ask for a
poll now, and change how an organisation follows a source."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from monitoring.models import Item, QueueItem, QueueMatch, Source, Subscription
from monitoring.services import request_poll

# Addresses typed without a scheme are https, as on the sources pages.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}

POLLING_STATE = (
    "next_poll_at",
    "leased_until",
    "poll_interval",
    "last_polled_at",
    "last_success_at",
    "last_status",
    "last_error",
    "error_count",
    "etag",
    "last_modified",
    "cursor",
    "items_seen",
)


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["organisation", "title", "topic", "keep_all", "paused_at", "created_at"]
    readonly_fields = ["organisation", "topic", "created_at"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "last_status",
        "error_count",
        "last_polled_at",
        "next_poll_at",
        "items_seen",
        "disabled_at",
    ]
    list_filter = ["kind", "last_status", ("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "url", "key", "last_error"]
    readonly_fields = ["kind", "key", "url", "config", "created_at", *POLLING_STATE]
    fields = [
        "title",
        "site_url",
        "disabled_at",
        "kind",
        "url",
        "key",
        "config",
        "created_at",
        *POLLING_STATE,
    ]
    ordering = ["-error_count", "next_poll_at"]
    formfield_overrides = URL_FIELDS
    inlines = [SubscriptionInline]
    actions = ["poll_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Sources are created by following them (the sources page or OPML import).
        return False

    @admin.action(description=_("Poll now"))
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        sent = sum(request_poll(pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d poll requested.", "%(count)d polls requested.", sent)
            % {"count": sent},
            messages.SUCCESS if sent else messages.WARNING,
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "topic", "keep_all", "paused_at", "created_at"]
    list_filter = ["organisation", "keep_all", ("paused_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "source__url", "source__title", "organisation__name"]
    list_select_related = ["organisation", "source", "topic"]
    readonly_fields = ["organisation", "source", "created_by", "created_at"]
    fields = [
        "organisation",
        "source",
        "title",
        "topic",
        "keep_all",
        "paused_at",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "source", "published_at", "fetched_at"]
    list_select_related = ["source"]
    search_fields = ["title", "url", "canonical_url"]
    date_hierarchy = "fetched_at"
    raw_id_fields = ["source"]
    show_full_result_count = False


class QueueMatchInline(admin.TabularInline):
    model = QueueMatch
    extra = 0
    fields = ["topic", "terms"]
    readonly_fields = ["topic", "terms"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(QueueItem)
class QueueItemAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "status", "created_at", "expires_at"]
    list_filter = ["status", "organisation"]
    list_select_related = ["item", "organisation"]
    search_fields = ["item__title", "item__url", "item__canonical_url"]
    date_hierarchy = "created_at"
    raw_id_fields = ["item"]
    inlines = [QueueMatchInline]
    show_full_result_count = False
