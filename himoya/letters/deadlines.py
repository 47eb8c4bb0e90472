"""When an answer is due: a recipient's rule (so many calendar or working days, with its
legal basis) counted from a date in a country's calendar of working days.

Working days are Monday to Friday, less the country's public holidays and the days off
moved onto weekdays, plus the weekend days made working in exchange. The calendars come
from the ``holidays`` package (its KZ and TJ data, with the transferred days off it
records as ``weekend_workdays``, version 0.84). Checked, and against what (details in
docs/letters.md, tests in tests/letters/test_deadlines.py):

* KZ 2024-2025 against the package, and the 2025 New Year transfer (Friday 3 January
  off, Sunday 5 January working, the Labour Ministry's order) and Nauryz 21-25 March 2025
  also against the press reports of that order and calendar (Kazinform, inform.kz;
  zakon.kz), not against the order's text on adilet.zan.kz.
* TJ 2025 (Navruz 21-24 March, Independence Day 9 September) against the package and
  a published holiday calendar (trek.zone); no official Tajik decree was read. That
  calendar also lists Monday 10 March and Monday 31 March 2025 as days off, which the
  package lacks: a TJ due date across them may come a day early (the safe side).

The day counted from is not itself counted: a rule of 15 working days from a letter sent
on a Monday ends on the fifteenth working day after it. Calendar days are added as they
are; no rule we ship says the end moves off a holiday, so it does not. The count starts
at dispatch, not receipt (which the sender rarely knows): the due date is then never
later than the law's, which is the safe side for a reminder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

CALENDAR = "calendar"
WORKING = "working"


@dataclass(frozen=True)
class DeadlineRule:
    days: int
    day_kind: str  # CALENDAR or WORKING
    legal_basis: str = ""
    verified: bool = False


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off on weekdays, weekend days made working) of one country's year."""
    try:
        table = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        # A country the package does not know: weekends only, which the page says.
        return frozenset(), frozenset()
    off = frozenset(day for day in table if day.year == year)
    working = frozenset(day for day in getattr(table, "weekend_workdays", ()) if day.year == year)
    return off, working


def has_calendar(country: str) -> bool:
    return bool(country) and country.upper() in holidays.list_supported_countries()


def is_working_day(day: dt.date, country: str) -> bool:
    off, working = _calendar(country.upper(), day.year) if country else (frozenset(), frozenset())
    if day in working:
        return True
    return day.weekday() < 5 and day not in off


def add_working_days(start: dt.date, days: int, country: str) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, country):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, country: str) -> int:
    """How many working days lie after ``start`` up to and including ``end``."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, country):
            count += 1
    return count


def answer_due(rule: DeadlineRule | None, sent_on: dt.date, country: str) -> dt.date | None:
    """The date an answer is due by ``rule`` counted from ``sent_on`` in ``country``'s
    calendar; None when no rule is known (the UN bodies set none)."""
    if rule is None or not rule.days:
        return None
    if rule.day_kind == CALENDAR:
        return sent_on + dt.timedelta(days=rule.days)
    if rule.day_kind == WORKING:
        return add_working_days(sent_on, rule.days, country)
    raise ValueError(f"unknown day kind {rule.day_kind!r}")
