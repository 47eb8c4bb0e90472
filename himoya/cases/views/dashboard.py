"""The dashboard's case panel: the user's alerts, tasks and hearings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from himoya.accounts.models import User
from himoya.cases import agenda, panels, selectors, services
from himoya.cases.models import (
    Alert,
    CaseStatus,
)
from himoya.cases.views.urgent import urgent_context
from himoya.core.access import access_object
from himoya.core.audit import audit_record
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.reference.models import Facility


def _alert_text(alert: Alert, names: dict[Any, str], places: dict[Any, str]) -> str:
    d = alert.data
    if alert.kind == Alert.Kind.TRANSFER:
        return _(
            "%(person)s was transferred from %(old)s to %(new)s on %(date)s (case %(number)s)."
        ) % {
            "person": names.get(d.get("person"), _("A person")),
            "old": places.get(d.get("from"), "?"),
            "new": places.get(d.get("to"), "?"),
            "date": d.get("since", ""),
            "number": alert.case.number,
        }
    if alert.kind == Alert.Kind.TASK_DUE:
        return _("A task in case %(number)s is due on %(date)s.") % {
            "number": alert.case.number,
            "date": d.get("due_on", ""),
        }
    if alert.kind == Alert.Kind.URGENT_APPEAL:
        return _("An emergency appeal in case %(number)s has no lawyer yet.") % {
            "number": alert.case.number
        }
    if alert.kind == Alert.Kind.CLOSED_CASE_APPEAL:
        return _("A new appeal came into the closed case %(number)s.") % {
            "number": alert.case.number
        }
    return _("Alert in case %(number)s.") % {"number": alert.case.number}


def _dashboard_context(request: HttpRequest, user: User) -> dict[str, Any]:
    visible = selectors.visible_cases(user)
    today = timezone.localdate()
    mine = (
        visible.exclude(status=CaseStatus.CLOSED)
        .filter(
            Q(lawyer=user)
            | Q(team__members=user)
            | Q(created_by=user)
            | Q(pk__in=selectors.assigned_case_ids(user))
        )
        .distinct()
        .select_related("facility")
        .order_by("-opened_on", "-id")
    )
    alerts = list(
        Alert.objects.filter(recipient=user, read_at__isnull=True, case__in=visible)
        # An emergency alert is over once a lawyer has taken the case.
        .exclude(kind=Alert.Kind.URGENT_APPEAL, case__lawyer__isnull=False)
        # and one about a closed case's new appeal, once the case is reopened.
        .exclude(Q(kind=Alert.Kind.CLOSED_CASE_APPEAL) & ~Q(case__status=CaseStatus.CLOSED))
        .select_related("case")
        .order_by("-created_at")[:50]
    )
    person_ids = {a.data.get("person") for a in alerts} - {None}
    names = {p.pk: p.full_name for p in selectors.visible_persons(user).filter(pk__in=person_ids)}
    place_ids = {a.data.get(k) for a in alerts for k in ("from", "to")} - {None}
    places = {f.pk: f.name for f in Facility.objects.filter(pk__in=place_ids)}
    named = [a for a in alerts if a.kind == Alert.Kind.TRANSFER and a.data.get("person") in names]
    if named:
        # Alerts name the people they concern: showing them is a read of those persons.
        audit_record(
            actor=user,
            action="dashboard.view",
            data={
                "alerts": [a.pk for a in named],
                "persons": sorted({a.data["person"] for a in named}),
            },
        )
    week = agenda.coming_week(user, today)
    if week.named_cases:
        # The week names the victims of these cases: a read of their persons.
        audit_record(actor=user, action="dashboard.week", data={"cases": week.named_cases})
    return {
        "my_cases": list(mine[:20]),
        "my_cases_count": mine.count(),
        "week": week,
        "alerts": [{"alert": a, "text": _alert_text(a, names, places)} for a in alerts],
        "can_register": can(user, "appeal.register", user.organisation),
        "more": panels.dashboard.render(request, user, user=user, shared={"today": today}),
        **urgent_context(user),
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The case part of the home page (loaded into it by htmx; a page of its own
    without scripts)."""
    context = _dashboard_context(request, staff_user(request))
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/_dashboard.html", context)
    return render(request, "cases/dashboard.html", context)


@require_POST
def alert_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    visible = selectors.visible_cases(user)
    alert = access_object(
        Alert.objects.filter(recipient=user, case__in=visible).select_related("case"), pk, user=user
    )
    services.alert_mark_read(actor=user, alert=alert)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/_dashboard.html", _dashboard_context(request, user))
    messages.success(request, _("The alert is marked as read."))
    return redirect("staff:home")
