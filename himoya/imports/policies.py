"""Who may import an organisation's registers.

The rule is named for the import (``imports.run``); the audit events an import writes
keep their stored codes (``register.import``, ``register.upload``, ``register.cancel``)."""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy


@policy("imports.run")
def imports_run(user: Any, organisation: Any) -> bool:
    return user.role in (Role.COORDINATOR, Role.ADMIN) and (
        user.organisation_id == getattr(organisation, "pk", None)
    )


@policy("imports.purge")
def imports_purge(user: Any, obj: Any = None) -> bool:
    # Every organisation's jobs at once: the instance's operator (or the daily task).
    return bool(user.is_superuser)
