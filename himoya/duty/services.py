"""Keeping the duty roster: a coordinator puts a lawyer on duty and ends a shift."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, Role, User
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.duty.models import DutyShift
from himoya.reference.models import Region

# A longer shift is almost always a typo in a date; a standing arrangement is entered
# as consecutive shifts, which the roster shows.
MAX_SHIFT = dt.timedelta(days=14)


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _facts(shift: DutyShift) -> dict[str, Any]:
    return {
        "shift": shift.pk,
        "lawyer": shift.lawyer_id,
        "region": shift.region_id,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
    }


def shift_add(
    *,
    actor: Any,
    organisation: Organisation,
    lawyer: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    region: Region | None = None,
) -> DutyShift:
    """Puts ``lawyer`` on duty from ``starts_at`` to ``ends_at``, for ``region`` or,
    without one, for the whole organisation. While on duty the lawyer is alerted to
    emergency appeals and sees the urgent cases nobody has taken (cases.selectors)."""
    require(actor, "duty.manage", organisation)
    errors: dict[str, list[str]] = {}
    if (
        lawyer.organisation_id != organisation.pk
        or lawyer.role != Role.LAWYER
        or not lawyer.is_active
    ):
        errors.setdefault("lawyer", []).append(_("Choose an active lawyer of this organisation."))
    if region is not None and organisation.country and region.country != organisation.country:
        errors.setdefault("region", []).append(_("Choose a region of the organisation's country."))
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The end must be after the start."))
    elif ends_at <= timezone.now():
        errors.setdefault("ends_at", []).append(_("This shift has already ended."))
    elif ends_at - starts_at > MAX_SHIFT:
        errors.setdefault("ends_at", []).append(
            _("A shift lasts at most %(days)s days: enter a longer duty as several shifts.")
            % {"days": MAX_SHIFT.days}
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        shift = DutyShift.objects.create(
            organisation=organisation,
            lawyer=lawyer,
            region=region,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=_user(actor),
        )
        record_event(
            actor=actor, action="duty.add", obj=shift, organisation=organisation, data=_facts(shift)
        )
    return shift


def shift_end(*, actor: Any, shift: DutyShift) -> DutyShift:
    """Ends a running shift now; a shift still to come is cancelled (it ends where it
    starts). The row stays: the roster keeps who was on duty when."""
    require(actor, "duty.manage", shift.organisation)
    with transaction.atomic():
        shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
        now = timezone.now()
        if shift.ends_at <= now:
            raise ValidationError(_("This shift has already ended."))
        shift.ends_at = max(now, shift.starts_at)
        shift.ended_by = _user(actor)
        shift.save(update_fields=["ends_at", "ended_by"])
        record_event(
            actor=actor,
            action="duty.end",
            obj=shift,
            organisation=shift.organisation,
            data=_facts(shift),
        )
    return shift
