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
from himoya.cases.selectors import share_recipients
from himoya.cases.services.common import (
    user_of,
)
from himoya.core.events import record_event
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
    if not share_recipients(case.organisation_id).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": _("Nobody in this organisation could receive the case.")}
        )
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": _("Choose a team of that organisation.")})
    with transaction.atomic():
        share, _created = CaseShare.objects.update_or_create(
            case=case,
            organisation=organisation,
            defaults={"team": team, "shared_by": user_of(actor)},
        )
        record_event(
            actor=actor,
            action="case.share",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"with": organisation.pk, "team": team.pk if team else None},
        )
    return share


def case_unshare(*, actor: Any, case: Case, organisation: Organisation) -> None:
    require(actor, "case.manage", case)
    with transaction.atomic():
        CaseShare.objects.filter(case=case, organisation=organisation).delete()
        record_event(
            actor=actor,
            action="case.unshare",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"with": organisation.pk},
        )
