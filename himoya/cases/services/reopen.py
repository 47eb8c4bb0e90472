"""An appeal that joins a closed case: the case's lawyer is alerted (and the
coordinators, who alone may reopen it), in the staff pages and by e-mail. Called by
``appeal_register`` inside its transaction; the case page then offers to reopen the case
(reopening is ``case_change_status`` back to "in progress", the coordinators' right)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from himoya.accounts.models import Role, User
from himoya.cases.models import Alert, Appeal, Case, CaseStatus
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
    transaction.on_commit(partial(_mail, [a.pk for a in alerts]))
    return alerts


def _mail(alert_ids: list[int]) -> None:
    """One e-mail per recipient, in their language, naming only the case number and its
    address: mail leaves the server unencrypted."""
    base = settings.HIMOYA_BASE_URL.rstrip("/")
    for alert in Alert.objects.filter(pk__in=alert_ids).select_related("case", "recipient"):
        user = alert.recipient
        if not user.email or not user.is_active:
            continue
        number = alert.case.number
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = _("New appeal in the closed case %(number)s") % {"number": number}
            body = _(
                "A new appeal was registered in case %(number)s, which is closed. "
                "Look at it and decide whether to reopen the case."
            ) % {"number": number}
        link = reverse("cases:detail", args=[alert.case_id])
        body += "\n\n" + (base + link if base else link)
        try:
            send_mail(
                settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        except Exception:  # the alert in the staff pages stands; the mail is a second way
            log.exception("closed-case appeal mail %s could not be sent", alert.pk)
