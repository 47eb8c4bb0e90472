"""Who may do what with evidence.

Evidence is case data of the most sensitive kind (photographs of a person's body): it is
seen by whoever sees the case and works on it, never by analysts or administrators, who
see statistics only, even where a case were shared with them. Adding evidence is for the
case's workers and its clinicians, of the owning organisation; redacting (making a new
working copy) the same. Sharing it outside (the evidence package) is for the case's
coordinators and lawyers.
"""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy

NEVER = (Role.ANALYST, Role.ADMIN)
ADDERS = (
    Role.COORDINATOR,
    Role.LAWYER,
    Role.MONITOR,
    Role.INTAKE,
    Role.DOCTOR,
    Role.PSYCHOLOGIST,
)


def _sees(user: Any, case: Any) -> bool:
    from himoya.cases.selectors import visible_cases

    return visible_cases(user).filter(pk=case.pk).exists()


@policy("evidence.view")
def evidence_view(user: Any, case: Any) -> bool:
    return getattr(user, "role", None) not in NEVER and _sees(user, case)


@policy("evidence.add")
def evidence_add(user: Any, case: Any) -> bool:
    return (
        getattr(user, "role", None) in ADDERS
        and bool(user.organisation_id)
        and user.organisation_id == case.organisation_id
        and _sees(user, case)
    )


SHARERS = (Role.COORDINATOR, Role.LAWYER)


@policy("evidence.share")
def evidence_share(user: Any, case: Any) -> bool:
    """Handing evidence outside (the package for a prosecutor, a court, a UN body): the
    owning organisation's coordinators and lawyers who see the case. The sharing consent
    is the service's check, in its transaction."""
    return (
        getattr(user, "role", None) in SHARERS
        and bool(user.organisation_id)
        and user.organisation_id == case.organisation_id
        and _sees(user, case)
    )
