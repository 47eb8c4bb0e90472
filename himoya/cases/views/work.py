"""The work recorded from the case page: tasks, notes, hearings, referrals, custody,
violations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.cases import services
from himoya.cases.forms import (
    CustodyForm,
    HearingForm,
    NoteForm,
    ReferralCloseForm,
    ReferralForm,
    TaskForm,
    ViolationForm,
    add_service_errors,
)
from himoya.cases.views.detail import back, editable_case, invalid, persons_queryset
from himoya.core.access import access_object
from himoya.core.views import staff_user
from himoya.reference.models import Partner


@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    form = TaskForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_add(
                actor=user,
                case=case,
                title=data["title"],
                due_on=data["due_on"],
                remind_on=data["remind_on"],
                assignee=data["assignee"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The task is added."))
            return back(case, "tasks")
    return invalid(request, case, "tasks", task_form=form)


@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    task = access_object(case.tasks.all(), task_pk, user=user)
    task.case = case
    services.task_complete(actor=user, task=task)
    messages.success(request, _("The task is marked as done."))
    return back(case, "tasks")


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=user, case=case, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The note is added."))
            return back(case, "notes")
    return invalid(request, case, "notes", note_form=form)


@require_POST
def hearing_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    form = HearingForm(request.POST, organisation=case.organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.hearing_add(
                actor=user,
                case=case,
                court=data["court"],
                starts_at=data["starts_at"],
                attendees=data["attendees"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The court hearing is recorded."))
            return back(case, "hearings")
    return invalid(request, case, "hearings", hearing_form=form)


@require_POST
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    form = ReferralForm(
        request.POST,
        persons=persons_queryset(case),
        partners=Partner.objects.filter(organisation=case.organisation),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_add(
                actor=user,
                case=case,
                person=data["person"],
                kind=data["kind"],
                partner=data["partner"],
                started_on=data["started_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The referral is recorded."))
            return back(case, "referrals")
    return invalid(request, case, "referrals", referral_form=form)


@require_POST
def referral_close(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    referral = access_object(case.referrals.all(), referral_pk, user=user)
    referral.case = case
    form = ReferralCloseForm(request.POST, auto_id=f"end{referral.pk}-%s")
    if form.is_valid():
        try:
            services.referral_close(
                actor=user,
                referral=referral,
                ended_on=form.cleaned_data["ended_on"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The end of the referral is recorded."))
            return back(case, "referrals")
    return invalid(
        request, case, "referrals", referral_close_form=form, failed_referral=referral.pk
    )


@require_POST
def custody_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    form = CustodyForm(request.POST, persons=persons_queryset(case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.custody_record(
                actor=user,
                case=case,
                person=data["person"],
                facility=data["facility"],
                since=data["since"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The place of detention is recorded."))
            return back(case, "custody")
    return invalid(request, case, "custody", custody_form=form)


@require_POST
def violation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    case = editable_case(request, pk)
    form = ViolationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.violation_add(
                actor=user,
                case=case,
                type_code=data["type"],
                occurred_on=data["occurred_on"],
                facility=data["facility"],
                description=data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The violation is added."))
            return back(case, "violations")
    return invalid(request, case, "violations", violation_form=form)
