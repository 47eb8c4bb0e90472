"""The roster page's form: a lawyer on duty, where, from when until when."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import Organisation, User
from himoya.duty.selectors import duty_lawyers
from himoya.reference.models import Region
from himoya.reference.selectors import offered_regions

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ShiftForm(forms.Form):
    lawyer = forms.ModelChoiceField(label=_("Lawyer on duty"), queryset=User.objects.none())
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("the whole organisation"),
        help_text=_("A duty for a region is alerted first to emergencies there."),
    )
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = duty_lawyers(organisation).order_by("full_name")  # type: ignore[attr-defined]
        self.fields["region"].queryset = offered_regions(organisation.country or "")  # type: ignore[attr-defined]
