"""The case page's "Counted in the statistics" panel: what each appeal of the case adds
to the yearly report, so staff see the legal aid and rehabilitation their referrals
recorded (the rule: ``cases.services.appeal_facts``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.panels import Panel


def counted(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> Mapping[str, Any]:
    appeals = case.appeals.order_by("received_on", "id").only(
        "id", "case_id", "received_on", "legal_aid", "rehabilitation", "rehabilitation_started_on"
    )
    return {"counted_appeals": list(appeals)}


case_page.register(
    Panel(
        id="counted",
        title=_("Counted in the statistics"),
        template="stats/case_panel.html",
        context=counted,
        order=850,
    )
)
