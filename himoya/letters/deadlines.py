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
  package lacks: they ship as unverified corrections (migration letters.0007).

On top of the package lie the stewards' corrections (``models.CalendarCorrection``: a
day off the package lacks, or a weekend day made working, each with its source and a
verified flag); ``is_working_day`` is the one definition of a working day, with them.
A due date counted across an unverified correction, or through a year of the package
nobody checked (``CHECKED_YEARS``, the table of docs/letters.md), says so
(``due_basis``).

The day counted from is not itself counted: a rule of 15 working days from a letter sent
on a Monday ends on the fifteenth working day after it. Calendar days are added as they
are; no rule we ship says the end moves off a holiday, so it does not. The count starts
at dispatch, not receipt (which the sender rarely knows): the due date is then never
later than the law's, which is the safe side for a reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import holidays

CALENDAR = "calendar"
WORKING = "working"

# The package's years checked against another source: docs/letters.md's table (KZ 2024
# and 2025 with press reports of the Labour Ministry's order, TJ 2025 with trek.zone).
# A count through any other year rests on the package alone, and is marked so.
CHECKED_YEARS: Mapping[str, frozenset[int]] = {
    "KZ": frozenset({2024, 2025}),
    "TJ": frozenset({2025}),
}


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


@dataclass(frozen=True)
class Correction:
    """A steward's correction of one day of a country's calendar."""

    day: dt.date
    working: bool
    verified: bool
    what: str = ""


Corrections = Mapping[dt.date, Correction]


def corrections(country: str, since: dt.date | None = None) -> dict[dt.date, Correction]:
    """The active corrections of ``country``'s calendar (from ``since`` on). Read from
    the database each time: a steward's change holds in every process at once."""
    from himoya.letters.models import CalendarCorrection  # models import this module

    if not country:
        return {}
    rows = CalendarCorrection.objects.filter(country=country.upper(), active=True)
    if since is not None:
        rows = rows.filter(day__gte=since)
    return {
        row.day: Correction(row.day, row.working, row.verified, row.what)
        for row in rows.only("day", "kind", "verified", "what")
    }


def is_working_day(day: dt.date, country: str, fixes: Corrections | None = None) -> bool:
    """Whether ``day`` is a working day in ``country``: the package's calendar with the
    stewards' corrections (``fixes``, read for the day when not given)."""
    if fixes is None:
        fixes = corrections(country, since=day) if country else {}
    fix = fixes.get(day)
    if fix is not None:
        return fix.working
    off, working = _calendar(country.upper(), day.year) if country else (frozenset(), frozenset())
    if day in working:
        return True
    return day.weekday() < 5 and day not in off


def add_working_days(
    start: dt.date, days: int, country: str, fixes: Corrections | None = None
) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    if fixes is None:
        fixes = corrections(country, since=start)
    day = start
    left = days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, country, fixes):
            left -= 1
    return day


def working_days_between(
    start: dt.date, end: dt.date, country: str, fixes: Corrections | None = None
) -> int:
    """How many working days lie after ``start`` up to and including ``end``."""
    if fixes is None:
        fixes = corrections(country, since=start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, country, fixes):
            count += 1
    return count


def answer_due(rule: DeadlineRule | None, sent_on: dt.date, country: str) -> dt.date | None:
    """The date an answer is due by ``rule`` counted from ``sent_on`` in ``country``'s
    calendar (the package's, with the stewards' corrections); None when no rule is known
    (the UN bodies set none)."""
    if rule is None or not rule.days:
        return None
    if rule.day_kind == CALENDAR:
        return sent_on + dt.timedelta(days=rule.days)
    if rule.day_kind == WORKING:
        return add_working_days(sent_on, rule.days, country)
    raise ValueError(f"unknown day kind {rule.day_kind!r}")


@dataclass(frozen=True)
class DueBasis:
    """What a due date's count rests on that nobody confirmed: the unverified
    corrections it crossed and the years of the package not checked (``CHECKED_YEARS``).
    Calendar days do not depend on the calendar, so their basis is always confirmed
    (the rule's own verification is shown apart)."""

    unverified: tuple[Correction, ...] = ()
    unchecked_years: tuple[int, ...] = ()

    @property
    def verified(self) -> bool:
        return not self.unverified and not self.unchecked_years


def due_basis(
    rule: DeadlineRule | None,
    start: dt.date | None,
    due: dt.date | None,
    country: str,
    fixes: Corrections | None = None,
) -> DueBasis:
    """The basis of a due date ``due`` counted by ``rule`` from ``start``."""
    if rule is None or rule.day_kind != WORKING or start is None or due is None:
        return DueBasis()
    if fixes is None:
        fixes = corrections(country, since=start)
    crossed = tuple(
        fix for day, fix in sorted(fixes.items()) if start < day <= due and not fix.verified
    )
    checked = CHECKED_YEARS.get(country.upper(), frozenset()) if country else frozenset()
    first = (start + dt.timedelta(days=1)).year
    years = tuple(year for year in range(first, due.year + 1) if year not in checked)
    return DueBasis(crossed, years)
