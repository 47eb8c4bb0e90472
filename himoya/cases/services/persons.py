"""Persons: created with an appeal, updated on their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation
from himoya.cases.models import (
    Case,
    Person,
    Sex,
)
from himoya.cases.services.common import (
    check_birth_date,
    user_of,
)
from himoya.cases.services.search import reindex_case
from himoya.core.audit import audit_record
from himoya.core.policies import require

if TYPE_CHECKING:
    pass


@dataclass
class PersonInput:
    full_name: str
    sex: str = Sex.UNKNOWN
    birth_date: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    document_number: str = ""
    notes: str = ""


def person_create(*, actor: Any, organisation: Organisation, data: PersonInput) -> Person:
    if not data.full_name.strip():
        raise ValidationError({"full_name": _("Enter the person's name.")})
    if data.sex not in Sex.values:
        raise ValidationError({"sex": _("Unknown value “%(value)s”.") % {"value": data.sex}})
    check_birth_date(data.birth_date)
    person = Person.objects.create(
        organisation=organisation,
        full_name=data.full_name.strip(),
        sex=data.sex,
        birth_date=data.birth_date.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        address=data.address.strip(),
        document_number=data.document_number.strip(),
        notes=data.notes,
        created_by=user_of(actor),
    )
    audit_record(actor=actor, action="person.create", obj=person, organisation=organisation)
    return person


def person_update(*, actor: Any, person: Person, data: PersonInput) -> Person:
    from himoya.cases.selectors import visible_cases

    cases = visible_cases(actor).filter(parties__person=person).distinct()
    case = cases.first()
    if case is None:
        raise PermissionDenied("case.edit")
    require(actor, "case.edit", case)
    if data.birth_date.strip() != person.birth_date:
        check_birth_date(data.birth_date)
    changed = []
    with transaction.atomic():
        for name in (
            "full_name",
            "sex",
            "birth_date",
            "phone",
            "email",
            "address",
            "document_number",
            "notes",
        ):
            new = getattr(data, name)
            if getattr(person, name) != new:
                setattr(person, name, new)
                changed.append(name)
        if not changed:
            return person
        person.save()
        audit_record(
            actor=actor,
            action="person.update",
            obj=person,
            organisation=person.organisation,
            data={"fields": changed},
        )
        for linked in Case.objects.filter(parties__person=person).distinct():
            reindex_case(linked)
    return person
