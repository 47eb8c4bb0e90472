"""Django admin for reference data.

Vocabularies, regions and places of detention are shared by every organisation: the
reference stewards and instance superusers edit them here (with a source and a
"verified" mark), and each change is recorded at instance level, where every
organisation reads it (the reference changes page). Partners are edited by their
organisation's coordinators and administrators. Stewards are named by superusers
(here or with ``himoya steward``). Every change goes to the audit chain (AuditedAdmin).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from himoya.core.admin import AuditedAdmin
from himoya.core.audit import INSTANCE
from himoya.core.policies import can
from himoya.reference import services
from himoya.reference.models import Facility, Partner, Region, Steward, Term


def _reference_editor(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or can(user, "vocabulary.manage")))


class ReferenceAdmin(AuditedAdmin):
    """Stewards edit shared reference data; removing it is the superusers' (records
    point at it). Changes are the instance's events, not the steward's organisation's."""

    def audit_organisation(self, obj: Any) -> Any:
        return INSTANCE

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _reference_editor(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _reference_editor(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _reference_editor(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _reference_editor(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Term)
class TermAdmin(ReferenceAdmin):
    list_display = ("vocabulary", "code", "label_ru", "label_en", "active", "verified", "order")
    list_filter = ("vocabulary", "active", "verified")
    search_fields = ("code", "label_ru", "label_kk", "label_tg", "label_en")
    ordering = ("vocabulary", "order", "code")
    readonly_fields = ("bit",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Codes are what imports, exports and statistics use: fixed once created.
        return ("vocabulary", "code", "bit") if obj is not None else ("bit",)


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ("name_ru", "country", "code", "verified")
    list_filter = ("country", "verified")
    search_fields = ("name_ru", "name_kk", "name_tg", "name_en", "code")


@admin.register(Facility)
class FacilityAdmin(ReferenceAdmin):
    list_display = ("name", "country", "region", "type", "agency", "verified")
    list_filter = ("country", "type", "verified")
    search_fields = ("name", "address")
    autocomplete_fields = ("region",)


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = (
        "name",
        "organisation",
        "offers_legal",
        "offers_medical",
        "offers_psychological",
    )
    search_fields = ("name",)

    def _may(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_superuser
            or (user.is_active and can(user, "partner.manage", getattr(user, "organisation", None)))
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(organisation_id=getattr(request.user, "organisation_id", None))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if request.user.is_superuser else ("organisation",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            obj.organisation_id = getattr(request.user, "organisation_id", None)
        super().save_model(request, obj, form, change)


@admin.register(Steward)
class StewardAdmin(AuditedAdmin):
    """Superusers name and remove stewards; through the services, so the grant is
    audited like the command line's."""

    list_display = ("user", "granted_at")
    raw_id_fields = ("user",)

    def _operator(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._operator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._operator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._operator(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = services.steward_grant(actor=request.user, user=obj.user).pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.steward_revoke(actor=request.user, user=obj.user)
