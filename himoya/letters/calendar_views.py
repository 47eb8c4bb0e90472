"""The page of the corrections of the countries' calendars: every staff member reads
them (they explain due dates); reference stewards add, correct, verify and retire them
(``letters.calendar.manage``), through ``corrections.correction_save``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from himoya.accounts.models import User
from himoya.core.forms import add_service_errors
from himoya.core.idempotency import submit_once
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.letters.corrections import CORRECTION_FIELDS, correction_save
from himoya.letters.deadlines import CHECKED_YEARS
from himoya.letters.models import CalendarCorrection
from himoya.letters.staff_forms import CorrectionForm


def _steward(request: HttpRequest) -> User:
    user = staff_user(request)
    if not can(user, "letters.calendar.manage", None):
        raise PermissionDenied
    return user


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "letters/calendar.html",
        {
            "corrections": CalendarCorrection.objects.select_related("recorded_by").order_by(
                "-active", "country", "-day"
            ),
            "checked": sorted((c, sorted(years)) for c, years in CHECKED_YEARS.items()),
            "can_manage": can(user, "letters.calendar.manage", None),
        },
    )


def _page(
    request: HttpRequest, form: CorrectionForm, obj: CalendarCorrection | None
) -> HttpResponse:
    title = _("Edit the calendar correction") if obj else _("Add a calendar correction")
    return render(
        request,
        "letters/correction_edit.html",
        {"form": form, "title": title, "obj": obj},
        status=400 if request.method == "POST" else 200,
    )


def _back(correction: CalendarCorrection) -> str:
    return f"{reverse('letters:calendar')}#correction-{correction.pk}"


@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest) -> HttpResponse:
    user = _steward(request)
    form = CorrectionForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            made = submit_once(
                request,
                form.cleaned_data["form_token"],
                lambda: correction_save(actor=user, **form.values()),
                lambda _c: reverse("letters:calendar"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if isinstance(made, HttpResponse):
                return made
            messages.success(request, _("The correction is saved."))
            return redirect(_back(made))
    return _page(request, form, None)


@require_http_methods(["GET", "POST"])
def correction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _steward(request)
    correction = get_object_or_404(CalendarCorrection, pk=pk)
    initial = {name: getattr(correction, name) for name in CORRECTION_FIELDS}
    form = CorrectionForm(request.POST or None, initial=initial, once=False)
    if request.method == "POST" and form.is_valid():
        try:
            saved = correction_save(actor=user, correction=correction, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The correction is saved."))
            return redirect(_back(saved))
    return _page(request, form, correction)
