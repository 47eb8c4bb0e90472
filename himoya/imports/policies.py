"""Who may import an organisation's registers."""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy


@policy("register.import")
def register_import(user: Any, organisation: Any) -> bool:
    return user.role in (Role.COORDINATOR, Role.ADMIN) and (
        user.organisation_id == getattr(organisation, "pk", None)
    )
