"""Who may see and keep an organisation's publications, trainings and offices.

They are the organisation's public face, not case data: every member of the
organisation may read them; its coordinators and administrators keep them."""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy


def _member(user: Any, organisation: Any) -> bool:
    return bool(user.organisation_id) and user.organisation_id == getattr(organisation, "pk", None)


@policy("outreach.view")
def outreach_view(user: Any, organisation: Any) -> bool:
    return _member(user, organisation)


@policy("outreach.manage")
def outreach_manage(user: Any, organisation: Any) -> bool:
    """Publications, trainings and offices: add and edit."""
    return user.role in (Role.COORDINATOR, Role.ADMIN) and _member(user, organisation)
