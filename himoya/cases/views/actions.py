"""Changing a case from its page: its facts, status, lawyer and team, sharing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himoya.cases import selectors, services
from himoya.cases.events import status_label
from himoya.cases.forms import (
    AssignForm,
    CaseFactsForm,
    ShareForm,
    StatusForm,
    add_service_errors,
    own_outcome,
)
from himoya.cases.models import CaseStatus
from himoya.cases.views.case_action import CaseAction, Data
from himoya.core.policies import can
from himoya.core.views import staff_user


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The case facts. The form carries the version it was opened at; if someone saved
    in between, the service refuses and names them."""
    user = staff_user(request)
    case = selectors.access_case(user, pk, audit=request.method == "GET")
    if not can(user, "case.edit", case):
        raise PermissionDenied
    initial = {
        "version": case.version,
        "country": case.country,
        "region": case.region_id,
        "facility": case.facility_id,
        "agency": case.agency.code if case.agency else "unknown",
        "events_from": case.events_from,
        "events_to": case.events_to,
        "summary": case.summary,
    }
    form = CaseFactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = data["region"] or (0 if case.region_id else None)
        facility = data["facility"] or (0 if case.facility_id else None)
        try:
            services.case_update(
                actor=user,
                case=case,
                changes=services.CaseChanges(
                    summary=data["summary"],
                    country=data["country"],
                    region=region,
                    facility=facility,
                    agency=data["agency"],
                    events_from=data["events_from"],
                    events_to=data["events_to"],
                ),
                expected_version=data["version"],
            )
        except services.ConcurrentEdit as exc:
            form.add_error(None, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case facts are saved."))
            return redirect("cases:detail", case.pk)
    status = 400 if form.errors else 200
    return render(request, "cases/edit.html", {"case": case, "form": form}, status=status)


@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="status")

    def perform(data: Data) -> None:
        services.case_change_status(
            actor=action.user,
            case=action.case,
            status=data["status"],
            outcome=data["outcome"],
            expected_version=data["version"],
        )

    def success(data: Data) -> str:
        return _("The case is now “%(status)s”.") % {"status": status_label(data["status"])}

    # Closing has its own form on the page (it asks for the outcome).
    closing = request.POST.get("status") == CaseStatus.CLOSED
    name = "close_form" if closing else "status_form"
    form = StatusForm(request.POST, country=action.case.country, outcome=own_outcome(action.case))
    return action.submit(form, name, perform, success)


@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="assignment")
    action.require("case.manage")

    def perform(data: Data) -> None:
        services.case_assign(
            actor=action.user,
            case=action.case,
            lawyer=data["lawyer"],
            team=data["team"],
            expected_version=data["version"],
            move_tasks=data["move_tasks"],
        )

    form = AssignForm(request.POST, organisation=action.case.organisation)
    return action.submit(form, "assign_form", perform, _("The assignment is saved."))


@require_POST
def case_share(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="sharing")
    action.require("case.manage")

    def perform(data: Data) -> None:
        services.case_share(actor=action.user, case=action.case, organisation=data["organisation"])

    def success(data: Data) -> str:
        return _("The case is shared with %(organisation)s.") % {
            "organisation": data["organisation"]
        }

    form = ShareForm(request.POST, case_organisation_id=action.case.organisation_id)
    return action.submit(form, "share_form", perform, success)


@require_POST
def case_unshare(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="sharing")
    action.require("case.manage")
    share = action.item(action.case.shares.select_related("organisation"), share_pk)
    return action.done(
        lambda: services.case_unshare(
            actor=action.user, case=action.case, organisation=share.organisation
        ),
        _("The case is no longer shared with %(organisation)s.")
        % {"organisation": share.organisation},
    )
