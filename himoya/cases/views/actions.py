"""Changing a case from its page: its facts, status, lawyer and team, sharing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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
)
from himoya.cases.models import (
    CaseStatus,
)
from himoya.cases.views.detail import back, editable_case, invalid
from himoya.core.access import access_object
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
            return back(case)
    status = 400 if form.errors else 200
    return render(request, "cases/edit.html", {"case": case, "form": form}, status=status)


@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    form = StatusForm(request.POST)
    closing = request.POST.get("status") == CaseStatus.CLOSED
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_change_status(
                actor=user,
                case=case,
                status=data["status"],
                outcome=data["outcome"],
                expected_version=data["version"],
            )
        except services.ConcurrentEdit as exc:
            messages.error(request, exc.messages[0])
            return back(case, "status")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The case is now “%(status)s”.") % {"status": status_label(data["status"])},
            )
            return back(case, "status")
    case = selectors.access_case(user, pk, audit=False)
    key = "close_form" if closing else "status_form"
    return invalid(request, case, "status", **{key: form})


@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    if not can(user, "case.manage", case):
        raise PermissionDenied
    form = AssignForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_assign(
                actor=user,
                case=case,
                lawyer=data["lawyer"],
                team=data["team"],
                expected_version=data["version"],
            )
        except services.ConcurrentEdit as exc:
            messages.error(request, exc.messages[0])
            return back(case, "assignment")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The assignment is saved."))
            return back(case, "assignment")
    return invalid(request, case, "assignment", assign_form=form)


@require_POST
def case_share(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    if not can(user, "case.manage", case):
        raise PermissionDenied
    form = ShareForm(request.POST, case_organisation_id=case.organisation_id)
    if form.is_valid():
        try:
            services.case_share(
                actor=user, case=case, organisation=form.cleaned_data["organisation"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The case is shared with %(organisation)s.")
                % {"organisation": form.cleaned_data["organisation"]},
            )
            return back(case, "sharing")
    return invalid(request, case, "sharing", share_form=form)


@require_POST
def case_unshare(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    if not can(user, "case.manage", case):
        raise PermissionDenied
    share = access_object(case.shares.select_related("organisation"), share_pk, user=user)
    services.case_unshare(actor=user, case=case, organisation=share.organisation)
    messages.success(
        request,
        _("The case is no longer shared with %(organisation)s.")
        % {"organisation": share.organisation},
    )
    return back(case, "sharing")
