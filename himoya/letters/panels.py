"""The case page's "Letters" panel (on ``case_page``) and the dashboard's overdue
answers (on ``dashboard``), registered from here so ``cases`` never imports letters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import Role
from himoya.cases.models import Case
from himoya.cases.panels import case_page, dashboard
from himoya.core.panels import Panel
from himoya.letters import selectors
from himoya.letters.models import Generation, Letter


def letters(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    rows = list(
        Letter.objects.filter(case=case).select_related("recipient", "template", "clock_at")
    )
    return {
        "letters": rows,
        "today": timezone.localdate(),
        "letters_pending": any(r.generation == Generation.PENDING for r in rows),
    }


case_page.register(
    Panel(
        id="letters",
        title=_("Letters"),
        template="letters/panel.html",
        context=letters,
        order=760,
    )
)


def waits_on_them(user: Any, obj: Any) -> bool:
    """Lawyers chase the answers; coordinators watch their organisation's."""
    return user.role in (Role.LAWYER, Role.COORDINATOR)


def overdue(request: HttpRequest, user: Any, forms: Mapping[str, Any]) -> dict[str, Any]:
    rows = selectors.overdue(user)
    return {"overdue_letters": list(rows[:20]), "overdue_count": rows.count()}


dashboard.register(
    Panel(
        id="overdue-letters",
        title=_("Overdue answers"),
        template="letters/dashboard.html",
        context=overdue,
        visible=waits_on_them,
        order=100,
    )
)
