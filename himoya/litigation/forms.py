"""Forms of the "Litigation and remedies" panel. The rules (dates, currencies, amounts,
who may write) are the services'; these parse what the browser sends."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from himoya.litigation.currencies import currency_choices
from himoya.litigation.models import Compensation, CourtProceeding, Instance, ProceedingKind
from himoya.reference.forms import DATE


def amount_field(label: Any, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_digits=14, decimal_places=2, required=required
    )


def proceeding_label(proceeding: CourtProceeding) -> str:
    started = f" ({proceeding.started_on:%Y-%m-%d})" if proceeding.started_on else ""
    return f"{proceeding.get_instance_display()} · {proceeding.court}{started}"


def amount_text(amount: Any, currency: str) -> str:
    return "" if amount is None else f"{amount:,.2f} {currency}".replace(",", "\u00a0")


class ProceedingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return proceeding_label(obj)


class CompensationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.claimed_amount is None:
            return _("compensation #%(number)s") % {"number": obj.pk}
        return _("claim of %(amount)s") % {
            "amount": amount_text(obj.claimed_amount, obj.claimed_currency)
        }


class ProceedingForm(forms.Form):
    kind = forms.ChoiceField(label=_l("Kind of proceeding"), choices=ProceedingKind.choices)
    instance = forms.ChoiceField(label=_l("Instance"), choices=Instance.choices)
    court = forms.CharField(label=_l("Court"), max_length=300)
    court_number = forms.CharField(
        label=_l("Case number at the court"), max_length=100, required=False
    )
    started_on = forms.DateField(label=_l("Started"), required=False, widget=DATE)
    strategic = forms.BooleanField(label=_l("Strategic litigation"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "proceeding-%s")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    proceeding = ProceedingChoiceField(
        label=_l("Court proceeding"), queryset=CourtProceeding.objects.none(), empty_label=None
    )
    decided_on = forms.DateField(label=_l("Date of the decision"), widget=DATE)
    result = forms.CharField(
        label=_l("Decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    final = forms.BooleanField(label=_l("Final: no further ordinary remedy"), required=False)

    def __init__(self, *args: Any, proceedings: QuerySet[CourtProceeding], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decision-%s")
        super().__init__(*args, **kwargs)
        self.fields["proceeding"].queryset = proceedings  # type: ignore[attr-defined]


class CompensationForm(forms.Form):
    proceeding = ProceedingChoiceField(
        label=_l("Court proceeding"),
        queryset=CourtProceeding.objects.none(),
        required=False,
        empty_label="—",
    )
    claimed_amount = amount_field(_l("Amount claimed"))
    claimed_currency = forms.ChoiceField(label=_l("Currency"), required=False)
    claimed_on = forms.DateField(label=_l("Claimed"), required=False, widget=DATE)
    awarded_amount = amount_field(_l("Amount awarded"))
    awarded_currency = forms.ChoiceField(label=_l("Currency"), required=False)
    awarded_on = forms.DateField(label=_l("Awarded"), required=False, widget=DATE)
    payer = forms.CharField(label=_l("Payer (state body)"), max_length=300, required=False)

    def __init__(self, *args: Any, proceedings: QuerySet[CourtProceeding], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "compensation-%s")
        super().__init__(*args, **kwargs)
        self.fields["proceeding"].queryset = proceedings  # type: ignore[attr-defined]
        for name in ("claimed_currency", "awarded_currency"):
            self.fields[name].choices = currency_choices()  # type: ignore[attr-defined]


class AwardForm(forms.Form):
    compensation = CompensationChoiceField(
        label=_l("Compensation claim"), queryset=Compensation.objects.none(), empty_label=None
    )
    awarded_amount = amount_field(_l("Amount awarded"), required=True)
    awarded_currency = forms.ChoiceField(label=_l("Currency"))
    awarded_on = forms.DateField(label=_l("Awarded"), required=False, widget=DATE)
    payer = forms.CharField(label=_l("Payer (state body)"), max_length=300, required=False)

    def __init__(self, *args: Any, claims: QuerySet[Compensation], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "award-%s")
        super().__init__(*args, **kwargs)
        self.fields["compensation"].queryset = claims  # type: ignore[attr-defined]
        self.fields["awarded_currency"].choices = currency_choices()  # type: ignore[attr-defined]
