"""Finding 8 of the security review: blind indexes are keyed per organisation, so a
database reader cannot link one phone number or name across organisations, while each
organisation's own duplicate check still finds it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from himoya.cases.models import Person
from himoya.core.fields import blind_lookup

pytestmark = pytest.mark.django_db


def _indexes(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name_index, phone_index FROM cases_person WHERE id = %s", [pk])
        return cursor.fetchone()


def test_one_phone_in_two_organisations_has_unrelated_indexes(org: Any, other_org: Any) -> None:
    kz = Person.objects.create(organisation=org, full_name="Ахметов Ерлан", phone="+7 701 234 5678")
    tj = Person.objects.create(
        organisation=other_org, full_name="АХМЕТОВ  ЕРЛАН", phone="8 701 234 56 78"
    )
    kz_name, kz_phone = _indexes(kz.pk)
    tj_name, tj_phone = _indexes(tj.pk)
    assert kz_name and kz_phone and kz_name != tj_name and kz_phone != tj_phone
    # Each organisation still finds its own person, and only its own.
    assert list(
        Person.objects.filter(**blind_lookup(Person, "phone_index", "87012345678", org.pk))
    ) == [kz]
    assert list(
        Person.objects.filter(**blind_lookup(Person, "name_index", "ахметов ерлан", other_org.pk))
    ) == [tj]
