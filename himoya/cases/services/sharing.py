"""Sharing a case with another organisation: an explicit, audited decision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, Team
from himoya.cases.models import (
    Case,
    CaseShare,
)
from himoya.cases.services.common import (
    add_event,
    user_of,
)
from himoya.core.audit import audit_record
from himoya.core.policies import require

if TYPE_CHECKING:
    pass


def case_share(
    *, actor: Any, case: Case, organisation: Organisation, team: Team | None = None
) -> CaseShare:
    """Lets another organisation (its coordinators, or one of its teams) see the case."""
    require(actor, "case.manage", case)
    if organisation.pk == case.organisation_id:
        raise ValidationError({"organisation": _("The case already belongs to this organisation.")})
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": _("Choose a team of that organisation.")})
    with transaction.atomic():
        share, _created = CaseShare.objects.update_or_create(
            case=case,
            organisation=organisation,
            defaults={"team": team, "shared_by": user_of(actor)},
        )
        audit_record(
            actor=actor,
            action="case.share",
            obj=case,
            organisation=case.organisation,
            data={"with": organisation.pk, "team": team.pk if team else None},
        )
        add_event(case, "case.shared", actor, organisation=organisation.pk)
    return share


def case_unshare(*, actor: Any, case: Case, organisation: Organisation) -> None:
    require(actor, "case.manage", case)
    with transaction.atomic():
        CaseShare.objects.filter(case=case, organisation=organisation).delete()
        audit_record(
            actor=actor,
            action="case.unshare",
            obj=case,
            organisation=case.organisation,
            data={"with": organisation.pk},
        )
        add_event(case, "case.unshared", actor, organisation=organisation.pk)
