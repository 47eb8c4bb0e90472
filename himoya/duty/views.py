"""The duty roster's staff pages: the organisation's coordinators see who is on duty,
put a lawyer on duty and end a shift."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himoya.core.forms import add_service_errors
from himoya.core.policies import can
from himoya.core.views import staff_organisation, staff_user
from himoya.duty import selectors, services
from himoya.duty.forms import ShiftForm
from himoya.duty.models import DutyShift


@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    org = staff_organisation(request)
    if not can(user, "duty.manage", org):
        raise PermissionDenied
    form = ShiftForm(request.POST or None, organisation=org)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                shift = services.shift_add(
                    actor=user,
                    organisation=org,
                    lawyer=data["lawyer"],
                    region=data["region"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("%(lawyer)s is on the duty roster.") % {"lawyer": shift.lawyer}
                )
                return redirect("duty:roster")
        status = 400
    context = {
        "roster": selectors.roster(org),
        "form": form,
        "now": timezone.now(),
        "open_add": request.method == "POST",
    }
    return render(request, "duty/roster.html", context, status=status)


@require_POST
def shift_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    org = staff_organisation(request)
    if not can(user, "duty.manage", org):
        raise PermissionDenied
    shift = get_object_or_404(
        DutyShift.objects.select_related("lawyer", "organisation"), pk=pk, organisation=org
    )
    try:
        services.shift_end(actor=user, shift=shift)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The duty of %(lawyer)s has ended.") % {"lawyer": shift.lawyer})
    return redirect("duty:roster")
