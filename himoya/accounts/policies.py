"""Who may manage organisations, teams and staff."""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import CASE_SCOPE, Organisation, Role
from himoya.core.policies import SystemActor, can, policy


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
    if isinstance(user, SystemActor) or user.is_superuser:
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


def role_grant_refusal(actor: Any, role: str) -> str | None:
    """Why ``actor`` may not give ``role`` to a member of an organisation it manages,
    or None when it may. The one rule for invitations and edits alike:
    * the administrator role, which opens the admin site, only from an administrator;
    * a role that sees cases only from a coordinator: administrators see no cases, and
      could otherwise read them through a confederate (or a second account of their own);
    * instance superusers and the operator's commands grant anything.
    Whether the actor manages the organisation at all is ``organisation.manage_staff``.
    """
    from django.utils.translation import gettext as _

    if isinstance(actor, SystemActor) or actor.is_superuser:
        return None
    if role == Role.ADMIN and actor.role != Role.ADMIN:
        return _("Only an administrator can grant the administrator role.")
    if CASE_SCOPE.get(role, 0) > 0 and actor.role != Role.COORDINATOR:
        return _("Only a coordinator can grant a role that sees cases.")
    return None


def can_grant_role(actor: Any, role: str, organisation: Organisation) -> bool:
    return can(actor, "organisation.manage_staff", organisation) and (
        role_grant_refusal(actor, role) is None
    )


@policy("role.decide")
def role_decide(user: Any, request: Any) -> bool:
    """A pending role change is decided by an instance superuser or by a coordinator of
    the member's organisation who neither asked for it nor is its subject."""
    if user.is_superuser:
        return True
    return bool(
        user.role == Role.COORDINATOR
        and user.organisation_id == request.organisation_id
        and user.pk not in (request.requested_by_id, request.user_id)
    )
