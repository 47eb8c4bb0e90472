"""The urgent queue at the top of the dashboard, and a lawyer on duty taking a case
from it (``services.case_assign`` under the ``case.take`` rule)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himoya.accounts.models import User
from himoya.cases import selectors, services
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.duty.selectors import duty_cover

# The queue shows this many cases; the rest are counted.
QUEUE_SHOWN = 20


def urgent_context(user: User) -> dict[str, Any]:
    """The queue's part of the dashboard's context. It names no person: case numbers,
    places and times only, so showing it reads nobody's data."""
    queue = selectors.urgent_queue(user)
    rows = list(queue[:QUEUE_SHOWN])
    return {
        "urgent_queue": rows,
        "urgent_count": len(rows) if len(rows) < QUEUE_SHOWN else queue.count(),
        "on_duty": duty_cover(user) is not None,
    }


@require_POST
def case_take(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    # 404 for a case the user does not see, as everywhere: also for one another lawyer
    # on duty has just taken (it left the queue, and so the user's sight).
    case = selectors.access_case(user, pk, audit=False)
    if not can(user, "case.take", case):
        raise PermissionDenied("case.take")
    version = request.POST.get("version", "")
    try:
        services.case_assign(
            actor=user,
            case=case,
            lawyer=user,
            team=case.team,
            expected_version=int(version) if version.isdigit() else None,
        )
    except services.ConcurrentEdit:
        messages.warning(request, _("Someone has just taken or changed this case; look again."))
        return redirect("staff:home")
    messages.success(request, _("You have taken the case %(number)s.") % {"number": case.number})
    return redirect("cases:detail", case.pk)
