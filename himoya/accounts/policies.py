"""Who may manage organisations, teams and staff."""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Organisation, Role
from himoya.core.policies import policy


def _org_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)


@policy("organisation.create")
def organisation_create(user: Any, obj: Any) -> bool:
    return bool(user.is_superuser)


@policy("organisation.manage_staff")
def organisation_manage_staff(user: Any, obj: Any) -> bool:
    """Coordinators and administrators of the organisation itself; superusers anywhere."""
    if user.is_superuser:
        return True
    org = _org_of(obj)
    return bool(
        org is not None
        and user.organisation_id == org.pk
        and user.role in (Role.COORDINATOR, Role.ADMIN)
    )


@policy("audit.view")
def audit_view(user: Any, obj: Any) -> bool:
    """The audit log of an organisation: its coordinators and administrators."""
    return organisation_manage_staff(user, obj)
