from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import Organisation, Team, User
from himoya.core.admin import AuditedAdmin


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "slug", "country")
    search_fields = ("name", "slug")


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "organisation")
    list_filter = ("organisation",)
    filter_horizontal = ("members",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "organisation", "role", "is_active")
    list_filter = ("organisation", "role", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "organisation", "role", "language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"fields": ("email", "full_name", "organisation", "role", "password1", "password2")},
        ),
    )
    readonly_fields = ("last_login", "date_joined")
