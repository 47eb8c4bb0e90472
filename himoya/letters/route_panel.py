"""The case page's "Escalation route" panel (registered on ``case_page``), beside the
letters it is derived from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.panels import Panel
from himoya.letters.route import case_route


def route(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    return {"route": case_route(case)}


case_page.register(
    Panel(
        id="route",
        title=_("Escalation route"),
        template="letters/route_panel.html",
        context=route,
        order=765,
    )
)
