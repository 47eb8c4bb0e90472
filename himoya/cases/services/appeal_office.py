"""Correcting which office received an appeal (the intake form's guess can be wrong,
and older appeals have none)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from himoya.cases.models import Appeal
from himoya.cases.services.appeals import office_for
from himoya.core.events import record_event
from himoya.core.policies import require


def appeal_change_office(*, actor: Any, appeal: Appeal, office: int | None) -> Appeal:
    """Sets the office that received ``appeal`` (None: not recorded). Whoever may edit
    the appeal's case may correct it; the office must be one of the appeal's
    organisation's open offices, or the one it already names."""
    case = appeal.case
    require(actor, "case.edit", case)
    old = appeal.office_id
    chosen = None
    if office is not None:
        chosen = office_for(case.organisation, office, keep=old)
    if (chosen.pk if chosen else None) == old:
        return appeal
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        old = locked.office_id
        Appeal.objects.filter(pk=appeal.pk).update(office=chosen)
        appeal.office = chosen
        record_event(
            actor=actor,
            action="appeal.office",
            obj=appeal,
            organisation=appeal.organisation,
            case=case,
            data={
                "appeal": appeal.pk,
                "received_on": appeal.received_on.isoformat(),
                "from": old,
                "office": chosen.pk if chosen else None,
            },
        )
    return appeal
