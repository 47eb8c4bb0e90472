"""Saving the fields of a record that a correction changed, and only those: one rule for
the edit services, so each records in its audit event which fields changed, never the
values, and a save that changes nothing records nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model

from himoya.core.audit import audit_record


def assign_changed(obj: Any, values: Mapping[str, Any]) -> list[str]:
    """Sets the attributes that differ; returns their names."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def save_changed(
    *,
    actor: Any,
    obj: Model,
    values: Mapping[str, Any],
    action: str,
    organisation: Any,
    key: str | None = None,
) -> list[str]:
    """Saves what differs of ``values`` on ``obj`` (locked by the caller, inside its
    transaction) and records ``action`` with the changed fields' names, and the record's
    pk under ``key`` when given. Returns the names."""
    fields = assign_changed(obj, values)
    if fields:
        obj.save(update_fields=fields)
        data: dict[str, Any] = {key: obj.pk} if key else {}
        data["fields"] = fields
        audit_record(actor=actor, action=action, obj=obj, organisation=organisation, data=data)
    return fields
