"""Overdue answers remind the lawyer once a day while they stay overdue (``reminded_on``
holds the last day reminded, so a second run on the same day, or two workers at once,
send nothing more; a forwarding restarts the clock and clears it), by an audited event
and an e-mail to the case's lawyer, or to whoever made the letter when the case has
none. The dashboard lists each overdue answer once, whatever the reminders did."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himoya.core.events import record_event
from himoya.core.formats import show_date
from himoya.core.mail import mail_staff
from himoya.core.policies import SystemActor
from himoya.letters.models import Letter, LetterStatus

log = logging.getLogger(__name__)


def overdue_unreminded(today: dt.date) -> Any:
    return Letter.objects.filter(
        Q(reminded_on__isnull=True) | Q(reminded_on__lt=today),
        status=LetterStatus.SENT,
        due_on__lt=today,
    )


def remind_overdue(*, today: dt.date | None = None, actor: Any = None, base_url: str = "") -> int:
    """Reminds every overdue answer not reminded today; returns how many."""
    today = today or timezone.localdate()
    actor = actor or SystemActor("letter-reminders")
    count = 0
    for pk in list(overdue_unreminded(today).values_list("pk", flat=True)):
        with transaction.atomic():
            if not overdue_unreminded(today).filter(pk=pk).update(reminded_on=today):
                continue  # another run took it
            letter = Letter.objects.select_related("case__lawyer", "created_by").get(pk=pk)
            case = letter.case
            record_event(
                actor=actor,
                action="letter.remind",
                obj=letter,
                organisation=case.organisation,
                data={"case": case.pk, "letter": pk, "due_on": str(letter.due_on)},
            )
            person = case.lawyer or letter.created_by
            if person is not None and person.email:
                transaction.on_commit(partial(_mail, person, letter, base_url))
        count += 1
    return count


def _mail(user: Any, letter: Letter, base_url: str) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Overdue answer: case %(number)s") % {"number": letter.case.number}
        body = _("The answer to a letter in case %(number)s was due on %(date)s.") % {
            "number": letter.case.number,
            "date": show_date(letter.due_on),
        }
        if base_url:
            body += "\n\n" + base_url.rstrip("/") + f"/staff/letters/{letter.pk}/"
    # The reminder is recorded and the deadlines page shows it, whatever the mail does.
    failure = f"reminder mail for letter {letter.pk} could not be sent"
    mail_staff(user, subject, body, log=log, failure=failure)
