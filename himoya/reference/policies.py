"""Who may change reference data: vocabularies, places of detention, partners."""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy


@policy("vocabulary.manage")
def vocabulary_manage(user: Any, obj: Any) -> bool:
    return user.role in (Role.COORDINATOR, Role.ADMIN)


@policy("facility.manage")
def facility_manage(user: Any, obj: Any) -> bool:
    return user.role in (Role.COORDINATOR, Role.ADMIN, Role.LAWYER, Role.MONITOR)


@policy("partner.manage")
def partner_manage(user: Any, organisation: Any) -> bool:
    return user.role in (Role.COORDINATOR, Role.ADMIN) and (
        user.organisation_id == getattr(organisation, "pk", None)
    )
