"""How dates are shown: the one rule, per language (Django's ``FORMAT_MODULE_PATH`` points
here, so ``{{ value|date }}``, ``|date:"DATETIME_FORMAT"`` and ``formats.date_format``
all follow it).

Russian, Kazakh and Tajik readers get day-first numeric dates, ``05.03.2024`` and
``05.03.2024 14:30``: the form of every court decision, procedural document and letter a
lawyer in Kazakhstan or Tajikistan reads and writes, so a date copied from the register
into a complaint needs no rewriting. English readers are foreign partners and reviewers
for whom ``05.03.2024`` and ``03/05/2024`` collide, so English shows ISO 8601,
``2024-03-05``. Date inputs are ``<input type="date">`` everywhere (the browser shows
the reader's own format and sends ISO); a date typed into a plain text box (an old
browser, or the birth date, which may be a year alone) is read in the shown format or
ISO. Exports and the API keep ISO (``../shared/interchange.md``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import formats, timezone, translation

DAY_FIRST_DATE = "d.m.Y"
DAY_FIRST_DATETIME = "d.m.Y H:i"
ISO_DATE = "Y-m-d"
ISO_DATETIME = "Y-m-d H:i"
TIME = "H:i"
DATE_INPUTS = ["%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUTS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]

# What a shown date looks like in each rule, for the check that every page keeps to it.
PATTERNS = {DAY_FIRST_DATE: r"\d{2}\.\d{2}\.\d{4}", ISO_DATE: r"\d{4}-\d{2}-\d{2}"}


def show_date(value: dt.date | None) -> str:
    """A date in the active language's rule ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "DATE_FORMAT")


def show_datetime(value: dt.datetime | None) -> str:
    """A moment in the server's time zone, to the minute, in the active language's rule."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def show_stored(value: object) -> str:
    """A date or moment kept as ISO text (in an audit event's data), shown by the rule;
    anything that is not one comes back as it was."""
    text = str(value or "")
    try:
        if len(text) == 10:
            return show_date(dt.date.fromisoformat(text))
        return show_datetime(dt.datetime.fromisoformat(text))
    except ValueError:
        return text


def date_pattern(language: str | None = None) -> re.Pattern[str]:
    """The shape of a date shown in ``language`` (the active one by default)."""
    with translation.override(language or translation.get_language()):
        return re.compile(PATTERNS[formats.get_format("DATE_FORMAT")])
