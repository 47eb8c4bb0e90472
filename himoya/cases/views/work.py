"""The work recorded from the case page: tasks, notes, hearings, referrals, custody,
violations."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.cases import selectors, services
from himoya.cases.forms import (
    CustodyForm,
    HearingForm,
    NoteForm,
    ReferralCloseForm,
    ReferralForm,
    TaskForm,
    ViolationForm,
)
from himoya.cases.views.case_action import CaseAction, Data
from himoya.reference.models import Partner


@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="tasks")

    def perform(data: Data) -> None:
        services.task_add(
            actor=action.user,
            case=action.case,
            title=data["title"],
            due_on=data["due_on"],
            remind_on=data["remind_on"],
            assignee=data["assignee"],
        )

    form = TaskForm(request.POST, organisation=action.case.organisation)
    return action.submit(form, "task_form", perform, _("The task is added."))


@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="tasks")
    task = action.item(action.case.tasks.all(), task_pk)
    return action.done(
        lambda: services.task_complete(actor=action.user, task=task),
        _("The task is marked as done."),
    )


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="notes")

    def perform(data: Data) -> None:
        services.note_add(actor=action.user, case=action.case, text=data["text"])

    return action.submit(NoteForm(request.POST), "note_form", perform, _("The note is added."))


@require_POST
def hearing_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="hearings")

    def perform(data: Data) -> None:
        services.hearing_add(
            actor=action.user,
            case=action.case,
            court=data["court"],
            starts_at=data["starts_at"],
            attendees=data["attendees"],
            note=data["note"],
        )

    form = HearingForm(request.POST, organisation=action.case.organisation)
    return action.submit(form, "hearing_form", perform, _("The court hearing is recorded."))


@require_POST
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="referrals")

    def perform(data: Data) -> None:
        services.referral_add(
            actor=action.user,
            case=action.case,
            person=data["person"],
            kind=data["kind"],
            partner=data["partner"],
            started_on=data["started_on"],
        )

    form = ReferralForm(
        request.POST,
        persons=selectors.case_persons(action.case),
        partners=Partner.objects.filter(organisation=action.case.organisation),
    )
    return action.submit(form, "referral_form", perform, _("The referral is recorded."))


@require_POST
def referral_close(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="referrals")
    referral = action.item(action.case.referrals.all(), referral_pk)

    def perform(data: Data) -> None:
        services.referral_close(
            actor=action.user,
            referral=referral,
            ended_on=data["ended_on"],
            outcome=data["outcome"],
        )

    form = ReferralCloseForm(request.POST, auto_id=f"end{referral.pk}-%s")
    return action.submit(
        form,
        "referral_close_form",
        perform,
        _("The end of the referral is recorded."),
        failed_referral=referral.pk,
    )


@require_POST
def custody_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="custody")

    def perform(data: Data) -> None:
        services.custody_record(
            actor=action.user,
            case=action.case,
            person=data["person"],
            facility=data["facility"],
            since=data["since"],
            note=data["note"],
        )

    form = CustodyForm(request.POST, persons=selectors.case_persons(action.case))
    return action.submit(form, "custody_form", perform, _("The place of detention is recorded."))


@require_POST
def violation_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="violations")

    def perform(data: Data) -> None:
        services.violation_add(
            actor=action.user,
            case=action.case,
            type_code=data["type"],
            occurred_on=data["occurred_on"],
            facility=data["facility"],
            description=data["description"],
        )

    form = ViolationForm(request.POST)
    return action.submit(form, "violation_form", perform, _("The violation is added."))
