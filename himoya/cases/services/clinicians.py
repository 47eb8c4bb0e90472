"""Assigning doctors and psychologists to a case, and ending their assignments.

An assignment opens the case to the clinician (``selectors._visibility``), so both
directions are audited decisions on the case's timeline, taken by those who answer for
the case: its organisation's coordinators and its lawyer (policy ``case.clinicians``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import User
from himoya.cases.clinicians import CLINICAL_ROLES, CaseClinician
from himoya.cases.models import Case
from himoya.cases.services.common import user_of
from himoya.core.events import record_event
from himoya.core.policies import require


def _refuse(clinician: User) -> ValidationError:
    return ValidationError(
        {"clinician": _("%(name)s is already assigned to this case.") % {"name": clinician}}
    )


def clinician_assign(*, actor: Any, case: Case, clinician: User) -> CaseClinician:
    """Assigns ``clinician`` (an active doctor or psychologist of the case's organisation)
    to ``case``; from then on they see it."""
    require(actor, "case.clinicians", case)
    if not (
        clinician.is_active
        and clinician.role in CLINICAL_ROLES
        and clinician.organisation_id == case.organisation_id
    ):
        raise ValidationError(
            {"clinician": _("Choose an active doctor or psychologist of this organisation.")}
        )
    running = CaseClinician.objects.filter(case=case, clinician=clinician, ended_at__isnull=True)
    if running.exists():
        raise _refuse(clinician)
    with transaction.atomic():
        try:
            # Two people assigning the same clinician at once: the constraint keeps one.
            with transaction.atomic():
                assignment = CaseClinician.objects.create(
                    case=case, clinician=clinician, assigned_by=user_of(actor)
                )
        except IntegrityError:
            raise _refuse(clinician) from None
        record_event(
            actor=actor,
            action="case.clinician_assign",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"clinician": clinician.pk, "role": clinician.role, "assignment": assignment.pk},
        )
    return assignment


def clinician_unassign(*, actor: Any, assignment: CaseClinician) -> bool:
    """Ends ``assignment``: the clinician no longer sees the case (unless another rule
    shows it to them). The row stays as history. False if it had already ended (a
    second click), which records nothing."""
    case = assignment.case
    require(actor, "case.clinicians", case)
    with transaction.atomic():
        row = CaseClinician.objects.select_for_update().get(pk=assignment.pk)
        if row.ended_at is not None:
            return False
        row.ended_at = timezone.now()
        row.ended_by = user_of(actor)
        row.save(update_fields=["ended_at", "ended_by"])
        record_event(
            actor=actor,
            action="case.clinician_unassign",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"clinician": row.clinician_id, "assignment": row.pk},
        )
    assignment.ended_at, assignment.ended_by = row.ended_at, row.ended_by
    return True
