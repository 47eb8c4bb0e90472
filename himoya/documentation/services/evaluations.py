"""Medical and psychological evaluations (Annex IV) and their findings, recorded by the
clinicians on the case with the person's consent to be examined. A finding added after
the consent was revoked is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from himoya.cases.models import Case, Person
from himoya.cases.services.common import not_in_future, user_of
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.documentation.models import (
    EVALUATION_SECTIONS,
    BodyRegion,
    ConsentKind,
    Consistency,
    DiagramView,
    Evaluation,
    EvaluationKind,
    Finding,
    FindingType,
)
from himoya.documentation.services.consents import check_victim, require_consent

SECTIONS = tuple(name for name, _label in EVALUATION_SECTIONS)
FINDING_TEXT = ("location", "size", "colour", "age_estimate", "description")


def evaluation_record(
    *,
    actor: Any,
    case: Case,
    person: Person,
    kind: str,
    examined_on: dt.date,
    overall: str = "",
    truthful: bool = False,
    sections: Mapping[str, str] | None = None,
) -> Evaluation:
    require(actor, "documentation.evaluation.write", case)
    clinician = user_of(actor)
    sections = {k: (v or "").strip() for k, v in (sections or {}).items()}
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise ValueError(f"unknown evaluation sections: {unknown}")
    errors: dict[str, str] = {}
    if kind not in EvaluationKind.values:
        errors["kind"] = _("Choose the kind of evaluation.")
    if overall and overall not in Consistency.values:
        errors["overall"] = _("Choose a level of consistency.")
    if overall and not sections.get("conclusion"):
        errors["conclusion"] = _("Write the conclusion the overall rating stands on.")
    if clinician is None:
        errors["kind"] = _("An evaluation is recorded by the clinician who made it.")
    if errors or clinician is None:
        raise ValidationError(errors)
    check_victim(case, person)
    not_in_future(examined_on, field_name="examined_on")
    with transaction.atomic():
        require_consent(person, ConsentKind.EXAMINATION, case=case)
        evaluation = Evaluation.objects.create(
            case=case,
            person=person,
            kind=kind,
            examined_on=examined_on,
            clinician=clinician,
            overall=overall,
            truthful=truthful,
            **sections,
        )
        record_event(
            actor=actor,
            action="evaluation.record",
            obj=evaluation,
            organisation=case.organisation,
            data={
                "case": case.pk,
                "evaluation": evaluation.pk,
                "person": person.pk,
                "kind": kind,
                "overall": overall,
            },
        )
    return evaluation


def _mark(view: str, x: float | None, y: float | None, errors: dict[str, str]) -> None:
    if x is None and y is None:
        return
    if x is None or y is None or not (0 <= x <= 1 and 0 <= y <= 1):
        errors["x"] = _("A mark on the diagram needs both coordinates, between 0 and 1.")
    if view not in DiagramView.values:
        errors["view"] = _("Choose the view of the body the mark is on.")


class FindingFields(TypedDict, total=False):
    """What a finding records, the same for adding and correcting one: the type, region
    and rating are required, the text and the mark on the diagram are not."""

    type: Required[str]
    region: Required[str]
    rating: Required[str]
    location: str
    size: str
    colour: str
    age_estimate: str
    description: str
    view: str
    x: float | None
    y: float | None


def _finding_values(actor: Any, case: Case, fields: FindingFields) -> dict[str, Any]:
    """The finding's stored values, checked, once the actor may write evaluations."""
    require(actor, "documentation.evaluation.write", case)
    # Keyword arguments a caller spelled wrong stay an error, as with a plain signature.
    unknown = set(fields) - FindingFields.__required_keys__ - FindingFields.__optional_keys__
    if unknown:
        raise TypeError(f"unknown finding fields: {sorted(unknown)}")
    type, region, rating = fields["type"], fields["region"], fields["rating"]
    view, x, y = fields.get("view", ""), fields.get("x"), fields.get("y")
    errors: dict[str, str] = {}
    if type not in FindingType.values:
        errors["type"] = _("Choose the type of finding.")
    if region not in BodyRegion.values:
        errors["region"] = _("Choose the body region.")
    if rating not in Consistency.values:
        errors["rating"] = _("Choose a level of consistency.")
    if view and view not in DiagramView.values:
        errors["view"] = _("Choose the view of the body the mark is on.")
    _mark(view, x, y, errors)
    if errors:
        raise ValidationError(errors)
    text: Mapping[str, Any] = fields
    return {
        "type": type,
        "region": region,
        "rating": rating,
        "view": view,
        "x": x,
        "y": y,
        **{name: (text.get(name) or "").strip() for name in FINDING_TEXT},
    }


def finding_add(*, actor: Any, evaluation: Evaluation, **fields: Unpack[FindingFields]) -> Finding:
    case = evaluation.case
    values = _finding_values(actor, case, fields)
    with transaction.atomic():
        require_consent(evaluation.person, ConsentKind.EXAMINATION, case=case)
        finding = Finding.objects.create(evaluation=evaluation, **values)
        record_event(
            actor=actor,
            action="finding.add",
            obj=finding,
            organisation=case.organisation,
            data={
                "case": case.pk,
                "evaluation": evaluation.pk,
                "finding": finding.pk,
                "type": values["type"],
                "region": values["region"],
                "rating": values["rating"],
            },
        )
    return finding


def finding_change(*, actor: Any, finding: Finding, **fields: Unpack[FindingFields]) -> Finding:
    """Corrects a finding. It needs no consent in force: it records better what was
    found in an examination the person consented to (adding one does need it)."""
    evaluation = finding.evaluation
    case = evaluation.case
    values = _finding_values(actor, case, fields)
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        changed = sorted(name for name, value in values.items() if getattr(locked, name) != value)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        record_event(
            actor=actor,
            action="finding.change",
            obj=locked,
            organisation=case.organisation,
            # Field names only: what was found stays out of the chain.
            data={
                "case": case.pk,
                "evaluation": evaluation.pk,
                "finding": locked.pk,
                "fields": changed,
                "rating": locked.rating,
            },
        )
    for name, value in values.items():
        setattr(finding, name, value)
    return finding


def finding_delete(*, actor: Any, finding: Finding) -> None:
    evaluation = finding.evaluation
    case = evaluation.case
    require(actor, "documentation.evaluation.write", case)
    with transaction.atomic():
        pk = finding.pk
        record_event(
            actor=actor,
            action="finding.delete",
            obj=finding,
            organisation=case.organisation,
            data={
                "case": case.pk,
                "evaluation": evaluation.pk,
                "finding": pk,
                "type": finding.type,
                "region": finding.region,
                "rating": finding.rating,
            },
        )
        Finding.objects.filter(pk=pk).delete()
