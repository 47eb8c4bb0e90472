"""The case page's "Escalation route" panel (registered on ``case_page``), beside the
letters it is derived from, and its POST handlers: the case lawyer records that a
domestic remedy was ineffective, unavailable or prolonged, or withdraws that finding."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.cases.views.case_action import CaseAction, Data
from himoya.core.idempotency import OnceFormMixin
from himoya.core.panels import Panel
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.letters import remedies
from himoya.letters.models import IneffectiveRemedy, RemedyFault
from himoya.letters.route import case_route
from himoya.letters.route_data import REMEDY_CHOICES

ANCHOR = "route"
RECORD = "letters.remedy.record"


class RemedyForm(OnceFormMixin, forms.Form):
    remedy = forms.ChoiceField(label=_l("Which remedy"), choices=REMEDY_CHOICES)
    fault = forms.ChoiceField(
        label=_l("What was wrong with it"), choices=RemedyFault.choices, widget=forms.RadioSelect
    )
    since = forms.DateField(label=_l("Since"), widget=forms.DateInput(attrs={"type": "date"}))
    # Long enough for a real reason; the service holds the limit and the rule.
    reason = forms.CharField(
        label=_l("Why, in plain words"),
        help_text=_l("The facts the committee will be shown: dates, refusals, silence."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "remedy-%s")
        super().__init__(*args, **kwargs)


def route(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    may_record = can(staff_user(request), RECORD, case)
    return {
        "route": case_route(case),
        "can_record_remedy": may_record,
        "remedy_form": (forms.get("remedy_form") or RemedyForm()) if may_record else None,
    }


case_page.register(
    Panel(
        id=ANCHOR,
        title=_l("Escalation route"),
        template="letters/route_panel.html",
        context=route,
        order=765,
    )
)


@require_POST
def remedy_record(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)
    action.require(RECORD)

    def perform(data: Data) -> None:
        remedies.remedy_record(
            actor=action.user,
            case=action.case,
            remedy=data["remedy"],
            fault=data["fault"],
            reason=data["reason"],
            since=data["since"],
        )

    success = _("Recorded. The escalation route now takes it into account.")
    return action.submit(RemedyForm(request.POST), "remedy_form", perform, success)


@require_POST
def remedy_withdraw(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)
    action.require(RECORD)
    finding = action.item(
        IneffectiveRemedy.objects.filter(case=action.case, withdrawn_at__isnull=True), finding_pk
    )
    return action.done(
        lambda: remedies.remedy_withdraw(actor=action.user, finding=finding),
        _("The finding is withdrawn; the route no longer uses it."),
    )
