"""The case page's documentation panels (registered on ``case_page``): consents and
allegation interviews for whoever sees the case, evaluations only for those the
evaluation policy names (a reader it refuses gets neither the panel nor its query)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case, PartyRole, Person
from himoya.cases.panels import case_page
from himoya.core.panels import Panel
from himoya.core.policies import can
from himoya.documentation import body, photos
from himoya.documentation.forms import ConsentForm, EvaluationForm, FindingForm, InterviewForm
from himoya.documentation.models import (
    EVALUATION_SECTIONS,
    INTERVIEW_SECTIONS,
    Consent,
    Evaluation,
    Interview,
)
from himoya.reference.models import Partner


def case_victims(case: Case) -> QuerySet[Person]:
    return Person.objects.filter(parties__case=case, parties__role=PartyRole.VICTIM).distinct()


def case_partners(case: Case) -> QuerySet[Partner]:
    return Partner.objects.filter(organisation_id=case.organisation_id)


def case_evaluations(case: Case) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(case=case)


def _may_record(request: HttpRequest, case: Case) -> bool:
    return can(request.user, "documentation.record", case)


def consents(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    rows = Consent.objects.filter(case=case).select_related("person", "taken_by", "partner")
    return {
        "consents": list(rows),
        "may_record": _may_record(request, case),
        "consent_form": forms.get("consent_form")
        or ConsentForm(people=case_victims(case), partners=case_partners(case)),
    }


def interviews(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    rows = list(
        Interview.objects.filter(case=case)
        .select_related("person", "interviewer", "case")
        .prefetch_related("methods")
    )
    for interview in rows:
        interview.sections = [  # type: ignore[attr-defined]
            (label, getattr(interview, name))
            for name, label in INTERVIEW_SECTIONS
            if getattr(interview, name)
        ]
        # The section is not even decrypted for a reader the policy refuses.
        interview.may_read_sexual = can(  # type: ignore[attr-defined]
            request.user, "documentation.sexual_violence", interview
        )
    return {
        "interviews": rows,
        "may_record": _may_record(request, case),
        "interview_form": forms.get("interview_form") or InterviewForm(people=case_victims(case)),
    }


def evaluations(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    rows = list(
        case_evaluations(case).select_related("person", "clinician").prefetch_related("findings")
    )
    for evaluation in rows:
        evaluation.sections = [  # type: ignore[attr-defined]
            (label, getattr(evaluation, name))
            for name, label in EVALUATION_SECTIONS
            if getattr(evaluation, name)
        ]
        findings = list(evaluation.findings.all())
        linked = photos.linked(case, findings)
        for finding in findings:
            finding.photos = linked.get(finding.pk, [])  # type: ignore[attr-defined]
            finding.photos_url = photos.link_url(case, finding)  # type: ignore[attr-defined]
        evaluation.finding_rows = list(enumerate(findings, start=1))  # type: ignore[attr-defined]
        evaluation.marks = body.marks(findings)  # type: ignore[attr-defined]
        evaluation.diagrams = body.diagrams(evaluation.marks)  # type: ignore[attr-defined]
    return {
        "evaluations": rows,
        "may_evaluate": can(request.user, "documentation.evaluation.write", case),
        "evaluation_form": forms.get("evaluation_form")
        or EvaluationForm(people=case_victims(case)),
        "finding_form": forms.get("finding_form")
        or FindingForm(evaluations=case_evaluations(case)),
        "pick_diagrams": body.diagrams([]),
        "report_languages": settings.LANGUAGES,
    }


def _sees_evaluations(user: Any, case: Case) -> bool:
    return can(user, "documentation.evaluation.view", case)


case_page.register(
    Panel(
        id="consents",
        title=_("Consents"),
        template="documentation/consents.html",
        context=consents,
        order=640,
    )
)
case_page.register(
    Panel(
        id="interviews",
        title=_("Allegation interviews"),
        template="documentation/interviews.html",
        context=interviews,
        order=650,
    )
)
case_page.register(
    Panel(
        id="evaluations",
        title=_("Medical and psychological evaluations"),
        template="documentation/evaluations.html",
        context=evaluations,
        visible=_sees_evaluations,
        order=660,
    )
)
