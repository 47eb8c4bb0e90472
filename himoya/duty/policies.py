"""Who keeps the duty roster: the organisation's coordinators. Nobody else reads or
changes it through the staff pages (who is on duty is an operational detail; the
lawyers learn of their shifts from their coordinators)."""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy


@policy("duty.manage")
def duty_manage(user: Any, organisation: Any) -> bool:
    return user.role == Role.COORDINATOR and bool(
        user.organisation_id and user.organisation_id == getattr(organisation, "pk", None)
    )
