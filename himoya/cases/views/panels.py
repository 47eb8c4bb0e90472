"""The case page's own sections, registered on ``himoya.cases.panels.case_page`` like
any other app's (imported from ``CasesConfig.ready()``).

Each reader returns what its template (``cases/panels/<id>.html``) shows, and the empty
forms of its section unless a failed POST handed one back in ``forms``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    own_outcome,
)
from himoya.cases.models import Case, CaseParty, CaseStatus, CustodyRecord
from himoya.cases.office_forms import AppealOfficeForm
from himoya.cases.panels import case_page
from himoya.cases.person_forms import PartyForm
from himoya.cases.views import clinicians
from himoya.cases.views.timeline import Timeline
from himoya.core.panels import Panel
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.reference.forms import country_label
from himoya.reference.models import Partner

Forms = Mapping[str, Any]
Context = dict[str, Any]


def _parties(case: Case) -> list[CaseParty]:
    # The persons and the custody panels list the same parties: one query for both.
    prefetch_related_objects(
        [case],
        Prefetch(
            "parties", queryset=CaseParty.objects.select_related("person").order_by("role", "id")
        ),
    )
    return list(case.parties.all())


def facts(request: HttpRequest, case: Case, forms: Forms) -> Context:
    return {"country_name": country_label(case.country)}


def persons(request: HttpRequest, case: Case, forms: Forms) -> Context:
    return {"parties": _parties(case), "party_form": forms.get("party_form") or PartyForm()}


def appeals(request: HttpRequest, case: Case, forms: Forms) -> Context:
    user = staff_user(request)
    items = list(selectors.case_appeals(case))
    # A failed office correction shows its form again on the appeal it was for.
    failed = forms.get("failed_appeal")
    if can(user, "case.edit", case):
        for appeal in items:
            form = forms.get("appeal_office_form") if appeal.pk == failed else None
            appeal.office_form = form or AppealOfficeForm(appeal=appeal)  # type: ignore[attr-defined]
    return {
        "appeals": items,
        "failed_appeal": failed,
        "can_register": can(user, "appeal.register", user.organisation),
    }


def violations(request: HttpRequest, case: Case, forms: Forms) -> Context:
    return {
        "violations": list(case.violations.select_related("type", "facility")),
        "violation_form": forms.get("violation_form") or ViolationForm(),
    }


def tasks(request: HttpRequest, case: Case, forms: Forms) -> Context:
    today = timezone.localdate()
    items = list(case.tasks.select_related("assignee").all())
    for task in items:
        task.overdue = task.is_overdue(today)  # type: ignore[attr-defined]
    return {
        "tasks": items,
        "task_form": forms.get("task_form") or TaskForm(organisation=case.organisation),
    }


def notes(request: HttpRequest, case: Case, forms: Forms) -> Context:
    return {
        "notes": list(case.notes.select_related("author")),
        "note_form": forms.get("note_form") or NoteForm(),
    }


def hearings(request: HttpRequest, case: Case, forms: Forms) -> Context:
    return {
        "hearings": list(case.hearings.prefetch_related("attendees")),
        "hearing_form": forms.get("hearing_form") or HearingForm(organisation=case.organisation),
    }


def referrals(request: HttpRequest, case: Case, forms: Forms) -> Context:
    today = timezone.localdate()
    # A failed "record the end" shows its form again on the referral it was for.
    failed = forms.get("failed_referral")
    items = list(case.referrals.select_related("partner", "person"))
    for referral in items:
        if referral.pk == failed and "referral_close_form" in forms:
            referral.close_form = forms["referral_close_form"]  # type: ignore[attr-defined]
        else:
            referral.close_form = ReferralCloseForm(  # type: ignore[attr-defined]
                initial={"ended_on": today}, auto_id=f"end{referral.pk}-%s"
            )
    form = forms.get("referral_form") or ReferralForm(
        persons=selectors.case_persons(case),
        partners=Partner.objects.filter(organisation=case.organisation),
    )
    return {"referrals": items, "failed_referral": failed, "referral_form": form}


def custody(request: HttpRequest, case: Case, forms: Forms) -> Context:
    parties = _parties(case)
    prefetch_related_objects(
        parties,
        Prefetch("person__custody", queryset=CustodyRecord.objects.select_related("facility")),
    )
    for party in parties:
        party.custody_records = list(party.person.custody.all())  # type: ignore[attr-defined]
    form = forms.get("custody_form") or CustodyForm(
        persons=selectors.case_persons(case), initial={"since": timezone.localdate()}
    )
    return {
        "parties": parties,
        "has_custody": any(party.custody_records for party in parties),  # type: ignore[attr-defined]
        "custody_form": form,
    }


def _transitions(case: Case, user: User) -> list[tuple[str, str]]:
    """The status buttons this user gets on this case (closing has its own form)."""
    if not can(user, "case.edit", case):
        return []
    if case.status == CaseStatus.CLOSED and not can(user, "case.manage", case):
        return []
    allowed = services.ALLOWED_TRANSITIONS[CaseStatus(case.status)]
    order = [s for s in CaseStatus.values if s in allowed and s != CaseStatus.CLOSED]
    return [(s, status_label(s)) for s in order]


def status(request: HttpRequest, case: Case, forms: Forms) -> Context:
    version = {"version": case.version}
    offer = {"country": case.country, "outcome": own_outcome(case)}
    return {
        "transitions": _transitions(case, staff_user(request)),
        "status_form": forms.get("status_form") or StatusForm(initial=version, **offer),
        "close_form": forms.get("close_form")
        or StatusForm(
            initial={**version, "status": CaseStatus.CLOSED, "outcome": offer["outcome"]},
            **offer,
        ),
    }


def assignment(request: HttpRequest, case: Case, forms: Forms) -> Context:
    initial = {"version": case.version, "lawyer": case.lawyer_id, "team": case.team_id}
    form = forms.get("assign_form") or AssignForm(initial=initial, organisation=case.organisation)
    # What "move the open tasks" would move (services.tasks_move): the lawyer's, or nobody's.
    movable = case.tasks.filter(done_at__isnull=True, assignee_id=case.lawyer_id).count()
    form.fields["move_tasks"].help_text = _("Open tasks: %(count)s") % {"count": movable}
    return {"assign_form": form, "movable_tasks": movable}


def sharing(request: HttpRequest, case: Case, forms: Forms) -> Context:
    return {
        "shares": list(case.shares.select_related("organisation")),
        "share_form": forms.get("share_form")
        or ShareForm(case_organisation_id=case.organisation_id),
    }


def timeline(request: HttpRequest, case: Case, forms: Forms) -> Context:
    return {"timeline": Timeline(case).entries()}


def manages(user: Any, case: Case) -> bool:
    return can(user, "case.manage", case)


for panel in (
    Panel(
        id="facts", title=_("Facts"), template="cases/panels/facts.html", context=facts, order=100
    ),
    Panel(
        id="persons",
        title=_("Persons"),
        template="cases/panels/persons.html",
        context=persons,
        order=200,
    ),
    Panel(
        id="appeals",
        title=_("Appeals"),
        template="cases/panels/appeals.html",
        context=appeals,
        order=300,
    ),
    Panel(
        id="violations",
        title=_("Violations"),
        template="cases/panels/violations.html",
        context=violations,
        order=400,
    ),
    Panel(
        id="tasks", title=_("Tasks"), template="cases/panels/tasks.html", context=tasks, order=500
    ),
    Panel(
        id="notes", title=_("Notes"), template="cases/panels/notes.html", context=notes, order=600
    ),
    Panel(
        id="hearings",
        title=_("Hearings"),
        template="cases/panels/hearings.html",
        context=hearings,
        order=700,
    ),
    Panel(
        id="referrals",
        title=_("Referrals"),
        template="cases/panels/referrals.html",
        context=referrals,
        order=800,
    ),
    Panel(
        id="custody",
        title=_("Custody"),
        template="cases/panels/custody.html",
        context=custody,
        order=900,
    ),
    Panel(
        id="status",
        title=_("Status"),
        template="cases/panels/status.html",
        context=status,
        order=1000,
        column="side",
        in_toc=False,
    ),
    Panel(
        id="assignment",
        title=_("Assignment"),
        template="cases/panels/assignment.html",
        context=assignment,
        order=1100,
        visible=manages,
        column="side",
        in_toc=False,
    ),
    Panel(
        id="sharing",
        title=_("Sharing"),
        template="cases/panels/sharing.html",
        context=sharing,
        order=1200,
        visible=manages,
        column="side",
        in_toc=False,
    ),
    Panel(
        id=clinicians.ANCHOR,
        title=_("Doctors and psychologists"),
        template="cases/panels/clinicians.html",
        context=clinicians.panel_context,
        order=1270,
        column="side",
        in_toc=False,
    ),
    Panel(
        id="timeline",
        title=_("Timeline"),
        template="cases/panels/timeline.html",
        context=timeline,
        order=1300,
        column="side",
    ),
):
    case_page.register(panel)
