"""An emergency appeal that no lawyer has: the lawyers on duty are alerted at once, in
the staff pages and by e-mail (the coordinators when nobody is on duty). Called by
``appeal_register`` inside its transaction, so every channel that registers appeals
(the staff form, the API, later the bot and the web form) raises the same alert in the
same request; the register import records history and alerts nobody."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from himoya.accounts.models import Role, User
from himoya.cases.models import Alert, Appeal, Case, CaseStatus, Urgency
from himoya.cases.services.alert_mail import mail_alerts
from himoya.core.events import record_event
from himoya.duty.selectors import on_duty

log = logging.getLogger(__name__)


def needs_duty_alert(appeal: Appeal) -> bool:
    return appeal.urgency == Urgency.EMERGENCY and appeal.case.lawyer_id is None


def emergency_alert(*, actor: Any, appeal: Appeal) -> list[Alert]:
    """Alerts for ``appeal`` (an emergency in a case without a lawyer): the lawyers on
    duty for the case's region, else for the whole organisation; the active
    coordinators when nobody is on duty or the case is closed (only they reopen it).
    Call inside the registering transaction; the e-mails leave after it commits."""
    case: Case = appeal.case
    recipients: list[User] = []
    if case.status != CaseStatus.CLOSED:
        recipients = on_duty(case.organisation, case.region_id)
    duty = bool(recipients)
    if not duty:
        recipients = list(
            User.objects.filter(
                organisation_id=case.organisation_id, role=Role.COORDINATOR, is_active=True
            ).order_by("pk")
        )
    alerts = [
        Alert.objects.create(
            case=case,
            recipient=user,
            kind=Alert.Kind.URGENT_APPEAL,
            data={"appeal": appeal.pk, "duty": duty},
        )
        for user in recipients
    ]
    record_event(
        actor=actor,
        action="appeal.alert",
        obj=appeal,
        organisation=case.organisation,
        case=case,
        data={
            "case": case.pk,
            "appeal": appeal.pk,
            "duty": duty,
            "recipients": [user.pk for user in recipients],
        },
    )
    if not recipients:
        log.warning(
            "emergency appeal %s: nobody to alert in organisation %s",
            appeal.pk,
            case.organisation_id,
        )
    ids = [a.pk for a in alerts]
    transaction.on_commit(partial(mail_alerts, ids, _compose, log=log, what="emergency alert"))
    return alerts


def _compose(alert: Alert) -> tuple[str, str]:
    number = alert.case.number
    subject = _("Emergency appeal: case %(number)s needs a lawyer") % {"number": number}
    body = _(
        "An emergency appeal (a person at risk now) was registered in case "
        "%(number)s, and no lawyer has taken the case yet."
    ) % {"number": number}
    if alert.data.get("duty"):
        body += "\n\n" + _("You are alerted as a lawyer on duty.")
    else:
        body += "\n\n" + _("Nobody is on duty: you are alerted as a coordinator.")
    return subject, body
