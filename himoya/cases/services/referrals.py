"""Referrals to partner organisations (legal aid, medical, psychological)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.cases.models import (
    Case,
    Person,
    Referral,
    ReferralKind,
)
from himoya.cases.services.appeal_facts import appeal_facts_refresh
from himoya.cases.services.common import (
    not_in_future,
)
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.reference.models import Partner

if TYPE_CHECKING:
    pass


def referral_add(
    *,
    actor: Any,
    case: Case,
    person: Person,
    kind: str,
    partner: Partner | None = None,
    started_on: dt.date | None = None,
) -> Referral:
    require(actor, "case.edit", case)
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("Unknown value “%(value)s”.") % {"value": kind}})
    if not case.parties.filter(person=person).exists():
        raise ValidationError({"person": _("The person is not part of this case.")})
    if partner is not None and partner.organisation_id != case.organisation_id:
        raise ValidationError({"partner": _("Unknown partner organisation.")})
    not_in_future(started_on, field_name="started_on")
    # A referral recorded without a date was made that day: the statistics count
    # rehabilitation by the date it started (services/appeal_facts.py).
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case, person=person, kind=kind, partner=partner, started_on=started_on
        )
        # Legal aid and rehabilitation are facts of the work: the case's appeals count them.
        counted = appeal_facts_refresh([case.pk])
        record_event(
            actor=actor,
            action="referral.add",
            obj=referral,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "referral": referral.pk, "kind": kind, "appeals": counted},
        )
    return referral


def referral_close(
    *, actor: Any, referral: Referral, ended_on: dt.date, outcome: str = ""
) -> Referral:
    require(actor, "case.edit", referral.case)
    if referral.started_on and ended_on < referral.started_on:
        raise ValidationError({"ended_on": _("The end is before the start.")})
    not_in_future(ended_on, field_name="ended_on")
    with transaction.atomic():
        referral.ended_on = ended_on
        referral.outcome = outcome
        referral.save(update_fields=["ended_on", "outcome"])
        record_event(
            actor=actor,
            action="referral.close",
            obj=referral,
            organisation=referral.case.organisation,
            case=referral.case,
            data={"case": referral.case_id, "referral": referral.pk},
        )
    return referral
