"""The staff e-mails the app sends by itself (alerts, reminders): one rule for how they
leave and what happens when they cannot."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail


def mail_staff(user: Any, subject: str, body: str, *, log: logging.Logger, failure: str) -> None:
    """Sends ``body`` to ``user`` under the project's subject prefix. A failure is
    logged (``failure``, on the caller's logger) and not raised: what the mail announces
    is already recorded in the staff pages, the mail is a second way to learn of it."""
    try:
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception:
        log.exception(failure)
