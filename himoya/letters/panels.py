"""The case page's "Letters" panel (registered on ``case_page``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.panels import Panel
from himoya.letters.models import Letter


def letters(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    rows = list(
        Letter.objects.filter(case=case).select_related("recipient", "template", "clock_at")
    )
    return {"letters": rows, "today": timezone.localdate()}


case_page.register(
    Panel(
        id="letters",
        title=_("Letters"),
        template="letters/panel.html",
        context=letters,
        order=760,
    )
)
