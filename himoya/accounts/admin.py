"""Accounts in the admin: the instance's superusers only, whatever Django permissions
another account holds."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import Organisation, Team, User
from himoya.core.admin import AuditedAdmin, InstanceOnlyMixin


@admin.register(Organisation)
class OrganisationAdmin(InstanceOnlyMixin, AuditedAdmin):
    list_display = ("name", "slug", "country")
    search_fields = ("name", "slug")


@admin.register(Team)
class TeamAdmin(InstanceOnlyMixin, AuditedAdmin):
    list_display = ("name", "organisation")
    list_filter = ("organisation",)
    filter_horizontal = ("members",)


@admin.register(User)
class UserAdmin(InstanceOnlyMixin, AuditedAdmin, BaseUserAdmin):
    """Superusers only: an organisation's staff are managed on the staff pages, where
    the rules for granting roles apply; here any organisation's account and the
    superuser flag could be changed."""

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
