"""Reads of API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from himoya.api.models import ApiToken


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones included)."""
    return ApiToken.objects.filter(user_id=user.pk).select_related("revoked_by")


def active_tokens_managed_by(user: Any) -> QuerySet[ApiToken]:
    """Other staff members' active tokens that ``user`` may revoke: for coordinators and
    administrators, those of their organisation's staff; nobody else gets any."""
    if not getattr(user, "is_org_manager", False) or user.organisation_id is None:
        return ApiToken.objects.none()
    return (
        ApiToken.objects.filter(
            user__organisation_id=user.organisation_id,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(user_id=user.pk)
        .select_related("user")
    )


def revocable_tokens(user: Any) -> QuerySet[ApiToken]:
    """Every token ``user`` may revoke (their own, and as a manager their staff's)."""
    own = ApiToken.objects.filter(user_id=user.pk)
    return (own | active_tokens_managed_by(user)).select_related("user")
