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
    parse_birth,
    user_of,
)
from himoya.cases.services.search import reindex_case
from himoya.core.audit import audit_record
from himoya.core.events import record_event
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


PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "phone",
    "email",
    "address",
    "document_number",
    "notes",
)


def check_person(data: PersonInput) -> None:
    """What every person's details must satisfy, on creation and on edit alike."""
    if not data.full_name.strip():
        raise ValidationError({"full_name": _("Enter the person's name.")})
    if data.sex not in Sex.values:
        raise ValidationError({"sex": _("Unknown value “%(value)s”.") % {"value": data.sex}})
    check_birth_date(data.birth_date)


def _clean(data: PersonInput) -> dict[str, str]:
    values = {name: getattr(data, name) for name in PERSON_FIELDS}
    for name in PERSON_FIELDS:
        if name != "notes":
            values[name] = values[name].strip()
    # Typed as shown (25.03.1990) or as ISO, kept as ISO or a year alone: the exports,
    # the API and the minor check read one form (checked by ``check_person`` first).
    birth, year_only = parse_birth(values["birth_date"])
    if birth is not None:
        values["birth_date"] = str(birth.year) if year_only else birth.isoformat()
    return values


def person_create(*, actor: Any, organisation: Organisation, data: PersonInput) -> Person:
    check_person(data)
    person = Person.objects.create(
        organisation=organisation, created_by=user_of(actor), **_clean(data)
    )
    audit_record(actor=actor, action="person.create", obj=person, organisation=organisation)
    return person


def person_update(
    *, actor: Any, person: Person, data: PersonInput, case: Case | None = None
) -> Person:
    """Changes a person's details. The change is recorded on the timeline of ``case``
    (the case it was made from) or, without one, of the first case of the person the
    actor sees and may edit; the event names the fields changed, never their values."""
    from himoya.cases.selectors import visible_cases

    cases = visible_cases(actor).filter(parties__person=person).distinct()
    if case is not None:
        cases = cases.filter(pk=case.pk)
    case = cases.order_by("pk").first()
    if case is None:
        raise PermissionDenied("case.edit")
    require(actor, "case.edit", case)
    check_person(data)
    values = _clean(data)
    changed = [name for name in PERSON_FIELDS if getattr(person, name) != values[name]]
    if not changed:
        return person
    with transaction.atomic():
        for name in changed:
            setattr(person, name, values[name])
        person.save()
        record_event(
            actor=actor,
            action="person.update",
            obj=person,
            organisation=person.organisation,
            case=case,
            data={"person": person.pk, "fields": changed},
        )
        for linked in Case.objects.filter(parties__person=person).distinct():
            reindex_case(linked)
    return person
