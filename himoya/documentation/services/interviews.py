"""The allegation interview: recorded with the person's consent to be interviewed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from himoya.accounts.models import User
from himoya.cases.models import Case, Person
from himoya.cases.services.common import not_in_future, user_of
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.documentation.models import (
    INTERVIEW_SECTIONS,
    ConsentKind,
    Gender,
    Interview,
    Tie,
)
from himoya.documentation.services.consents import check_victim, require_consent
from himoya.reference import vocab
from himoya.reference.models import Term

# Every narrative field the interview keeps, the sexual-violence one included.
NARRATIVE = (*(name for name, _label in INTERVIEW_SECTIONS), "sexual_violence")


def interview_record(
    *,
    actor: Any,
    case: Case,
    person: Person,
    held_on: dt.date,
    interviewer_gender: str,
    interviewer: User | None = None,
    interpreter: bool = False,
    interpreter_gender: str = "",
    interpreter_tie: str = "",
    methods: Iterable[Term] = (),
    sections: Mapping[str, str] | None = None,
) -> Interview:
    require(actor, "documentation.record", case)
    interviewer = interviewer or user_of(actor)
    sections = {k: (v or "").strip() for k, v in (sections or {}).items()}
    methods = list(methods)
    errors: dict[str, str] = {}
    if interviewer is None:
        errors["interviewer_gender"] = _("Name the interviewer.")
    if interviewer_gender not in Gender.values:
        errors["interviewer_gender"] = _("Choose the interviewer's gender.")
    if interpreter:
        if interpreter_gender not in Gender.values:
            errors["interpreter_gender"] = _("Choose the interpreter's gender.")
        if interpreter_tie not in Tie.values:
            errors["interpreter_tie"] = _(
                "Say whether the interpreter has any tie to the detaining authority."
            )
    elif interpreter_gender or interpreter_tie:
        errors["interpreter"] = _("Mark that an interpreter took part.")
    unknown = sorted(set(sections) - set(NARRATIVE))
    if unknown:
        raise ValueError(f"unknown interview sections: {unknown}")
    if any(t.vocabulary != vocab.METHOD for t in methods):
        errors["methods"] = _("Choose methods from the list.")
    if not any(sections.values()) and not methods:
        errors["before_detention"] = _("The interview records nothing yet.")
    if errors or interviewer is None:
        raise ValidationError(errors)
    check_victim(case, person)
    not_in_future(held_on, field_name="held_on")
    with transaction.atomic():
        require_consent(person, ConsentKind.INTERVIEW, case=case)
        interview = Interview.objects.create(
            case=case,
            person=person,
            held_on=held_on,
            interviewer=interviewer,
            interviewer_gender=interviewer_gender,
            interpreter=interpreter,
            interpreter_gender=interpreter_gender if interpreter else "",
            interpreter_tie=interpreter_tie if interpreter else "",
            created_by=user_of(actor),
            **sections,
        )
        interview.methods.set(methods)
        record_event(
            actor=actor,
            action="interview.record",
            obj=interview,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "interview": interview.pk,
                "person": person.pk,
                # Which sections were filled, never what they say.
                "sections": sorted(k for k, v in sections.items() if v),
                "methods": sorted(t.code for t in methods),
            },
        )
    return interview
