"""POST handlers of the documentation panels (``CaseAction``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.cases.views.case_action import CaseAction, Data
from himoya.documentation import services
from himoya.documentation.forms import ConsentForm, EvaluationForm, FindingForm, InterviewForm
from himoya.documentation.models import EVALUATION_SECTIONS, Consent
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
