"""The case page's "Doctors and psychologists" section: who is assigned (and was), and,
for the coordinators and the case's lawyer, assigning and ending assignments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from himoya.accounts.models import User
from himoya.cases import selectors, services
from himoya.cases.clinicians import CaseClinician
from himoya.cases.models import Case
from himoya.cases.views.case_action import CaseAction, Data
from himoya.core.idempotency import OnceFormMixin
from himoya.core.policies import can
from himoya.core.views import staff_user

ANCHOR = "clinicians"


class ClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


class ClinicianForm(OnceFormMixin):
    clinician = ClinicianChoiceField(
        label=_l("Doctor or psychologist"), queryset=User.objects.none(), empty_label="—"
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "clinician-%s")
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = selectors.eligible_clinicians(case)  # type: ignore[attr-defined]


def panel_context(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    assignments = selectors.case_clinicians(case)
    may_assign = can(staff_user(request), "case.clinicians", case)
    return {
        "running": [a for a in assignments if a.is_running],
        "ended": [a for a in assignments if not a.is_running],
        "can_assign_clinicians": may_assign,
        "clinician_form": (forms.get("clinician_form") or ClinicianForm(case=case))
        if may_assign
        else None,
    }


@require_POST
def clinician_assign(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)
    action.require("case.clinicians")

    def perform(data: Data) -> None:
        services.clinician_assign(actor=action.user, case=action.case, clinician=data["clinician"])

    def success(data: Data) -> str:
        return _("%(name)s is assigned to the case.") % {"name": data["clinician"]}

    form = ClinicianForm(request.POST, case=action.case)
    return action.submit(form, "clinician_form", perform, success)


@require_POST
def clinician_unassign(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)
    action.require("case.clinicians")
    assignment = action.item(
        CaseClinician.objects.filter(case=action.case).select_related("clinician"), assignment_pk
    )
    return action.done(
        lambda: services.clinician_unassign(actor=action.user, assignment=assignment),
        _("%(name)s is no longer assigned to the case.") % {"name": assignment.clinician},
    )
