"""The case page: everything that hangs off a case, with the forms for it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from himoya.accounts.models import User
from himoya.cases import selectors, services
from himoya.cases.events import status_label
from himoya.cases.forms import (
    AssignForm,
    CustodyForm,
    HearingForm,
    NoteForm,
    ReferralCloseForm,
    ReferralForm,
    ShareForm,
    StatusForm,
    TaskForm,
    ViolationForm,
)
from himoya.cases.models import (
    Case,
    CaseStatus,
    Outcome,
    Person,
)
from himoya.cases.views.timeline import Timeline
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.reference.forms import country_label
from himoya.reference.models import Partner


def _transitions(case: Case, user: User) -> list[tuple[str, str]]:
    """The status buttons this user gets on this case (closing has its own form)."""
    if not can(user, "case.edit", case):
        return []
    if case.status == CaseStatus.CLOSED and not can(user, "case.manage", case):
        return []
    allowed = services.ALLOWED_TRANSITIONS[CaseStatus(case.status)]
    order = [s for s in CaseStatus.values if s in allowed and s != CaseStatus.CLOSED]
    return [(s, status_label(s)) for s in order]


def persons_queryset(case: Case) -> QuerySet[Person]:
    return Person.objects.filter(parties__case=case).distinct()


def detail_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = staff_user(request)
    org = case.organisation
    can_edit = can(user, "case.edit", case)
    can_manage = can(user, "case.manage", case)
    parties = list(selectors.case_parties(case))
    persons = persons_queryset(case)
    custody = {
        p.person_id: list(p.person.custody.select_related("facility").all()) for p in parties
    }
    for party in parties:
        party.custody_records = custody.get(party.person_id, [])  # type: ignore[attr-defined]
    has_custody = any(custody.values())
    today = timezone.localdate()
    tasks = list(case.tasks.select_related("assignee").all())
    for task in tasks:
        task.overdue = task.is_overdue(today)  # type: ignore[attr-defined]
    version = {"version": case.version}
    defaults: dict[str, Any] = {
        "status_form": StatusForm(initial=version),
        "assign_form": AssignForm(
            initial={**version, "lawyer": case.lawyer_id, "team": case.team_id}, organisation=org
        )
        if can_manage
        else None,
        "share_form": ShareForm(case_organisation_id=case.organisation_id) if can_manage else None,
        "task_form": TaskForm(organisation=org),
        "note_form": NoteForm(),
        "hearing_form": HearingForm(organisation=org),
        "referral_form": ReferralForm(
            persons=persons, partners=Partner.objects.filter(organisation=org)
        ),
        "custody_form": CustodyForm(persons=persons, initial={"since": today}),
        "violation_form": ViolationForm(),
        "close_form": StatusForm(initial={**version, "status": CaseStatus.CLOSED}),
    }
    failed_referral = forms.pop("failed_referral", None)
    failed_close_form = forms.pop("referral_close_form", None)
    defaults.update(forms)
    referrals = list(case.referrals.select_related("partner", "person"))
    for referral in referrals:
        if referral.pk == failed_referral and failed_close_form is not None:
            referral.close_form = failed_close_form  # type: ignore[attr-defined]
        else:
            referral.close_form = ReferralCloseForm(  # type: ignore[attr-defined]
                initial={"ended_on": today}, auto_id=f"end{referral.pk}-%s"
            )
    return {
        "case": case,
        "parties": parties,
        "has_custody": has_custody,
        "appeals": list(selectors.case_appeals(case)),
        "violations": list(case.violations.select_related("type", "facility")),
        "tasks": tasks,
        "notes": list(case.notes.select_related("author")),
        "hearings": list(case.hearings.prefetch_related("attendees")),
        "referrals": referrals,
        "failed_referral": failed_referral,
        "shares": list(case.shares.select_related("organisation")) if can_manage else [],
        "timeline": Timeline(case).entries(),
        "transitions": _transitions(case, user),
        "can_close": can_edit and case.status != CaseStatus.CLOSED,
        "can_edit": can_edit,
        "can_note": can(user, "case.note", case),
        "can_manage": can_manage,
        "can_register": can(user, "appeal.register", user.organisation) and can_edit,
        "country_name": country_label(case.country),
        "outcomes": Outcome.choices,
        **defaults,
    }


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.access_case(staff_user(request), pk)
    return render(request, "cases/detail.html", detail_context(request, case))


def invalid(request: HttpRequest, case: Case, anchor: str, **forms: Any) -> HttpResponse:
    """The case page again, with the form that failed showing its errors."""
    messages.error(request, _("Please correct the errors below."))
    context = detail_context(request, case, **forms)
    context["open_section"] = anchor
    return render(request, "cases/detail.html", context, status=400)


def back(case: Case, anchor: str = "") -> HttpResponse:
    url = reverse("cases:detail", args=[case.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def editable_case(request: HttpRequest, pk: int) -> Case:
    """The case for a change: 404 if the user may not see it. Whether they may change
    it is the service's check (PermissionDenied, answered 403); the change's own audit
    event records the access."""
    return selectors.access_case(staff_user(request), pk, audit=False)
