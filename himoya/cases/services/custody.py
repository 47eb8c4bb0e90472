"""Custody records, and the transfer alerts they raise; alerts read."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.cases.models import (
    Alert,
    Case,
    CaseStatus,
    CustodyRecord,
    Person,
)
from himoya.cases.services.common import (
    not_in_future,
    user_of,
)
from himoya.core.audit import audit_record
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.reference.models import Facility
from himoya.reference.services import retired_place

if TYPE_CHECKING:
    pass


def custody_record(
    *,
    actor: Any,
    case: Case,
    person: Person,
    facility: Facility,
    since: dt.date,
    note: str = "",
) -> CustodyRecord:
    """Records where a person is held. A move of a person who complained is a possible
    reprisal: the lawyers of their open cases get an alert."""
    require(actor, "case.edit", case)
    if not case.parties.filter(person=person).exists():
        raise ValidationError({"person": _("The person is not part of this case.")})
    not_in_future(since, field_name="since")
    if not facility.active:
        raise ValidationError({"facility": retired_place()})
    with transaction.atomic():
        previous = person.custody.filter(until__isnull=True).select_related("facility").first()
        if previous is not None and previous.since > since:
            raise ValidationError(
                {
                    "since": _("The person was recorded in %(place)s from a later date.")
                    % {"place": previous.facility}
                }
            )
        record = CustodyRecord.objects.create(
            person=person, facility=facility, since=since, note=note, recorded_by=user_of(actor)
        )
        transfer = previous is not None and previous.facility_id != facility.pk
        if previous is not None:
            previous.until = since
            previous.save(update_fields=["until"])
        record_event(
            actor=actor,
            action="custody.record",
            obj=record,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "facility": facility.pk,
                "transfer": transfer,
                "previous": previous.facility_id if previous else None,
            },
        )
        if transfer:
            complained = (
                Case.objects.filter(parties__person=person, appeals__isnull=False)
                .exclude(status=CaseStatus.CLOSED)
                .distinct()
            )
            for affected in complained:
                recipients = {affected.lawyer} if affected.lawyer else set()
                if not recipients and affected.team:
                    recipients = set(affected.team.members.filter(is_active=True))
                for recipient in recipients:
                    Alert.objects.create(
                        case=affected,
                        recipient=recipient,
                        kind=Alert.Kind.TRANSFER,
                        data={
                            "person": person.pk,
                            "from": previous.facility_id,  # type: ignore[union-attr]
                            "to": facility.pk,
                            "since": since.isoformat(),
                        },
                    )
    return record


def alert_mark_read(*, actor: Any, alert: Alert) -> Alert:
    if alert.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied("alert.read")
    with transaction.atomic():
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
        audit_record(actor=actor, action="alert.read", obj=alert)
    return alert
