"""An overdue answer reminds the lawyer once a day while it stays overdue: one audited
event and one e-mail per day however often the reminder runs, and one line on the
dashboard; a forwarding starts a new clock, an answer ends the reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation

from himoya.core.formats import show_date
from himoya.core.models import AuditEvent
from himoya.letters import services
from himoya.letters.models import Letter, Recipient
from himoya.letters.reminders import remind_overdue
from tests.conftest import make_client
from tests.letters.test_letters import _letter

pytestmark = pytest.mark.django_db

D = dt.date
DASHBOARD = "/staff/cases/dashboard/"


def _sent(staff):
    staff.case.lawyer = staff.lawyer
    staff.case.save(update_fields=["lawyer"])
    letter = services.letter_sign(actor=staff.lawyer, letter=_letter(staff))
    # Sent Wednesday 19 March 2025: 15 KZ working days end on Monday 14 April.
    return services.letter_dispatch(
        actor=staff.lawyer, letter=letter, sent_on=D(2025, 3, 19), channel="post"
    )


def _reminders():
    return AuditEvent.objects.filter(action="letter.remind").count()


def test_an_overdue_answer_reminds_once_a_day(
    staff, shipped, mailoutbox, django_capture_on_commit_callbacks
):
    letter = _sent(staff)
    assert letter.due_on == D(2025, 4, 14)
    assert remind_overdue(today=D(2025, 4, 14)) == 0  # due that day, not overdue yet
    for day, expected in ((D(2025, 4, 15), 1), (D(2025, 4, 16), 2)):
        for run in range(3):  # the worker, a retry and the command on one day
            with django_capture_on_commit_callbacks(execute=True):
                assert remind_overdue(today=day) == (1 if run == 0 else 0)
        assert _reminders() == expected
        assert [m.to for m in mailoutbox] == [[staff.lawyer.email]] * expected
        assert Letter.objects.get(pk=letter.pk).reminded_on == day
    # The due date in the lawyer's language's rule (14.04.2025 in Russian), as pages show it.
    with translation.override(staff.lawyer.language or settings.LANGUAGE_CODE):
        assert show_date(D(2025, 4, 14)) in mailoutbox[0].body
    assert staff.case.number in mailoutbox[0].subject
    # On the dashboard it is one line, however many reminders were sent.
    page = make_client(staff.lawyer).get(DASHBOARD).content.decode()
    assert page.count(f'data-letter="{letter.pk}"') == 1


def test_a_forwarding_restarts_the_reminders_and_an_answer_ends_them(
    staff, shipped, mailoutbox, django_capture_on_commit_callbacks
):
    letter = _sent(staff)
    assert remind_overdue(today=D(2025, 4, 15)) == 1
    # Forwarded on 16 April to the Ombudsman (15 working days, across 1, 7 and 9 May: 12 May).
    forwarded = services.letter_answer(
        actor=staff.lawyer,
        letter=letter,
        answered_on=D(2025, 4, 16),
        outcome="forwarded",
        forwarded_to=Recipient.objects.get(country="KZ", kind="ombudsman"),
    )
    assert forwarded.reminded_on is None
    assert forwarded.due_on == D(2025, 5, 12)
    assert remind_overdue(today=D(2025, 5, 12)) == 0
    assert remind_overdue(today=D(2025, 5, 13)) == 1
    services.letter_answer(
        actor=staff.lawyer, letter=forwarded, answered_on=D(2025, 5, 14), outcome="refused"
    )
    assert remind_overdue(today=D(2025, 5, 15)) == 0
    assert _reminders() == 2
    page = make_client(staff.lawyer).get(DASHBOARD).content.decode()
    assert f'data-letter="{letter.pk}"' not in page


def test_the_command_reminds_once_a_day(staff, shipped, mailoutbox):
    letter = _sent(staff)
    call_command("letter_reminders")
    call_command("letter_reminders")
    assert _reminders() == 1
    assert Letter.objects.get(pk=letter.pk).reminded_on == timezone.localdate()
