"""Need-to-know rules for cases.

Who sees a case (the queryset form of this rule is ``selectors.visible_cases``):
* its organisation's coordinators;
* members of the case's team, its assigned lawyer and whoever registered it;
* for an organisation the case was explicitly shared with: that organisation's
  coordinators and, if the share names one, that team's members;
* a lawyer on duty (``himoya.duty``), while the shift runs: the organisation's open
  cases with an urgent or emergency appeal that no lawyer has taken yet, in the
  regions the shift covers and those without a region (all of them on a duty for the
  whole organisation). Once a lawyer is assigned, or the shift ends, that is over;
* a doctor or psychologist of the organisation assigned to the case (``CaseClinician``),
  while the assignment runs.
Analysts and administrators see statistics, not identities: no case rule names them.

Who changes a case: staff of the owning organisation who see it, in a role that does
legal or intake work. Sharing, assigning and reopening are the coordinators'; a lawyer
on duty takes an urgent case nobody has taken (assigns it to themselves).
Doctors and psychologists are assigned to a case, and unassigned, by the organisation's
coordinators and by the case's lawyer. An assigned clinician reads the whole case page
(as a team member does: nothing on it is kept from the case's team today) and adds notes,
and changes nothing else.
"""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.core.policies import policy

CASE_WORKERS = (Role.COORDINATOR, Role.LAWYER, Role.MONITOR, Role.INTAKE)
NOTE_WRITERS = (*CASE_WORKERS, Role.DOCTOR, Role.PSYCHOLOGIST)
REGISTRARS = (Role.COORDINATOR, Role.LAWYER, Role.MONITOR, Role.INTAKE)


def _sees(user: Any, case: Any) -> bool:
    from himoya.cases.selectors import visible_cases

    return visible_cases(user).filter(pk=case.pk).exists()


def _own_org(user: Any, case: Any) -> bool:
    return bool(user.organisation_id and user.organisation_id == case.organisation_id)


@policy("case.view")
def case_view(user: Any, case: Any) -> bool:
    return _sees(user, case)


@policy("case.edit")
def case_edit(user: Any, case: Any) -> bool:
    return user.role in CASE_WORKERS and _own_org(user, case) and _sees(user, case)


@policy("case.note")
def case_note(user: Any, case: Any) -> bool:
    return user.role in NOTE_WRITERS and _own_org(user, case) and _sees(user, case)


@policy("case.manage")
def case_manage(user: Any, case: Any) -> bool:
    """Assign, share, reopen: the owning organisation's coordinators."""
    return user.role == Role.COORDINATOR and _own_org(user, case)


@policy("case.clinicians")
def case_clinicians(user: Any, case: Any) -> bool:
    """Assign doctors and psychologists to the case and end their assignments: the
    owning organisation's coordinators, and the case's lawyer while they work on it."""
    if not (user.is_active and _own_org(user, case)):
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role in CASE_WORKERS and case.lawyer_id is not None and case.lawyer_id == user.pk


@policy("case.take")
def case_take(user: Any, case: Any) -> bool:
    """A lawyer on duty assigns to themselves a case of the urgent queue they see."""
    from himoya.cases.selectors import awaiting_lawyer, visible_cases
    from himoya.duty.selectors import duty_cover

    return (
        user.role == Role.LAWYER
        and _own_org(user, case)
        and duty_cover(user) is not None
        and visible_cases(user).filter(awaiting_lawyer(), pk=case.pk).exists()
    )


@policy("appeal.register")
def appeal_register(user: Any, organisation: Any) -> bool:
    return user.role in REGISTRARS and user.organisation_id == getattr(organisation, "pk", None)


@policy("case.export")
def case_export(user: Any, organisation: Any) -> bool:
    return user.role in (Role.COORDINATOR, Role.LAWYER) and (
        user.organisation_id == getattr(organisation, "pk", None)
    )
