from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from himoya.accounts.models import Organisation, RoleChangeRequest, Team, User
from himoya.core.models import AuditEvent
from himoya.core.policies import can


def staff_for(user: Any, organisation: Organisation) -> QuerySet[User]:
    if not can(user, "organisation.manage_staff", organisation):
        return User.objects.none()
    return User.objects.filter(organisation=organisation).prefetch_related("teams")


def teams_for(user: Any, organisation: Organisation) -> QuerySet[Team]:
    if user.organisation_id != organisation.pk and not user.is_superuser:
        return Team.objects.none()
    return Team.objects.filter(organisation=organisation).prefetch_related("members")


def audit_events_for(user: Any, organisation: Organisation) -> QuerySet[AuditEvent]:
    if not can(user, "audit.view", organisation):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organisation=organisation).order_by("-seq")


def pending_role_requests_for(user: Any, organisation: Organisation) -> list[RoleChangeRequest]:
    """The organisation's role changes waiting for approval, each marked ``can_decide``
    for ``user``; empty for anyone who does not manage its staff."""
    if not can(user, "organisation.manage_staff", organisation):
        return []
    requests = list(
        RoleChangeRequest.objects.filter(organisation=organisation, state="pending")
        .select_related("user", "requested_by")
        .order_by("created_at", "pk")
    )
    for request in requests:
        request.can_decide = can(user, "role.decide", request)  # type: ignore[attr-defined]
    return requests


def role_requests_for(user: Any, organisation: Organisation) -> QuerySet[RoleChangeRequest]:
    if not can(user, "organisation.manage_staff", organisation):
        return RoleChangeRequest.objects.none()
    return RoleChangeRequest.objects.filter(organisation=organisation)
