"""A section that the test-only app adds to the case page, the way documentation or
letters will: registered on ``case_page`` from this app's ``ready()``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.panels import Panel
from himoya.core.policies import can
from tests.testapp.models import Secret


def secrets(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    return {"secrets": Secret.objects.count()}


case_page.register(
    Panel(
        id="testapp-secrets",
        title="Secrets",
        template="testapp/case_panel.html",
        context=secrets,
        # After the custody history, before the side column.
        order=950,
        visible=lambda user, case: can(user, "case.edit", case),
    )
)
