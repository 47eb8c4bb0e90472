"""The stewards' corrections of the countries' calendars (``CalendarCorrection``), and
what rests on them: the due dates of the answers still awaited, and whether a due date
was counted across a correction nobody confirmed.

A correction changes the count of every answer whose clock runs through its day, so
saving one (or retiring it, or moving it to another day) counts again the due dates of
the letters waiting in that country, each moved date on its case's timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from himoya.cases.services.common import user_of
from himoya.core.audit import audit_record
from himoya.core.countries import country_error, normalise_country
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.letters.deadlines import (
    WORKING,
    Corrections,
    DueBasis,
    answer_due,
    corrections,
    due_basis,
)
from himoya.letters.models import (
    CalendarCorrection,
    CorrectionKind,
    Letter,
    LetterStatus,
)

CORRECTION_FIELDS = ("country", "day", "kind", "what", "source", "url", "verified", "active")


def letter_country(letter: Letter) -> str:
    """The country whose calendar counts the answer: the body's where the clock runs
    (the case's for the UN bodies), as ``services.start_clock`` counts it."""
    body = letter.clock_at or letter.recipient
    return body.country or letter.case.country


def letter_due_basis(letter: Letter, cache: dict[str, Corrections] | None = None) -> DueBasis:
    """The basis of ``letter``'s due date; ``cache`` keeps each country's corrections
    for a page listing many letters."""
    body = letter.clock_at or letter.recipient
    if letter.due_on is None or body is None or letter.clock_from is None:
        return DueBasis()
    country = letter_country(letter)
    if cache is None:
        fixes: Corrections = corrections(country)
    else:
        if country not in cache:
            cache[country] = corrections(country)
        fixes = cache[country]
    return due_basis(body.rule, letter.clock_from, letter.due_on, country, fixes)


def with_due_basis(letters: Iterable[Letter]) -> list[Letter]:
    """The letters, each with its ``due_basis`` for the templates."""
    cache: dict[str, Corrections] = {}
    rows = list(letters)
    for letter in rows:
        letter.due_basis = letter_due_basis(letter, cache)  # type: ignore[attr-defined]
    return rows


def _check(values: dict[str, Any], correction: CalendarCorrection | None) -> None:
    errors: dict[str, str] = {}
    message = country_error(str(values.get("country", correction.country if correction else "")))
    if message is not None:
        errors["country"] = message
    if values.get("kind", correction.kind if correction else "") not in CorrectionKind.values:
        errors["kind"] = _("Choose whether the day is a day off or a working day.")
    if not isinstance(values.get("day", correction.day if correction else None), dt.date):
        errors["day"] = _("Enter the date.")
    for name in ("what", "source"):
        if not str(values.get(name, getattr(correction, name, ""))).strip():
            errors[name] = _("This field is required.")
    if errors:
        raise ValidationError(errors)


def correction_save(
    *, actor: Any, correction: CalendarCorrection | None = None, **values: Any
) -> CalendarCorrection:
    """Adds a correction of a country's calendar or changes one, retiring it with
    ``active=False`` (reference stewards), and counts again the due dates it moves."""
    require(actor, "letters.calendar.manage", correction)
    unknown = set(values) - set(CORRECTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown correction fields {sorted(unknown)}")
    _check(values, correction)
    if "country" in values:
        values["country"] = normalise_country(str(values["country"]))
    for name in ("what", "source", "url"):
        if name in values:
            values[name] = str(values[name]).strip()
    with transaction.atomic():
        before = (correction.country, correction.day) if correction else None
        target = correction or CalendarCorrection(recorded_by=user_of(actor))
        for name, value in values.items():
            setattr(target, name, value)
        target.full_clean()
        target.save()
        audit_record(
            actor=actor,
            action="letter.calendar.save",
            obj=target,
            data={
                "correction": target.pk,
                "country": target.country,
                "day": target.day.isoformat(),
                "kind": target.kind,
                "verified": target.verified,
                "active": target.active,
                "fields": sorted(values),
                "new": correction is None,
            },
        )
        touched = {(target.country, target.day)}
        if before is not None:
            touched.add(before)
        for country, day in touched:
            redate_waiting(actor=actor, country=country, day=day, correction=target)
    return target


def redate_waiting(
    *, actor: Any, country: str, day: dt.date, correction: CalendarCorrection
) -> int:
    """Counts again the due dates of the answers awaited in ``country`` whose count ran
    through ``day`` (a day after it cannot change a count that ended before), and
    records each move on the case's timeline. Inside the caller's transaction."""
    waiting = (
        Letter.objects.select_for_update(of=("self",))
        .filter(
            status=LetterStatus.SENT,
            clock_from__lt=day,
            due_on__gte=day,
            clock_at__day_kind=WORKING,
        )
        .filter(Q(clock_at__country=country) | Q(clock_at__country="", case__country=country))
        .select_related("case", "clock_at", "recipient")
    )
    moved = 0
    for letter in waiting:
        assert letter.clock_at is not None and letter.clock_from is not None
        new = answer_due(letter.clock_at.rule, letter.clock_from, country)
        if new == letter.due_on:
            continue
        old = letter.due_on
        letter.due_on = new
        letter.save(update_fields=["due_on"])
        moved += 1
        record_event(
            actor=actor,
            action="letter.due.move",
            obj=letter,
            organisation=letter.case.organisation,
            case=letter.case,
            data={
                "case": letter.case_id,
                "letter": letter.pk,
                "from": old.isoformat() if old else None,
                "to": new.isoformat() if new else None,
                "correction": correction.pk,
            },
        )
    return moved
