"""Hotline numbers of offices.

The rule, until the ``phonenumbers`` library validates every number of the register:
spaces, hyphens, dots and brackets are dropped; what remains is either an international
number ("+" and 8 to 15 digits, E.164) or a short service number of 3 to 6 digits
(the free hotlines such as 150 or 1414). A national number with a trunk prefix
("8 701 ...") is refused with the international spelling as the example, because the
same digits dial differently from abroad and from the bot."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-.()\u00a0]")
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")
_SHORT = re.compile(r"\d{3,6}")


def normalise_hotline(value: str) -> str:
    """The number as stored ("+77012345678", "1414"), or a ValidationError."""
    number = _SEPARATORS.sub("", value)
    if _INTERNATIONAL.fullmatch(number) or _SHORT.fullmatch(number):
        return number
    raise ValidationError(
        _(
            "“%(value)s” is not a phone number: write it in international form, "
            "e.g. +7 701 234 56 78, or as a short number of 3 to 6 digits."
        )
        % {"value": value},
        code="phone",
    )


def display_hotline(number: str) -> str:
    """A stored number grouped for reading: +7 701 234 56 78, +992 93 123 45 67."""
    if not number.startswith("+"):
        return number
    digits = number[1:]
    if digits.startswith("7") and len(digits) == 11:
        return f"+7 {digits[1:4]} {digits[4:7]} {digits[7:9]} {digits[9:]}"
    if digits.startswith("992") and len(digits) == 12:
        return f"+992 {digits[3:5]} {digits[5:8]} {digits[8:10]} {digits[10:]}"
    return number
