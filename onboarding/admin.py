from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from onboarding.models import (
    Audience,
    ConfidenceCheck,
    Department,
    FollowSuggestion,
    Goal,
    Intake,
    Invitation,
    KeyMessage,
    Membership,
    Organisation,
    Policy,
    PolicyAcknowledgement,
    Profile,
    Strategy,
    Topic,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "language"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "language", "country", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DepartmentInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "department", "invited_by", "is_active"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "invited_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["organisation", "role"]
    exclude = ["token_hash"]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


class AudienceInline(admin.TabularInline):
    model = Audience
    extra = 0


class KeyMessageInline(admin.TabularInline):
    model = KeyMessage
    extra = 0


class FollowSuggestionInline(admin.TabularInline):
    model = FollowSuggestion
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "last_step", "updated_at", "approved_at", "approved_by"]
    raw_id_fields = ["approved_by"]
    inlines = [GoalInline, AudienceInline, KeyMessageInline, FollowSuggestionInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "query", "is_active", "updated_at"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name", "query"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "version", "published_at", "published_by"]
    list_filter = ["organisation"]
    raw_id_fields = ["published_by"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is what people acknowledged: it never changes.
        if obj is not None and obj.published_at is not None:
            return [f.name for f in self.model._meta.fields]
        return []


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["membership", "policy", "acknowledged_at"]
    raw_id_fields = ["membership", "policy"]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["membership", "started_at", "completed_at"]
    raw_id_fields = ["membership"]
    filter_horizontal = ["topics"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["membership", "channel", "status", "url", "updated_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["membership"]


@admin.register(ConfidenceCheck)
class ConfidenceCheckAdmin(admin.ModelAdmin):
    list_display = ["membership", "score", "taken_at"]
    raw_id_fields = ["membership"]
