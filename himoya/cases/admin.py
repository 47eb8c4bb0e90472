"""Django admin for the cases app.

Persons, cases and appeals are read-only for everyone but superusers; their encrypted fields (names,
phones, stories) are shown to superusers only, and only for the viewer's own
organisation otherwise. Every change goes to the audit chain (AuditedAdmin), and a
superuser opening a person or case records an "admin.view" event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from himoya.accounts.models import Role
from himoya.cases.models import Appeal, Case, Person
from himoya.core.admin import AuditedAdmin
from himoya.core.audit import audit_record
from himoya.core.fields import BlindIndexField, EncryptedMixin


class _Masked:
    """Stands in for a record in admin page titles: its kind and id, no name."""

    def __init__(self, obj: Any) -> None:
        self.pk = obj.pk
        self._meta = obj._meta

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class ProtectedRecordAdmin(AuditedAdmin):
    """Persons, cases, appeals: read-only except for superusers; encrypted fields for
    superusers only; other organisations' records never listed to a non-superuser."""

    def _sensitive(self) -> set[str]:
        return {
            f.name
            for f in self.model._meta.concrete_fields
            if isinstance(f, EncryptedMixin | BlindIndexField) or f.name == "attachment"
        }

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [
            f.name
            for f in self.model._meta.concrete_fields
            if f.editable and f.name != "id" and not isinstance(f, BlindIndexField)
        ]
        if not request.user.is_superuser:
            fields = [f for f in fields if f not in self._sensitive()]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return (
                ("organisation", "created_by", "version")
                if hasattr(self.model, "version")
                else ("organisation",)
            )
        return self.get_fields(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        return bool(
            user.is_active
            and user.is_staff
            and getattr(user, "role", "") in (Role.COORDINATOR, Role.ADMIN)
            and getattr(user, "organisation_id", None)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new records come through the services (appeals, imports)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(organisation_id=getattr(request.user, "organisation_id", None))

    # Django's own admin log keeps str(obj) in plain text (a person's name): the audit
    # chain records these changes instead.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        return None

    def log_deletion(self, request: HttpRequest, obj: Any, object_repr: str) -> None:
        return None

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and not request.user.is_superuser:
            # The page title and breadcrumbs print str(obj): a person's name.
            masked = _Masked(obj)
            context["original"] = masked
            context["subtitle"] = str(masked)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if object_id and request.method == "GET" and request.user.is_superuser:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(actor=request.user, action="admin.view", obj=obj)
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(Person)
class PersonAdmin(ProtectedRecordAdmin):
    list_display = ("id", "organisation", "sex", "created_at")
    list_filter = ("sex",)


@admin.register(Case)
class CaseAdmin(ProtectedRecordAdmin):
    list_display = ("number", "organisation", "status", "opened_on", "country", "lawyer")
    list_filter = ("status", "country")
    search_fields = ("number", "external_id")


@admin.register(Appeal)
class AppealAdmin(ProtectedRecordAdmin):
    list_display = ("id", "case", "received_on", "channel", "urgency", "country")
    list_filter = ("urgency", "country")
    search_fields = ("case__number",)
