"""Who may read an organisation's statistics (figures, never identities)."""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy


@policy("stats.view")
def stats_view(user: Any, organisation: Any) -> bool:
    return user.role in (Role.ANALYST, Role.COORDINATOR, Role.ADMIN) and (
        user.organisation_id == getattr(organisation, "pk", None)
    )
