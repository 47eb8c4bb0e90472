"""The case lawyer's findings that a domestic remedy was ineffective, unavailable or
unreasonably prolonged: recorded and withdrawn here, read by the escalation route
(``route.py``) as facts a UN communication's admissibility rests on.

Each write checks ``letters.remedy.record`` (the case's lawyer), runs in one transaction
and records its event (audit and timeline) inside it; the event names the remedy, the
ground and the date, never the reason, which is sealed on the row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.cases.models import Case
from himoya.cases.services.common import not_in_future, user_of
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.letters.models import IneffectiveRemedy, RemedyFault
from himoya.letters.route_data import REMEDY_CHOICES

REASON_MAX_CHARS = 5000


def remedies_in_force(case: Case) -> QuerySet[IneffectiveRemedy]:
    """The case's findings not withdrawn, oldest first. The caller found the case
    through its access helper."""
    return IneffectiveRemedy.objects.filter(case=case, withdrawn_at__isnull=True).select_related(
        "recorded_by"
    )


def remedy_record(
    *, actor: Any, case: Case, remedy: str, fault: str, reason: str, since: dt.date
) -> IneffectiveRemedy:
    """Records that ``remedy`` was ``fault`` since ``since``, and why."""
    require(actor, "letters.remedy.record", case)
    errors = {}
    if remedy not in dict(REMEDY_CHOICES):
        errors["remedy"] = _("Choose the remedy.")
    if fault not in RemedyFault.values:
        errors["fault"] = _("Choose what was wrong with the remedy.")
    reason = reason.strip()
    if not reason:
        errors["reason"] = _("Say why, in plain words: the committee will ask.")
    elif len(reason) > REASON_MAX_CHARS:
        errors["reason"] = _("Write at most %(count)s characters.") % {"count": REASON_MAX_CHARS}
    if errors:
        raise ValidationError(errors)
    not_in_future(since, field_name="since")
    with transaction.atomic():
        finding = IneffectiveRemedy.objects.create(
            case=case,
            remedy=remedy,
            fault=fault,
            reason=reason,
            since=since,
            recorded_by=user_of(actor),
        )
        record_event(
            actor=actor,
            action="letter.remedy.record",
            obj=finding,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "finding": finding.pk,
                "remedy": remedy,
                "fault": fault,
                "since": since.isoformat(),
            },
        )
    return finding


def remedy_withdraw(*, actor: Any, finding: IneffectiveRemedy) -> IneffectiveRemedy:
    """Withdraws a finding (kept, no longer used by the route)."""
    case = finding.case
    require(actor, "letters.remedy.record", case)
    with transaction.atomic():
        locked = IneffectiveRemedy.objects.select_for_update().get(pk=finding.pk)
        if locked.withdrawn_at is not None:
            raise ValidationError(_("This finding was already withdrawn."))
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = user_of(actor)
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        record_event(
            actor=actor,
            action="letter.remedy.withdraw",
            obj=locked,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "finding": locked.pk, "remedy": locked.remedy},
        )
    return locked
