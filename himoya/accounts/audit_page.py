"""The audit-log page's filters and how its rows name people and cases.

Rows show the person's name (not the login e-mail stored with the event) and a case's
number (not its database id); the filters narrow by person, case number, action and
period, all in the query string so that a filtered view can be bookmarked and paged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import Organisation, User
from himoya.core import events, object_labels
from himoya.core.models import AuditEvent

CASE_TYPE = "cases.case"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    case = forms.CharField(label=_("Case number"), required=False, max_length=30)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(label=_("Period from"), required=False, widget=DATE)
    until = forms.DateField(label=_("Period to"), required=False, widget=DATE)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(organisation=organisation).order_by("full_name", "email")
        everyone = str(_("everyone"))
        self.fields["person"].choices = [("", everyone), *((u.pk, str(u)) for u in people)]  # type: ignore[attr-defined]
        self.fields["action"].choices = [("", str(_("any"))), *events.choices()]  # type: ignore[attr-defined]
        self.organisation = organisation

    def filter(self, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["person"]:
            queryset = queryset.filter(actor_id=data["person"])
        if data["case"]:
            ids = object_labels.find(CASE_TYPE, self.organisation, data["case"])
            queryset = queryset.filter(object_type=CASE_TYPE, object_id__in=ids)
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        if data["since"]:
            queryset = queryset.filter(created_at__gte=_start_of(data["since"]))
        if data["until"]:
            queryset = queryset.filter(
                created_at__lt=_start_of(data["until"] + dt.timedelta(days=1))
            )
        return queryset


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def object_names(rows: Iterable[AuditEvent], organisation: Organisation) -> dict[str, str]:
    """object_id -> case number for the rows about the organisation's cases."""
    found = object_labels.labels(organisation, ((e.object_type, e.object_id) for e in rows))
    return {object_id: text for (kind, object_id), text in found.items() if kind == CASE_TYPE}


def who(event: AuditEvent) -> str:
    """The person's name when the event has a staff member; the stored label otherwise
    (the system, a worker, an account removed since)."""
    return str(event.actor) if event.actor is not None else event.actor_label
