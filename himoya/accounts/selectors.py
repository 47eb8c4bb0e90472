from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from himoya.accounts.models import Organisation, Team, User
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
