"""POST handlers of the "Litigation and remedies" panel (``CaseAction``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.cases.views.case_action import CaseAction, Data
from himoya.litigation import services
from himoya.litigation.forms import AwardForm, CompensationForm, DecisionForm, ProceedingForm
from himoya.litigation.models import CourtProceeding
from himoya.litigation.panels import case_proceedings, open_claims

ANCHOR = "litigation"


@require_POST
def proceeding_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)

    def perform(data: Data) -> None:
        services.proceeding_add(actor=action.user, case=action.case, **data)

    return action.submit(
        ProceedingForm(request.POST),
        "proceeding_form",
        perform,
        _("The court proceeding is recorded."),
    )


@require_POST
def proceeding_strategic(request: HttpRequest, pk: int, proceeding_pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)
    proceeding = action.item(CourtProceeding.objects.filter(case=action.case), proceeding_pk)
    strategic = request.POST.get("strategic") == "1"
    message = (
        _("The proceeding is marked as strategic litigation.")
        if strategic
        else _("The proceeding is no longer marked as strategic litigation.")
    )
    return action.done(
        lambda: services.proceeding_set_strategic(
            actor=action.user, proceeding=proceeding, strategic=strategic
        ),
        message,
    )


@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)

    def perform(data: Data) -> None:
        proceeding = data["proceeding"]
        proceeding.case = action.case
        services.decision_add(
            actor=action.user,
            proceeding=proceeding,
            decided_on=data["decided_on"],
            result=data["result"],
            final=data["final"],
        )

    form = DecisionForm(request.POST, proceedings=case_proceedings(action.case))
    return action.submit(form, "decision_form", perform, _("The court decision is recorded."))


@require_POST
def compensation_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)

    def perform(data: Data) -> None:
        services.compensation_add(actor=action.user, case=action.case, **data)

    form = CompensationForm(request.POST, proceedings=case_proceedings(action.case))
    return action.submit(form, "compensation_form", perform, _("The compensation is recorded."))


@require_POST
def compensation_award(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)

    def perform(data: Data) -> None:
        compensation = data.pop("compensation")
        compensation.case = action.case
        services.compensation_award(actor=action.user, compensation=compensation, **data)

    form = AwardForm(request.POST, claims=open_claims(action.case))
    return action.submit(form, "award_form", perform, _("The award is recorded."))
