"""Persons in a case beyond those its appeals named: another victim, a witness, an
alleged perpetrator, a lawyer, a relative."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.cases.models import Case, CaseParty, PartyRole
from himoya.cases.services.common import check_minor
from himoya.cases.services.persons import PersonInput, check_person, person_create
from himoya.cases.services.search import reindex_case
from himoya.core.events import record_event
from himoya.core.policies import require


def party_add(
    *,
    actor: Any,
    case: Case,
    role: str,
    person: PersonInput,
    is_minor: bool | None = None,
    relation: str = "",
) -> CaseParty:
    """Adds a new person to ``case`` in ``role``. ``is_minor`` None derives the flag from
    the date of birth (at the start of the events, or today); a victim who was a minor
    marks the case as one with a minor victim."""
    require(actor, "case.edit", case)
    if role not in PartyRole.values:
        raise ValidationError({"role": _("Unknown value “%(value)s”.") % {"value": role}})
    check_person(person)
    on = case.events_from or timezone.localdate()
    minor = check_minor(birth_date=person.birth_date, is_minor=is_minor, on=on)
    with transaction.atomic():
        created = person_create(actor=actor, organisation=case.organisation, data=person)
        party = CaseParty.objects.create(
            case=case, person=created, role=role, is_minor=minor, relation=relation.strip()
        )
        if role == PartyRole.VICTIM and minor and not case.has_minor_victim:
            case.has_minor_victim = True
            case.save(update_fields=["has_minor_victim"])
        record_event(
            actor=actor,
            action="party.add",
            obj=party,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "person": created.pk, "role": role, "minor": minor},
        )
        reindex_case(case)
    return party
