"""Overdue answers on the dashboards of the lawyers and coordinators who may see the
case; the deadlines page with each due date's rule, legal basis and verification."""

from __future__ import annotations

import datetime as dt

import pytest

from himoya.letters import services
from himoya.letters.models import Recipient
from tests.conftest import make_client
from tests.letters.test_letters import _letter

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/cases/dashboard/"


def _sent(staff, sent_on):
    letter = services.letter_sign(actor=staff.lawyer, letter=_letter(staff))
    return services.letter_dispatch(
        actor=staff.lawyer, letter=letter, sent_on=sent_on, channel="post"
    )


def test_an_overdue_answer_is_on_the_lawyers_and_coordinators_dashboards(staff, shipped):
    letter = _sent(staff, dt.date(2025, 3, 19))  # due 14 April 2025, long past
    line = f'data-letter="{letter.pk}"'
    for user in (staff.lawyer, staff.coordinator):
        page = make_client(user).get(DASHBOARD).content.decode()
        assert line in page and staff.case.number in page, user
        assert "overdue-letters" in page
    # A monitor of the team does not chase answers; another organisation sees nothing.
    for user in (staff.monitor, staff.b_coordinator):
        page = make_client(user).get(DASHBOARD).content.decode()
        assert line not in page and "overdue-letters" not in page, user
    # Answered, it leaves the dashboard.
    services.letter_answer(
        actor=staff.lawyer, letter=letter, answered_on=dt.date(2025, 4, 20), outcome="accepted"
    )
    assert line not in make_client(staff.lawyer).get(DASHBOARD).content.decode()


def test_a_letter_not_yet_due_is_not_on_the_dashboard(staff, shipped):
    letter = _sent(staff, dt.date.today())  # noqa: DTZ011
    page = make_client(staff.lawyer).get(DASHBOARD).content.decode()
    assert f'data-letter="{letter.pk}"' not in page
    deadlines = make_client(staff.lawyer).get("/staff/letters/").content.decode()
    assert f'data-letter="{letter.pk}"' in deadlines


def test_the_deadlines_page_gives_the_legal_basis_and_marks_unverified_rules(staff, shipped):
    letter = _sent(staff, dt.date(2025, 3, 19))
    client = make_client(staff.lawyer)
    row = client.get("/staff/letters/").content.decode().split(f'data-letter="{letter.pk}"')[1]
    row = row.split("</tr>")[0]
    assert "art. 76" in row and "unverified" not in row
    # Forwarded to a body whose rule nobody confirmed: the new due date says so.
    ombudsman = Recipient.objects.get(country="KZ", kind="ombudsman")
    Recipient.objects.filter(pk=ombudsman.pk).update(verified=False)
    ombudsman.refresh_from_db()
    services.letter_answer(
        actor=staff.lawyer,
        letter=letter,
        answered_on=dt.date(2025, 4, 1),
        outcome="forwarded",
        forwarded_to=ombudsman,
    )
    row = client.get("/staff/letters/").content.decode().split(f'data-letter="{letter.pk}"')[1]
    row = row.split("</tr>")[0]
    assert ombudsman.name in row and ombudsman.legal_basis in row
    assert 'class="badge warn unverified"' in row
    assert (
        make_client(staff.b_coordinator)
        .get("/staff/letters/")
        .content.decode()
        .count("data-letter=")
        == 0
    )
