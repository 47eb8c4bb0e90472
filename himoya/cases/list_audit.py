"""One audit entry per visit of the case list, not one per filter change.

The list shows names, so which cases were on the screen is logged like a case view. Its
filters refresh the results with htmx as the user types or ticks; logging every refresh
filled the audit log with near-identical entries. A visit starts with a full load of the
list page; within it, a refresh is logged only when it shows cases the visit has not
logged yet, and then with those cases only. Every case shown is still logged, once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from himoya.core.audit import audit_record

SESSION_KEY = "himoya_case_list_visit"
# Keeps the session small; past it a visit logs what it shows as a fresh visit would.
MAX_REMEMBERED = 2000


def log_list_view(
    request: HttpRequest, *, actor: Any, filters: dict[str, Any], page: int, cases: list[int]
) -> None:
    refresh = bool(getattr(request, "htmx", False))
    logged: set[int] = set(request.session.get(SESSION_KEY, [])) if refresh else set()
    new = [pk for pk in cases if pk not in logged]
    if refresh and not new:
        return
    audit_record(
        actor=actor,
        action="case.list",
        data={"filters": filters, "page": page, "cases": new},
    )
    remembered = (logged | set(new)) if len(logged) + len(new) <= MAX_REMEMBERED else set(new)
    request.session[SESSION_KEY] = sorted(remembered)
