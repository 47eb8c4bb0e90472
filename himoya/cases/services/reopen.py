"""An appeal that joins a closed case: the case's lawyer is alerted (and the
coordinators, who alone may reopen it), in the staff pages and by e-mail. Called by
``appeal_register`` inside its transaction; the case page then offers to reopen the case
(reopening is ``case_change_status`` back to "in progress", the coordinators' right)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from himoya.accounts.models import Role, User
from himoya.cases.models import Alert, Appeal, Case, CaseStatus
from himoya.cases.services.alert_mail import mail_alerts
from himoya.core.events import record_event

log = logging.getLogger(__name__)


def needs_reopen_alert(appeal: Appeal, *, opened_case: bool) -> bool:
    return not opened_case and appeal.case.status == CaseStatus.CLOSED


def closed_case_alert(*, actor: Any, appeal: Appeal) -> list[Alert]:
    """Alerts for ``appeal``, registered in a closed case: its lawyer (when active) and
    the organisation's active coordinators, once each; whoever registered it is not
    alerted about their own work. The e-mails leave after the transaction commits."""
    case: Case = appeal.case
    recipients: dict[int, User] = {}
    if case.lawyer is not None and case.lawyer.is_active:
        recipients[case.lawyer.pk] = case.lawyer
    for user in User.objects.filter(
        organisation_id=case.organisation_id, role=Role.COORDINATOR, is_active=True
    ).order_by("pk"):
        recipients.setdefault(user.pk, user)
    recipients.pop(getattr(actor, "pk", None), None)  # type: ignore[arg-type]
    alerts = [
        Alert.objects.create(
            case=case,
            recipient=user,
            kind=Alert.Kind.CLOSED_CASE_APPEAL,
            data={"appeal": appeal.pk, "lawyer": user.pk == case.lawyer_id},
        )
        for user in recipients.values()
    ]
    record_event(
        actor=actor,
        action="appeal.closed_alert",
        obj=appeal,
        organisation=case.organisation,
        case=case,
        data={"case": case.pk, "appeal": appeal.pk, "recipients": sorted(recipients)},
    )
    ids = [a.pk for a in alerts]
    transaction.on_commit(partial(mail_alerts, ids, _compose, log=log, what="closed-case appeal"))
    return alerts


def _compose(alert: Alert) -> tuple[str, str]:
    number = alert.case.number
    subject = _("New appeal in the closed case %(number)s") % {"number": number}
    body = _(
        "A new appeal was registered in case %(number)s, which is closed. "
        "Look at it and decide whether to reopen the case."
    ) % {"number": number}
    return subject, body
