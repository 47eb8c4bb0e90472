"""Handlers of the documentation panels (``CaseAction``), the finding correction page
and the evaluation report download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himoya.cases import selectors
from himoya.cases.forms import add_service_errors
from himoya.cases.models import Case
from himoya.cases.views.case_action import CaseAction, Data
from himoya.core.access import access_object
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.documentation import body, report, services
from himoya.documentation.forms import (
    ConsentForm,
    EvaluationForm,
    FindingEditForm,
    FindingForm,
    InterviewForm,
    ReportForm,
)
from himoya.documentation.models import EVALUATION_SECTIONS, Consent, Evaluation, Finding
from himoya.documentation.panels import case_evaluations, case_partners, case_victims
from himoya.documentation.services.interviews import NARRATIVE


@require_POST
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="consents")

    def perform(data: Data) -> None:
        services.consent_record(
            actor=action.user,
            case=action.case,
            person=data["person"],
            kind=data["kind"],
            given_on=data["given_on"],
            partner=data["partner"],
            recipients=data["recipients"],
        )

    form = ConsentForm(
        request.POST, people=case_victims(action.case), partners=case_partners(action.case)
    )
    return action.submit(form, "consent_form", perform, _("The consent is recorded."))


@require_POST
def consent_revoke(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="consents")
    consent = action.item(Consent.objects.filter(case=action.case), consent_pk)
    return action.done(
        lambda: services.consent_revoke(actor=action.user, consent=consent),
        _("The consent is revoked. Work that depends on it is stopped."),
    )


@require_POST
def interview_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="interviews")

    def perform(data: Data) -> None:
        services.interview_record(
            actor=action.user,
            case=action.case,
            person=data["person"],
            held_on=data["held_on"],
            interviewer_gender=data["interviewer_gender"],
            interpreter=data["interpreter"],
            interpreter_gender=data["interpreter_gender"],
            interpreter_tie=data["interpreter_tie"],
            methods=data["methods"],
            sections={name: data[name] for name in NARRATIVE},
        )

    form = InterviewForm(request.POST, people=case_victims(action.case))
    return action.submit(form, "interview_form", perform, _("The interview is recorded."))


@require_POST
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="evaluations")
    action.require("documentation.evaluation.write")

    def perform(data: Data) -> None:
        services.evaluation_record(
            actor=action.user,
            case=action.case,
            person=data["person"],
            kind=data["kind"],
            examined_on=data["examined_on"],
            overall=data["overall"],
            truthful=data["truthful"],
            sections={name: data[name] for name, _label in EVALUATION_SECTIONS},
        )

    form = EvaluationForm(request.POST, people=case_victims(action.case))
    return action.submit(form, "evaluation_form", perform, _("The evaluation is recorded."))


@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="evaluations")
    # A reader who may not see evaluations learns nothing of them, not even a form error.
    action.require("documentation.evaluation.write")

    def perform(data: Data) -> None:
        evaluation = data.pop("evaluation")
        evaluation.case = action.case
        data.pop("form_token", None)
        services.finding_add(actor=action.user, evaluation=evaluation, **data)

    form = FindingForm(request.POST, evaluations=case_evaluations(action.case))
    return action.submit(form, "finding_form", perform, _("The finding is recorded."))


def _evaluations(user: Any, case: Case) -> QuerySet[Evaluation]:
    """The case's evaluations for a reader of evaluations, none for anyone else: a
    reader who may not see them gets the same 404 as for a record that does not exist."""
    if can(user, "documentation.evaluation.view", case):
        return Evaluation.objects.filter(case=case)
    return Evaluation.objects.none()


def _finding(user: Any, case: Case, finding_pk: int) -> Finding:
    finding = access_object(
        Finding.objects.filter(evaluation__in=_evaluations(user, case)).select_related(
            "evaluation"
        ),
        finding_pk,
        user=user,
    )
    finding.evaluation.case = case
    if not can(user, "documentation.evaluation.write", case):
        raise PermissionDenied
    return finding


@require_GET
def evaluation_report(request: HttpRequest, pk: int, evaluation_pk: int, fmt: str) -> HttpResponse:
    """The evaluation's report, made now and handed over as a download (never stored,
    never shown inline), in the language asked for."""
    if fmt not in report.FORMATS:
        raise Http404
    user = staff_user(request)
    case = selectors.access_case(user, pk, audit=False)
    evaluation = access_object(
        _evaluations(user, case).select_related("person", "clinician"), evaluation_pk, user=user
    )
    evaluation.case = case
    form = ReportForm(request.GET or {"language": translation.get_language()})
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose the language of the report."))
    made = report.evaluation_report(
        actor=user, evaluation=evaluation, format=fmt, language=form.cleaned_data["language"]
    )
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = content_disposition_header(True, made.filename)
    return response


@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    """A finding corrected on a page of its own, with the same diagram as the case page."""
    user = staff_user(request)
    case = selectors.access_case(user, pk, audit=False)
    finding = _finding(user, case, finding_pk)
    if request.method == "POST":
        form = FindingEditForm(request.POST)
        if form.is_valid():
            try:
                services.finding_change(actor=user, finding=finding, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The finding is corrected."))
                return redirect(f"{reverse('cases:detail', args=[case.pk])}#evaluations")
        status = 400
    else:
        form = FindingEditForm(
            initial={name: getattr(finding, name) for name in FindingEditForm.base_fields}
        )
        status = 200
    # The evaluation's other marks, numbered as on the case page, around this one.
    findings = list(finding.evaluation.findings.order_by("pk"))
    mine = next(n for n, f in enumerate(findings, start=1) if f.pk == finding.pk)
    others = [m for m in body.marks(findings) if m.number != mine]
    context = {
        "case": case,
        "finding": finding,
        "form": form,
        "pick_diagrams": body.diagrams(others),
    }
    return render(request, "documentation/finding_edit.html", context, status=status)


@require_POST
def finding_delete(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="evaluations")
    finding = _finding(action.user, action.case, finding_pk)
    return action.done(
        lambda: services.finding_delete(actor=action.user, finding=finding),
        _("The finding is deleted."),
    )
