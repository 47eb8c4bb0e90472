"""Answer deadlines: working days across KZ and TJ public holidays and transferred days
off (the holidays package's data), calendar days, and properties of the arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from himoya.letters import services
from himoya.letters.deadlines import (
    Correction,
    DeadlineRule,
    add_working_days,
    answer_due,
    is_working_day,
    working_days_between,
)
from himoya.letters.models import Recipient
from tests.letters.test_letters import _letter

D = dt.date
FIFTEEN = DeadlineRule(15, "working", "APK art. 76")


@pytest.mark.django_db
def test_fifteen_working_days_across_kz_nowruz():
    # Sent Wednesday 19 March 2025. 21-25 March are Nauryz (21 Fri, 24-25 observed):
    # working days 20, 26, 27, 28, 31 Mar, 1-4, 7-11, 14 Apr -> the 15th is 14 April.
    assert answer_due(FIFTEEN, D(2025, 3, 19), "KZ") == D(2025, 4, 14)
    # The same letter with no holidays would be due on 9 April.
    assert answer_due(FIFTEEN, D(2025, 3, 19), "XX") == D(2025, 4, 9)


@pytest.mark.django_db
def test_kz_transferred_day_off_and_working_sunday():
    # 2025: Friday 3 January was a day off moved from Sunday 5 January, a working day.
    assert not is_working_day(D(2025, 1, 3), "KZ")
    assert is_working_day(D(2025, 1, 5), "KZ")
    # 2024: Saturday 4 May was a working day.
    assert is_working_day(D(2024, 5, 4), "KZ")
    # Sent on 31 Dec 2024: 1-3 Jan off, Sun 5 Jan working, 6 Jan working.
    assert add_working_days(D(2024, 12, 31), 1, "KZ") == D(2025, 1, 5)
    assert add_working_days(D(2024, 12, 31), 2, "KZ") == D(2025, 1, 6)


@pytest.mark.django_db
def test_tj_holiday():
    # Tajikistan 2025: 21-24 March Navruz; Tuesday 9 September Independence Day.
    assert not any(is_working_day(D(2025, 3, day), "TJ") for day in (21, 24))
    assert add_working_days(D(2025, 3, 20), 1, "TJ") == D(2025, 3, 25)
    assert add_working_days(D(2025, 9, 8), 1, "TJ") == D(2025, 9, 10)


def test_calendar_days_and_no_rule():
    assert answer_due(DeadlineRule(30, "calendar"), D(2025, 3, 19), "KZ") == D(2025, 4, 18)
    assert answer_due(None, D(2025, 3, 19), "KZ") is None
    assert answer_due(DeadlineRule(0, "working"), D(2025, 3, 19), "KZ") is None


dates = st.dates(min_value=D(2022, 1, 1), max_value=D(2027, 12, 31))
countries = st.sampled_from(["KZ", "TJ", "XX"])
# The stewards' corrections, drawn at random: the arithmetic holds whatever they say
# (and, given, they are not read from the database).
fixes_drawn = st.dictionaries(dates, st.booleans(), max_size=6).map(
    lambda days: {d: Correction(d, working, False) for d, working in days.items()}
)


@given(dates, st.integers(min_value=0, max_value=60), countries, fixes_drawn)
def test_the_due_day_is_n_working_days_later(start, n, country, fixes):
    due = add_working_days(start, n, country, fixes)
    assert working_days_between(start, due, country, fixes) == n
    if n:
        assert is_working_day(due, country, fixes)
        assert due > start


@given(dates, st.integers(min_value=0, max_value=30), st.integers(0, 30), countries, fixes_drawn)
def test_adding_working_days_composes(start, a, b, country, fixes):
    assert add_working_days(
        add_working_days(start, a, country, fixes), b, country, fixes
    ) == add_working_days(start, a + b, country, fixes)


@given(dates, st.integers(min_value=1, max_value=40), countries)
def test_more_days_never_ends_earlier_and_holidays_only_delay(start, n, country):
    with_holidays = add_working_days(start, n, country, {})
    assert add_working_days(start, n + 1, country, {}) > with_holidays
    if country != "XX":
        # Transferred working weekends can pull a date earlier by at most a few days;
        # holidays otherwise only push it later.
        assert with_holidays >= add_working_days(start, n, "XX", {}) - dt.timedelta(days=3)


@pytest.mark.django_db
def test_a_sent_letters_due_day_crosses_kz_holidays_and_a_transferred_day_off(staff, shipped):
    """Through the service, as a lawyer records it. Sent Monday 30 December 2024 to a KZ
    body (15 working days): 1-2 January are holidays, Friday 3 January the day off moved
    from Sunday 5 January, which works; 7 January is Christmas. Working days: 31 Dec,
    5, 6, 8, 9, 10, 13-17, 20-23 January: the 15th is Thursday 23 January 2025 (with
    weekends only it would be 20 January)."""
    letter = services.letter_sign(actor=staff.lawyer, letter=_letter(staff))
    sent = services.letter_dispatch(
        actor=staff.lawyer, letter=letter, sent_on=D(2024, 12, 30), channel="post"
    )
    assert sent.recipient.rule == DeadlineRule(15, "working", sent.recipient.legal_basis, True)
    assert sent.due_on == D(2025, 1, 23)
    assert answer_due(sent.recipient.rule, D(2024, 12, 30), "XX") == D(2025, 1, 20)


@pytest.mark.django_db
def test_forwarded_to_a_tj_body_the_clock_restarts_across_tajik_holidays(staff, shipped):
    """The forwarding restarts the clock at the new body, in its country's calendar. A
    Tajik body given a rule of 10 working days here (TJ rules ship unset: VERIFY in
    domain.md). Forwarded on Monday 1 September 2025: Tuesday 9 September is Independence
    Day, so the 10th working day is Tuesday 16 September (15th without the holiday). A
    second forwarding on Monday 17 March 2025 crosses Navruz (21-24 March): 5 working
    days end on Wednesday 26 March."""
    tj = Recipient.objects.filter(country="TJ").first()
    Recipient.objects.filter(pk=tj.pk).update(answer_days=10, day_kind="working")
    tj.refresh_from_db()
    letter = services.letter_sign(actor=staff.lawyer, letter=_letter(staff))
    letter = services.letter_dispatch(
        actor=staff.lawyer, letter=letter, sent_on=D(2025, 8, 1), channel="post"
    )
    forwarded = services.letter_answer(
        actor=staff.lawyer,
        letter=letter,
        answered_on=D(2025, 9, 1),
        outcome="forwarded",
        forwarded_to=tj,
    )
    assert (forwarded.clock_at, forwarded.clock_from) == (tj, D(2025, 9, 1))
    assert forwarded.due_on == D(2025, 9, 16)
    assert answer_due(tj.rule, D(2025, 9, 1), "XX") == D(2025, 9, 15)
    assert answer_due(DeadlineRule(5, "working"), D(2025, 3, 17), "TJ") == D(2025, 3, 26)
