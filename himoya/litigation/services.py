"""Writes of litigation and remedies. Each checks that the actor may work on the case
(``case.edit``), runs in one transaction and records its event (audit and timeline)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from himoya.cases.models import Case
from himoya.cases.services.common import not_in_future, user_of
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.litigation.currencies import CURRENCIES
from himoya.litigation.models import (
    Compensation,
    CourtDecision,
    CourtProceeding,
    Instance,
    ProceedingKind,
)


def proceeding_add(
    *,
    actor: Any,
    case: Case,
    kind: str,
    instance: str,
    court: str,
    court_number: str = "",
    started_on: dt.date | None = None,
    strategic: bool = False,
) -> CourtProceeding:
    require(actor, "case.edit", case)
    errors: dict[str, str] = {}
    if kind not in ProceedingKind.values:
        errors["kind"] = _("Choose the kind of proceeding.")
    if instance not in Instance.values:
        errors["instance"] = _("Choose the instance.")
    if not court.strip():
        errors["court"] = _("Enter the court.")
    if errors:
        raise ValidationError(errors)
    not_in_future(started_on, field_name="started_on")
    with transaction.atomic():
        proceeding = CourtProceeding.objects.create(
            case=case,
            kind=kind,
            instance=instance,
            court=court.strip(),
            court_number=court_number.strip(),
            started_on=started_on,
            strategic=strategic,
            created_by=user_of(actor),
        )
        record_event(
            actor=actor,
            action="proceeding.add",
            obj=proceeding,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "proceeding": proceeding.pk,
                "kind": kind,
                "instance": instance,
                "strategic": strategic,
            },
        )
    return proceeding


def proceeding_set_strategic(
    *, actor: Any, proceeding: CourtProceeding, strategic: bool
) -> CourtProceeding:
    """Marks a proceeding as strategic litigation, or no longer."""
    case = proceeding.case
    require(actor, "case.edit", case)
    if proceeding.strategic == strategic:
        return proceeding
    with transaction.atomic():
        proceeding.strategic = strategic
        proceeding.save(update_fields=["strategic"])
        record_event(
            actor=actor,
            action="proceeding.strategic",
            obj=proceeding,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "proceeding": proceeding.pk, "strategic": strategic},
        )
    return proceeding


def decision_add(
    *,
    actor: Any,
    proceeding: CourtProceeding,
    decided_on: dt.date,
    result: str,
    final: bool = False,
) -> CourtDecision:
    case = proceeding.case
    require(actor, "case.edit", case)
    if not result.strip():
        raise ValidationError({"result": _("Enter what the court decided.")})
    not_in_future(decided_on, field_name="decided_on")
    if proceeding.started_on and decided_on < proceeding.started_on:
        raise ValidationError(
            {"decided_on": _("The decision cannot be earlier than the start of the proceeding.")}
        )
    with transaction.atomic():
        decision = CourtDecision.objects.create(
            proceeding=proceeding,
            decided_on=decided_on,
            result=result.strip(),
            final=final,
            created_by=user_of(actor),
        )
        record_event(
            actor=actor,
            action="decision.add",
            obj=decision,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "proceeding": proceeding.pk,
                "decision": decision.pk,
                "instance": proceeding.instance,
                "decided_on": decided_on.isoformat(),
                "final": final,
            },
        )
    return decision


def _money(
    errors: dict[str, str], amount: Decimal | None, currency: str, amount_field: str, field: str
) -> None:
    if amount is not None and amount < 0:
        errors[amount_field] = _("The amount cannot be negative.")
    if amount is not None and currency not in CURRENCIES:
        errors[field] = _("Choose the currency.")


def _amount_data(amount: Decimal | None, currency: str) -> str | None:
    return None if amount is None else f"{amount} {currency}"


def compensation_add(
    *,
    actor: Any,
    case: Case,
    proceeding: CourtProceeding | None = None,
    claimed_amount: Decimal | None = None,
    claimed_currency: str = "",
    claimed_on: dt.date | None = None,
    awarded_amount: Decimal | None = None,
    awarded_currency: str = "",
    awarded_on: dt.date | None = None,
    payer: str = "",
) -> Compensation:
    """A compensation claim, an award, or both (an award made without a recorded
    claim, such as one decided by a state body on its own)."""
    require(actor, "case.edit", case)
    errors: dict[str, str] = {}
    if claimed_amount is None and awarded_amount is None:
        errors["claimed_amount"] = _("Enter the amount claimed or the amount awarded.")
    _money(errors, claimed_amount, claimed_currency, "claimed_amount", "claimed_currency")
    _money(errors, awarded_amount, awarded_currency, "awarded_amount", "awarded_currency")
    if proceeding is not None and proceeding.case_id != case.pk:
        errors["proceeding"] = _("Choose a proceeding of this case.")
    if errors:
        raise ValidationError(errors)
    _dates(claimed_on, awarded_on)
    with transaction.atomic():
        compensation = Compensation.objects.create(
            case=case,
            proceeding=proceeding,
            claimed_amount=claimed_amount,
            claimed_currency=claimed_currency if claimed_amount is not None else "",
            claimed_on=claimed_on,
            awarded_amount=awarded_amount,
            awarded_currency=awarded_currency if awarded_amount is not None else "",
            awarded_on=awarded_on,
            payer=payer.strip(),
            created_by=user_of(actor),
        )
        record_event(
            actor=actor,
            action="compensation.add",
            obj=compensation,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "compensation": compensation.pk,
                "claimed": _amount_data(claimed_amount, claimed_currency),
                "awarded": _amount_data(awarded_amount, awarded_currency),
            },
        )
    return compensation


def _dates(claimed_on: dt.date | None, awarded_on: dt.date | None) -> None:
    not_in_future(claimed_on, field_name="claimed_on")
    not_in_future(awarded_on, field_name="awarded_on")
    if claimed_on and awarded_on and awarded_on < claimed_on:
        raise ValidationError({"awarded_on": _("The award cannot be earlier than the claim.")})


def compensation_award(
    *,
    actor: Any,
    compensation: Compensation,
    awarded_amount: Decimal,
    awarded_currency: str,
    awarded_on: dt.date | None,
    payer: str = "",
) -> Compensation:
    """Records what was awarded on a claim (or corrects an award recorded before)."""
    case = compensation.case
    require(actor, "case.edit", case)
    errors: dict[str, str] = {}
    _money(errors, awarded_amount, awarded_currency, "awarded_amount", "awarded_currency")
    if errors:
        raise ValidationError(errors)
    _dates(compensation.claimed_on, awarded_on)
    with transaction.atomic():
        compensation.awarded_amount = awarded_amount
        compensation.awarded_currency = awarded_currency
        compensation.awarded_on = awarded_on
        if payer.strip():
            compensation.payer = payer.strip()
        compensation.save(
            update_fields=["awarded_amount", "awarded_currency", "awarded_on", "payer"]
        )
        record_event(
            actor=actor,
            action="compensation.award",
            obj=compensation,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "compensation": compensation.pk,
                "awarded": _amount_data(awarded_amount, awarded_currency),
            },
        )
    return compensation
