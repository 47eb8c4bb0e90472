"""Phone numbers: one E.164 form for every common spelling, in the organisation's
country."""

from __future__ import annotations

import pytest

from himoya.cases.models import Person
from himoya.core import phones
from himoya.core.fields import blind_lookup


@pytest.mark.parametrize(
    "typed", ["+7 701 234 56 78", "87012345678", "7012345678", "8 (701) 234-56-78", "+77012345678"]
)
def test_kazakh_spellings_give_one_number(typed: str) -> None:
    assert phones.e164(typed, "KZ") == "+77012345678"
    assert phones.display(typed, "KZ") == "+7 701 234 5678"
    assert phones.is_valid(typed, "KZ")


def test_tajik_numbers_are_read_in_tajikistan() -> None:
    assert phones.e164("93 123 4567", "TJ") == "+992931234567"
    assert phones.e164("+992 93 123 4567", "KZ") == "+992931234567"


def test_what_is_no_number_keeps_its_digits() -> None:
    assert not phones.is_valid("12", "KZ")
    assert phones.e164("доб. 8123", "KZ") == "8123"
    assert phones.e164("нет телефона", "KZ") == ""
    assert phones.display("доб. 8123", "KZ") == "доб. 8123"


@pytest.mark.django_db
def test_a_person_is_found_by_any_spelling_of_their_phone(org, other_org) -> None:
    kz = Person.objects.create(organisation=org, full_name="Ахметов Ерлан", phone="87012345678")
    for typed in ("+7 701 234 56 78", "7012345678", "8 701 234 56 78"):
        assert list(
            Person.objects.filter(**blind_lookup(Person, "phone_index", typed, org.pk))
        ) == [kz]
    # In Tajikistan the domestic spelling is a Tajik number.
    tj = Person.objects.create(
        organisation=other_org, full_name="Раҳимов Ҷамшед", phone="931234567"
    )
    found = Person.objects.filter(
        **blind_lookup(Person, "phone_index", "+992 93 123 45 67", other_org.pk)
    )
    assert list(found) == [tj]
