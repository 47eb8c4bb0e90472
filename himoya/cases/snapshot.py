"""What an appeal records when it comes in: the one definition that registration
(``services.appeal_register``), the register import (``imports.writing``, in bulk) and the
benchmark populator (``bench/populate.py``) all write from, so no path records a fact
differently from another.

Statistics read these facts from the appeal, never from the case (architecture.md, rule
6): they stay as they were when the appeal came in, however the case is edited later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from himoya.cases.models import ReferralKind, Rehabilitation, Sex
from himoya.reference.models import Term

REFERRALS_OF: dict[str, tuple[str, ...]] = {
    Rehabilitation.NONE: (),
    Rehabilitation.MEDICAL: (ReferralKind.MEDICAL,),
    Rehabilitation.PSYCHOLOGICAL: (ReferralKind.PSYCHOLOGICAL,),
    Rehabilitation.BOTH: (ReferralKind.MEDICAL, ReferralKind.PSYCHOLOGICAL),
}


def referral_kinds(rehabilitation: str) -> tuple[str, ...]:
    """The referrals an appeal's rehabilitation opens for its victim (none for an
    unknown value: the value is checked where it comes in)."""
    return REFERRALS_OF.get(rehabilitation, ())


def rehabilitation_errors(rehabilitation: str, *, started: bool) -> dict[str, str]:
    """What is wrong with an appeal's rehabilitation and whether its start date was
    given, by field: a kind needs its start date, and "none" has none (the statistics
    count rehabilitation by that date)."""
    if rehabilitation not in Rehabilitation.values:
        return {"rehabilitation": _("Unknown value “%(value)s”.") % {"value": rehabilitation}}
    if rehabilitation != Rehabilitation.NONE and not started:
        return {"rehabilitation_started_on": _("Enter the date rehabilitation started.")}
    if rehabilitation == Rehabilitation.NONE and started:
        return {
            "rehabilitation_started_on": _(
                "The rehabilitation is “none”: leave its start date empty or name the kind."
            )
        }
    return {}


def violation_mask(terms: Iterable[Term]) -> int:
    """The violation types as a bitmask of ``Term.bit`` (types without a bit are not
    counted in the statistics)."""
    mask = 0
    for term in terms:
        if term.bit is not None:
            mask |= 1 << term.bit
    return mask


@dataclass(slots=True)
class AppealSnapshot:
    """The statistical facts of one appeal, from checked inputs.

    ``FIELDS`` are the Appeal fields the snapshot sets, in the order ``row()`` yields
    their values (foreign keys as ids): the bulk writers take their column lists from
    it, so a fact added here reaches every path or none.
    """

    received_on: dt.date
    channel: Term
    country: str
    agency: Term
    violation_mask: int
    victim_sex: str
    victim_minor: bool
    legal_aid: bool
    rehabilitation: str
    rehabilitation_started_on: dt.date | None

    FIELDS: ClassVar[tuple[str, ...]] = (
        "received_on",
        "channel",
        "legal_aid",
        "rehabilitation",
        "rehabilitation_started_on",
        "country",
        "agency",
        "violation_mask",
        "victim_sex",
        "victim_minor",
    )
    # What a case opened by the appeal starts with, from the same facts: Case field ->
    # snapshot attribute.
    CASE_FIELDS: ClassVar[dict[str, str]] = {
        "opened_on": "received_on",
        "country": "country",
        "agency": "agency",
        "has_minor_victim": "victim_minor",
    }

    @classmethod
    def of(
        cls,
        *,
        received_on: dt.date,
        channel: Term,
        country: str,
        agency: Term,
        violations: Iterable[Term],
        victim_sex: str | None,
        victim_minor: bool,
        legal_aid: bool,
        rehabilitation: str,
        rehabilitation_started_on: dt.date | None,
    ) -> AppealSnapshot:
        return cls(
            received_on=received_on,
            channel=channel,
            country=country,
            agency=agency,
            violation_mask=violation_mask(violations),
            victim_sex=victim_sex or Sex.UNKNOWN,
            victim_minor=bool(victim_minor),
            legal_aid=bool(legal_aid),
            rehabilitation=_code(rehabilitation),
            rehabilitation_started_on=rehabilitation_started_on,
        )

    def values(self) -> dict[str, Any]:
        """The facts by Appeal field name (terms as Term), for a model instance."""
        return {name: getattr(self, name) for name in self.FIELDS}

    def row(self) -> tuple[Any, ...]:
        """The facts in the order of ``FIELDS``, foreign keys as ids, for COPY."""
        return _ROW(self)

    def case_values(self) -> dict[str, Any]:
        """What a case opened by this appeal records of it, by Case field name."""
        return {field: getattr(self, name) for field, name in self.CASE_FIELDS.items()}

    def case_row(self) -> tuple[Any, ...]:
        """``case_values`` in the order of ``CASE_FIELDS``, foreign keys as ids."""
        return _CASE_ROW(self)

    def referral_kinds(self) -> tuple[str, ...]:
        return referral_kinds(self.rehabilitation)


# Plain codes by value: a choice member or text in, the plain code out (a dict look-up,
# as this runs once per imported row).
_CODES = {str(value): str(value) for value in Rehabilitation.values}


def _code(rehabilitation: str) -> str:
    try:
        return _CODES[rehabilitation]
    except KeyError:
        raise ValueError(f"unknown rehabilitation {rehabilitation!r}") from None


def _getter(names: Iterable[str]) -> Any:
    """Reads the named attributes as one tuple, the id for a term (``channel.pk``): made
    once from the declared order, so that the rows of a bulk write cost no more than a
    hand-written tuple."""
    terms = {f.name for f in fields(AppealSnapshot) if f.type in ("Term", Term)}
    pk = Term._meta.pk.attname
    return attrgetter(*(f"{name}.{pk}" if name in terms else name for name in names))


_ROW = _getter(AppealSnapshot.FIELDS)
_CASE_ROW = _getter(AppealSnapshot.CASE_FIELDS.values())
