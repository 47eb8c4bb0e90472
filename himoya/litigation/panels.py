"""The case page's "Litigation and remedies" panel (registered on ``case_page``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.panels import Panel
from himoya.litigation.currencies import national_currency
from himoya.litigation.forms import (
    AwardForm,
    CompensationForm,
    DecisionForm,
    ProceedingForm,
    amount_text,
)
from himoya.litigation.models import Compensation, CourtProceeding


def case_proceedings(case: Case) -> QuerySet[CourtProceeding]:
    return CourtProceeding.objects.filter(case=case)


def open_claims(case: Case) -> QuerySet[Compensation]:
    """Claims with nothing awarded yet: what the "record the award" form offers."""
    return Compensation.objects.filter(
        case=case, awarded_amount__isnull=True, claimed_amount__isnull=False
    )


def litigation(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    proceedings = list(case_proceedings(case).prefetch_related("decisions"))
    compensations = list(Compensation.objects.filter(case=case).select_related("proceeding"))
    for c in compensations:
        c.claimed_text = amount_text(c.claimed_amount, c.claimed_currency)  # type: ignore[attr-defined]
        c.awarded_text = amount_text(c.awarded_amount, c.awarded_currency)  # type: ignore[attr-defined]
    currency = national_currency(case.country)
    claims = open_claims(case)
    return {
        "proceedings": proceedings,
        "strategic": any(p.strategic for p in proceedings),
        "compensations": compensations,
        "proceeding_form": forms.get("proceeding_form") or ProceedingForm(),
        "decision_form": forms.get("decision_form")
        or DecisionForm(proceedings=case_proceedings(case)),
        "compensation_form": forms.get("compensation_form")
        or CompensationForm(
            proceedings=case_proceedings(case),
            initial={"claimed_currency": currency, "awarded_currency": currency},
        ),
        "award_form": forms.get("award_form")
        or AwardForm(claims=claims, initial={"awarded_currency": currency}),
        "has_open_claims": claims.exists(),
    }


case_page.register(
    Panel(
        id="litigation",
        title=_("Litigation and remedies"),
        template="litigation/panel.html",
        context=litigation,
        order=750,
    )
)
