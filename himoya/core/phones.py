"""Phone numbers: one normal form for storing, indexing and looking up.

A number is parsed with ``phonenumbers`` in the region of the organisation that records
it, so a domestic spelling (``87012345678`` or ``7012345678`` in Kazakhstan, ``931234567``
in Tajikistan) and the international one (``+7 701 234 56 78``) give the same E.164 form,
which is what the blind index holds (docs/search.md).
"""

from __future__ import annotations

import phonenumbers

from himoya.core import crypto

# Where an organisation has no country yet: the project's first users are in Kazakhstan.
DEFAULT_REGION = "KZ"


def parse(value: str, region: str = DEFAULT_REGION) -> phonenumbers.PhoneNumber | None:
    """The number ``value`` spells, if it is a possible phone number, else None."""
    try:
        number = phonenumbers.parse(value, (region or DEFAULT_REGION).upper())
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def is_valid(value: str, region: str = DEFAULT_REGION) -> bool:
    number = parse(value, region)
    return number is not None and phonenumbers.is_valid_number(number)


def e164(value: str, region: str = DEFAULT_REGION) -> str:
    """The E.164 form (``+77012345678``) of a typed number. A value that is no possible
    number (an extension, a fragment) keeps its digits, folded as before, so that it
    still finds itself."""
    number = parse(value, region)
    if number is None:
        return crypto.normalise_phone(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(value: str, region: str = DEFAULT_REGION) -> str:
    """A valid number in the international format people read (``+7 701 234 5678``);
    anything else as typed."""
    number = parse(value, region)
    if number is None or not phonenumbers.is_valid_number(number):
        return value.strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def example(region: str = DEFAULT_REGION) -> str:
    """A mobile number of the region in the international format, for error messages."""
    number = phonenumbers.example_number_for_type(
        (region or DEFAULT_REGION).upper(), phonenumbers.PhoneNumberType.MOBILE
    )
    if number is None:
        return "+7 701 234 5678"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def organisation_region(organisation_id: int | None) -> str:
    """The default region of an organisation's numbers: its country."""
    if organisation_id is None:
        return DEFAULT_REGION
    from himoya.accounts.models import Organisation

    country = (
        Organisation.objects.filter(pk=organisation_id).values_list("country", flat=True).first()
    )
    return country or DEFAULT_REGION


def index_normal(value: str, organisation_id: int | None = None) -> str:
    """The blind-index form of a phone number recorded by ``organisation_id``."""
    return e164(value, organisation_region(organisation_id))


# BlindIndexField and rebind pass the organisation to it.
index_normal.by_organisation = True  # type: ignore[attr-defined]
