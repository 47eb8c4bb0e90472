"""Who documents and who reads documentation (after the Istanbul Protocol's
need-to-know: what a victim told of sexual violence, and what a clinician found, are
read by the few who must).

* Consents and the allegation interview: recorded by the owning organisation's staff who
  work on the case (its case workers and clinicians); read by whoever sees the case.
* The interview's sexual-violence section: only the case's lawyer, the interviewer and
  the clinicians on the case (``documentation.sexual_violence``).
* Medical and psychological evaluations: written by the clinicians on the case, read by
  them and the case's lawyer; never by analysts, monitors, coordinators or intake.

"Clinicians on the case" is defined once, ``clinician_on_case``: doctors and
psychologists of the owning organisation who see the case.
"""

from __future__ import annotations

from typing import Any

from himoya.accounts.models import Role
from himoya.cases.policies import NOTE_WRITERS
from himoya.core.policies import can, policy

CLINICAL = (Role.DOCTOR, Role.PSYCHOLOGIST)


def _own_org(user: Any, case: Any) -> bool:
    return bool(user.organisation_id and user.organisation_id == case.organisation_id)


def clinician_on_case(user: Any, case: Any) -> bool:
    """A doctor or psychologist assigned to the case right now (``cases.clinicians``):
    seeing the case through a team is not enough to read its clinical record."""
    from himoya.cases.clinicians import CaseClinician

    return (
        user.role in CLINICAL
        and _own_org(user, case)
        and CaseClinician.objects.filter(
            case_id=case.pk, clinician_id=user.pk, ended_at__isnull=True
        ).exists()
        and can(user, "case.view", case)
    )


def case_lawyer(user: Any, case: Any) -> bool:
    return bool(case.lawyer_id and case.lawyer_id == user.pk) and can(user, "case.view", case)


@policy("documentation.record")
def record(user: Any, case: Any) -> bool:
    """Consents and interviews."""
    return user.role in NOTE_WRITERS and _own_org(user, case) and can(user, "case.view", case)


@policy("documentation.sexual_violence")
def sexual_violence(user: Any, interview: Any) -> bool:
    case = interview.case
    if not can(user, "case.view", case):
        return False
    return (
        interview.interviewer_id == user.pk
        or case_lawyer(user, case)
        or clinician_on_case(user, case)
    )


@policy("documentation.evaluation.view")
def evaluation_view(user: Any, case: Any) -> bool:
    return clinician_on_case(user, case) or case_lawyer(user, case)


@policy("documentation.evaluation.write")
def evaluation_write(user: Any, case: Any) -> bool:
    return clinician_on_case(user, case)
