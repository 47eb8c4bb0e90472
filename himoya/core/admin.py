from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from himoya.core.audit import audit_record
from himoya.core.models import AuditEvent


def _organisation_of(obj: Any) -> Any:
    """The organisation a record belongs to, so that its organisation's audit log shows
    who opened or changed it in the admin (None: the actor's own organisation)."""
    if obj is None:
        return None
    from himoya.accounts.models import Organisation

    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


class AuditedViewsMixin:
    """Every page of the admin that shows records is an ``admin.view`` event, whoever
    opens it: the list (``data`` names the model, never the search, which may hold a
    name), a record, its history and its deletion page. Only pages that answered are
    recorded; a refused one raised before this point."""

    model: Any

    def audit_organisation(self, obj: Any) -> Any:
        return _organisation_of(obj)

    def _audit_view(self, request: HttpRequest, response: HttpResponse, object_id: Any) -> None:
        if request.method != "GET" or response.status_code != 200:
            return
        if object_id is None:
            audit_record(
                actor=request.user,
                action="admin.view",
                data={"model": self.model._meta.label_lower},
            )
            return
        obj = self.get_object(request, str(object_id))  # type: ignore[attr-defined]
        if obj is not None:
            audit_record(
                actor=request.user,
                action="admin.view",
                obj=obj,
                organisation=self.audit_organisation(obj),
            )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        self._audit_view(request, response, None)
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if object_id:
            self._audit_view(request, response, object_id)
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        self._audit_view(request, response, object_id)
        return response

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        self._audit_view(request, response, object_id)
        return response


class InstanceOnlyMixin:
    """Records no organisation role may reach through the admin, whatever Django
    permissions it was given (need-to-know is decided by roles and policies, not by
    them): only an instance superuser sees these models at all."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _superuser(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _superuser(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


def _superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


def restrict_other_admins(site: admin.AdminSite) -> None:
    """The admins other packages register (groups, e-mail addresses, two-factor
    devices, task results) become superusers' only and audited like ours: a staff
    account given Django permissions would otherwise read or delete other
    organisations' two-factor devices there. Run once every admin module is loaded."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedViewsMixin):
            continue
        base = type(model_admin)
        site.unregister(model)
        site.register(
            model,
            type(base.__name__, (InstanceOnlyMixin, AuditedViewsMixin, base), {}),
        )


class AuditedAdmin(AuditedViewsMixin, admin.ModelAdmin):
    """Admin changes are written to the audit chain like any service's change, and every
    page that shows records is recorded as a view."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            organisation=self.audit_organisation(obj),
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user,
            action="admin.delete",
            obj=obj,
            organisation=self.audit_organisation(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(InstanceOnlyMixin, AuditedViewsMixin, admin.ModelAdmin):
    """The whole chain, every organisation's: the instance's superusers only (an
    organisation reads its own events on its audit log page)."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("action", "object_type", "object_id", "request_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
