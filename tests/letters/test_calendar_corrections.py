"""The stewards' corrections of the countries' calendars: they move due dates (a day
off the package lacks, a Saturday worked), the due dates counted across an unverified
one (or through a year nobody checked) say so on the pages and in the API, and only
stewards keep them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from himoya.accounts.models import Role
from himoya.cases.models import CaseEvent
from himoya.core.models import AuditEvent
from himoya.letters import services
from himoya.letters.corrections import correction_save, letter_due_basis
from himoya.letters.deadlines import DeadlineRule, answer_due, due_basis, is_working_day
from himoya.letters.models import CalendarCorrection, Letter, Recipient
from himoya.reference.models import Steward
from tests.conftest import make_client
from tests.factories import UserFactory
from tests.letters.test_letters import _letter

pytestmark = pytest.mark.django_db

D = dt.date
TEN = DeadlineRule(10, "working")
FIFTEEN = DeadlineRule(15, "working")
NEW = "/staff/letters/calendar/new/"
LIST = "/staff/letters/calendar/"


@pytest.fixture
def steward(staff):
    user = UserFactory(organisation=staff.case.organisation, role=Role.ANALYST, totp=False)
    Steward.objects.create(user=user)
    return user


def _shipped_tj(day: int) -> CalendarCorrection:
    return CalendarCorrection.objects.get(country="TJ", day=D(2025, 3, day), active=True)


def _tj_letter(staff, forwarded_on: dt.date) -> Letter:
    """A letter forwarded to a Tajik body given 10 working days (TJ rules ship unset),
    so its clock runs in Tajikistan's calendar from ``forwarded_on``."""
    tj = Recipient.objects.filter(country="TJ").first()
    Recipient.objects.filter(pk=tj.pk).update(answer_days=10, day_kind="working")
    tj.refresh_from_db()
    letter = services.letter_sign(actor=staff.lawyer, letter=_letter(staff))
    letter = services.letter_dispatch(
        actor=staff.lawyer,
        letter=letter,
        sent_on=forwarded_on - dt.timedelta(days=3),
        channel="post",
    )
    return services.letter_answer(
        actor=staff.lawyer,
        letter=letter,
        answered_on=forwarded_on,
        outcome="forwarded",
        forwarded_to=tj,
    )


def test_the_tj_2025_days_off_ship_unverified_with_their_source():
    for day in (10, 31):
        row = _shipped_tj(day)
        assert (row.kind, row.verified, row.recorded_by) == ("day_off", False, None)
        assert "trek.zone" in row.source
        assert not is_working_day(row.day, "TJ")
    # The package alone has them as working days (docs/letters.md's known gap).
    assert is_working_day(D(2025, 3, 10), "TJ", {})


def test_a_day_off_correction_moves_the_due_date(staff, shipped, steward):
    """Forwarded on Friday 7 March 2025 to a TJ body, 10 working days: Navruz (21-24
    March) and Monday 10 March off end it on Wednesday 26 March; without the correction
    of 10 March it would be Tuesday 25 March. Retiring the correction counts the waiting
    letter again, and the move is on the case's timeline."""
    letter = _tj_letter(staff, D(2025, 3, 7))
    assert letter.due_on == D(2025, 3, 26)
    assert answer_due(TEN, D(2025, 3, 7), "TJ") == D(2025, 3, 26)

    correction_save(actor=steward, correction=_shipped_tj(10), active=False)
    letter.refresh_from_db()
    assert letter.due_on == D(2025, 3, 25)
    move = CaseEvent.objects.get(case=staff.case, kind="letter.due.move")
    assert (move.data["from"], move.data["to"]) == ("2025-03-26", "2025-03-25")
    assert AuditEvent.objects.filter(action="letter.calendar.save").count() == 1


def test_a_working_saturday_pulls_the_due_date_earlier(staff, shipped, steward):
    """Sent Friday 31 October 2025 to a KZ body, 15 working days: Friday 21 November.
    A (fictional, for the test) working Saturday 8 November makes it Thursday 20
    November, both for the letter already waiting and for a new count."""
    letter = services.letter_sign(actor=staff.lawyer, letter=_letter(staff))
    letter = services.letter_dispatch(
        actor=staff.lawyer, letter=letter, sent_on=D(2025, 10, 31), channel="post"
    )
    assert letter.due_on == D(2025, 11, 21)
    correction_save(
        actor=steward,
        country="kz",
        day=D(2025, 11, 8),
        kind="working_day",
        what="Тестовая рабочая суббота",
        source="тест",
        verified=True,
    )
    assert is_working_day(D(2025, 11, 8), "KZ")
    assert answer_due(FIFTEEN, D(2025, 10, 31), "KZ") == D(2025, 11, 20)
    letter.refresh_from_db()
    assert letter.due_on == D(2025, 11, 20)
    # Verified, in a checked year: the due date's basis is confirmed.
    assert letter_due_basis(letter).verified


def test_a_due_date_across_an_unverified_correction_says_so(staff, shipped, steward):
    letter = _tj_letter(staff, D(2025, 3, 7))
    basis = letter_due_basis(letter)
    assert [c.day for c in basis.unverified] == [D(2025, 3, 10)]
    assert basis.unchecked_years == ()

    client = make_client(staff.lawyer)
    detail = client.get(f"/staff/letters/{letter.pk}/").content.decode()
    assert 'data-due-basis="unverified"' in detail
    listing = client.get("/staff/letters/").content.decode()
    row = listing.split(f'data-letter="{letter.pk}"')[1].split("</tr>")[0]
    assert 'data-due-basis="unverified"' in row
    api = client.get(f"/api/v1/letters/{letter.pk}").json()
    assert api["due_on"] == "2025-03-26" and api["due_basis_verified"] is False
    listed = client.get(f"/api/v1/cases/{letter.case_id}/letters").json()
    assert [(x["id"], x["due_basis_verified"]) for x in listed] == [(letter.pk, False)]

    # A steward confirms it from the decree: the mark goes; the date stays.
    correction_save(actor=steward, correction=_shipped_tj(10), verified=True)
    assert client.get(f"/api/v1/letters/{letter.pk}").json()["due_basis_verified"] is True
    detail = client.get(f"/staff/letters/{letter.pk}/").content.decode()
    assert 'data-due-basis="unverified"' not in detail


def test_years_of_the_package_nobody_checked_are_flagged():
    """docs/letters.md: KZ 2024-2025 and TJ 2025 were checked; a count through another
    year rests on the package alone. Calendar days do not use the calendar."""
    assert due_basis(FIFTEEN, D(2025, 3, 19), D(2025, 4, 14), "KZ", {}).verified
    late = due_basis(FIFTEEN, D(2025, 12, 25), D(2026, 1, 20), "KZ", {})
    assert late.unchecked_years == (2026,) and not late.verified
    assert due_basis(TEN, D(2024, 3, 1), D(2024, 3, 15), "TJ", {}).unchecked_years == (2024,)
    assert due_basis(TEN, D(2025, 3, 1), D(2025, 3, 15), "XX", {}).unchecked_years == (2025,)
    assert due_basis(DeadlineRule(30, "calendar"), D(2030, 1, 1), D(2030, 1, 31), "KZ").verified


def test_a_steward_adds_and_edits_a_correction_on_the_page(staff, steward):
    client = make_client(steward)
    page = client.get(NEW)
    assert page.status_code == 200
    token = page.context["form"]["form_token"].value()
    body = {
        "form_token": token,
        "country": "KZ",
        "day": "2031-01-04",
        "kind": "working_day",
        "what": "Тестовый перенос",
        "source": "",
        "active": "on",
    }
    refused = client.post(NEW, body)
    assert (
        refused.status_code == 400 and not CalendarCorrection.objects.filter(country="KZ").exists()
    )
    body["source"] = "Тестовый приказ № 1"
    made = client.post(NEW, body)
    assert made.status_code == 302
    row = CalendarCorrection.objects.get(country="KZ", day=D(2031, 1, 4))
    assert (row.recorded_by, row.verified, row.kind) == (steward, False, "working_day")
    listing = client.get(LIST).content.decode()
    assert "Тестовый перенос" in listing and f"/staff/letters/calendar/{row.pk}/" in listing

    edit = f"/staff/letters/calendar/{row.pk}/"
    assert client.post(edit, {**body, "verified": "on", "active": ""}).status_code == 302
    row.refresh_from_db()
    assert row.verified and not row.active
    assert AuditEvent.objects.filter(action="letter.calendar.save").count() == 2


@pytest.mark.parametrize("who", ["coordinator", "lawyer", "b_coordinator"])
def test_only_stewards_keep_the_corrections(staff, who):
    user = getattr(staff, who)
    shipped = _shipped_tj(10)
    edit = f"/staff/letters/calendar/{shipped.pk}/"
    client = make_client(user)
    assert client.get(NEW).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"verified": "on", "source": "x"}).status_code == 403
    assert client.post(NEW, {"country": "TJ", "day": "2031-01-01"}).status_code == 403
    with pytest.raises(PermissionDenied):
        correction_save(actor=user, correction=shipped, verified=True)
    assert not _shipped_tj(10).verified
    assert CalendarCorrection.objects.count() == 2
    # Everyone reads the list (it explains due dates), without the steward's links.
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert NEW not in listing.content.decode() and edit not in listing.content.decode()
    assert not AuditEvent.objects.filter(action="letter.calendar.save").exists()
