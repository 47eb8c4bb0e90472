"""Rules several services share: dates of birth and minors, dates not in the future,
the timeline entry."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import User
from himoya.cases.limits import BirthOutOfRange, check_birth

if TYPE_CHECKING:
    pass


def parse_birth(value: str) -> tuple[dt.date | None, bool]:
    """Parses "YYYY-MM-DD", "DD.MM.YYYY" (as dates are shown in ru, kk and tg:
    ``core.formats``) or "YYYY"; returns (date, is_year_only). Raises ValueError
    (``BirthOutOfRange`` when the date reads well but cannot be true)."""
    value = value.strip()
    if not value:
        return None, False
    if len(value) == 4 and value.isdigit():
        birth, year_only = dt.date(int(value), 1, 1), True
    elif "." in value:
        birth, year_only = dt.datetime.strptime(value, "%d.%m.%Y").date(), False  # noqa: DTZ007
    else:
        birth, year_only = dt.date.fromisoformat(value), False
    check_birth(birth)  # BirthOutOfRange, a ValueError with its own message
    return birth, year_only


def check_birth_date(value: str) -> None:
    """A ValidationError on ``birth_date`` unless ``value`` is empty or a believable
    "YYYY-MM-DD" or "YYYY"."""
    try:
        parse_birth(value)
    except BirthOutOfRange as exc:
        raise ValidationError({"birth_date": str(exc)}) from None
    except ValueError:
        raise ValidationError(
            {"birth_date": _("Enter the date of birth as YYYY-MM-DD or the year as YYYY.")}
        ) from None


def age_on(birth: dt.date, year_only: bool, on: dt.date) -> int:
    if year_only:
        # With the year only, the person's age is taken as the lower bound.
        return on.year - birth.year - 1
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def check_minor(
    *, birth_date: str, is_minor: bool | None, on: dt.date, field_name: str = "is_minor"
) -> bool:
    """The minor flag: derived from the birth date at ``on`` when not given; a given
    flag that contradicts the birth date is an error."""
    try:
        birth, year_only = parse_birth(birth_date)
    except BirthOutOfRange as exc:
        raise ValidationError({"birth_date": str(exc)}) from None
    except ValueError:
        raise ValidationError(
            {"birth_date": _("Enter the date of birth as YYYY-MM-DD or the year as YYYY.")}
        ) from None
    if birth is None:
        return bool(is_minor)
    if birth > on:
        raise ValidationError({"birth_date": _("The date of birth is after the events.")})
    if year_only:
        low, high = on.year - birth.year - 1, on.year - birth.year
        if is_minor is None:
            return high < 18
        if is_minor and low >= 18:
            raise ValidationError(
                {
                    field_name: _(
                        "The person is marked as a minor, but by the "
                        "year of birth they were an adult."
                    )
                }
            )
        if not is_minor and high < 18:
            raise ValidationError(
                {
                    field_name: _(
                        "The person is marked as an adult, but by the "
                        "year of birth they were a minor."
                    )
                }
            )
        return bool(is_minor)
    derived = age_on(birth, False, on) < 18
    if is_minor is not None and is_minor != derived:
        if is_minor:
            message = _(
                "The person is marked as a minor, but by the date of birth they were an adult."
            )
        else:
            message = _(
                "The person is marked as an adult, but by the date of birth they were a minor."
            )
        raise ValidationError({field_name: message})
    return derived


def not_in_future(value: dt.date | None, *, field_name: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field_name: _("The date cannot be in the future.")})


def check_consent(consent_processing: bool) -> None:
    """No appeal is registered without the person's consent to processing. Every
    interface registers through ``appeal_register``, which holds this rule; the staff
    form asks it too, to show the error with the others. The register import writes its
    appeals without that service and records no consent (interchange.md)."""
    if not consent_processing:
        raise ValidationError(
            {
                "consent_processing": _(
                    "An appeal can only be registered with consent to processing."
                )
            }
        )


def user_of(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None
