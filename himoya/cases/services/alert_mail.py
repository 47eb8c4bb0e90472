"""The e-mail that follows a case alert (an emergency appeal, an appeal in a closed case):
one per recipient, in their language, naming only the case number and linking to the case,
nothing about the people in it: mail leaves the server unencrypted."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from himoya.cases.models import Alert
from himoya.core.mail import mail_staff

# The subject and body of one alert's mail, written in the recipient's language.
Compose = Callable[[Alert], tuple[str, str]]


def mail_alerts(alert_ids: list[int], compose: Compose, *, log: logging.Logger, what: str) -> None:
    """Mails each alert's recipient who is active and has an address; ``what`` names
    the alert in the log when a mail cannot be sent."""
    base = settings.HIMOYA_BASE_URL.rstrip("/")
    for alert in Alert.objects.filter(pk__in=alert_ids).select_related("case", "recipient"):
        user = alert.recipient
        if not user.email or not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = compose(alert)
        link = reverse("cases:detail", args=[alert.case_id])
        body += "\n\n" + (base + link if base else link)
        mail_staff(
            user, subject, body, log=log, failure=f"{what} mail {alert.pk} could not be sent"
        )
