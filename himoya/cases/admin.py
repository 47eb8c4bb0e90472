"""Django admin for the cases app.

Persons, cases and appeals are instance superusers' only: no organisation role reaches
them here, whatever Django permissions it holds (an organisation's staff read cases
through the staff pages, where need-to-know and auditing apply). Every page that shows
one is an ``admin.view`` event recorded in the record's organisation's audit log, and
every change goes to the audit chain (AuditedAdmin). Foreign keys to persons are shown
as ids, never as a list of every person on the instance.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from himoya.cases.models import Appeal, Case, Person
from himoya.core.admin import AuditedAdmin, InstanceOnlyMixin
from himoya.core.fields import BlindIndexField


class ProtectedRecordAdmin(InstanceOnlyMixin, AuditedAdmin):
    """Case data: superusers only; records come from the services, never added or
    deleted here (other records point at them and the audit chain names them)."""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if f.editable and f.name != "id" and not isinstance(f, BlindIndexField)
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            ("organisation", "created_by", "version")
            if hasattr(self.model, "version")
            else ("organisation",)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new records come through the services (appeals, imports)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Django's own admin log keeps str(obj) in plain text outside the audit chain: the
    # chain records these changes instead.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        return None

    def log_deletion(self, request: HttpRequest, obj: Any, object_repr: str) -> None:
        return None


@admin.register(Person)
class PersonAdmin(ProtectedRecordAdmin):
    list_display = ("id", "organisation", "sex", "created_at")
    list_filter = ("sex",)


@admin.register(Case)
class CaseAdmin(ProtectedRecordAdmin):
    list_display = ("number", "organisation", "status", "opened_on", "country", "lawyer")
    list_filter = ("status", "country")
    search_fields = ("number", "external_id")
    raw_id_fields = ("lawyer", "team", "facility", "region", "agency", "updated_by")


@admin.register(Appeal)
class AppealAdmin(ProtectedRecordAdmin):
    list_display = ("id", "case", "received_on", "channel", "urgency", "country")
    list_filter = ("urgency", "country")
    search_fields = ("case__number",)
    raw_id_fields = ("case", "victim", "applicant", "registered_by")
