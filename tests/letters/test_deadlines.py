"""Answer deadlines: working days across KZ and TJ public holidays and transferred days
off (the holidays package's data), calendar days, and properties of the arithmetic."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from himoya.letters.deadlines import (
    DeadlineRule,
    add_working_days,
    answer_due,
    is_working_day,
    working_days_between,
)

D = dt.date
FIFTEEN = DeadlineRule(15, "working", "APK art. 76")


def test_fifteen_working_days_across_kz_nowruz():
    # Sent Wednesday 19 March 2025. 21-25 March are Nauryz (21 Fri, 24-25 observed):
    # working days 20, 26, 27, 28, 31 Mar, 1-4, 7-11, 14 Apr -> the 15th is 14 April.
    assert answer_due(FIFTEEN, D(2025, 3, 19), "KZ") == D(2025, 4, 14)
    # The same letter with no holidays would be due on 9 April.
    assert answer_due(FIFTEEN, D(2025, 3, 19), "XX") == D(2025, 4, 9)


def test_kz_transferred_day_off_and_working_sunday():
    # 2025: Friday 3 January was a day off moved from Sunday 5 January, a working day.
    assert not is_working_day(D(2025, 1, 3), "KZ")
    assert is_working_day(D(2025, 1, 5), "KZ")
    # 2024: Saturday 4 May was a working day.
    assert is_working_day(D(2024, 5, 4), "KZ")
    # Sent on 31 Dec 2024: 1-3 Jan off, Sun 5 Jan working, 6 Jan working.
    assert add_working_days(D(2024, 12, 31), 1, "KZ") == D(2025, 1, 5)
    assert add_working_days(D(2024, 12, 31), 2, "KZ") == D(2025, 1, 6)


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


@given(dates, st.integers(min_value=0, max_value=60), countries)
def test_the_due_day_is_n_working_days_later(start, n, country):
    due = add_working_days(start, n, country)
    assert working_days_between(start, due, country) == n
    if n:
        assert is_working_day(due, country)
        assert due > start


@given(dates, st.integers(min_value=0, max_value=30), st.integers(0, 30), countries)
def test_adding_working_days_composes(start, a, b, country):
    assert add_working_days(add_working_days(start, a, country), b, country) == add_working_days(
        start, a + b, country
    )


@given(dates, st.integers(min_value=1, max_value=40), countries)
def test_more_days_never_ends_earlier_and_holidays_only_delay(start, n, country):
    with_holidays = add_working_days(start, n, country)
    assert add_working_days(start, n + 1, country) > with_holidays
    if country != "XX":
        # Transferred working weekends can pull a date earlier by at most a few days;
        # holidays otherwise only push it later.
        assert with_holidays >= add_working_days(start, n, "XX") - dt.timedelta(days=3)
