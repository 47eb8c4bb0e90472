"""Forms and choices for reference data: countries, vocabulary terms, regions and
places of detention, partner organisations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.core.countries import COUNTRY_NAMES, country_error, country_label, normalise_country
from himoya.core.idempotency import OnceFormMixin
from himoya.reference import vocab
from himoya.reference.models import Facility, Region
from himoya.reference.selectors import terms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def country_choices(extra: Iterable[str] = ()) -> list[tuple[str, str]]:
    codes = set(Region.objects.values_list("country", flat=True).distinct())
    codes.update(Facility.objects.values_list("country", flat=True).distinct())
    codes.update(c for c in extra if c)
    codes.update(COUNTRY_NAMES)
    return sorted(((c, country_label(c)) for c in codes), key=lambda item: item[1])


class CountryField(forms.ChoiceField):
    """A country chosen from the list, checked by the one country check
    (``core.countries``): a code sent that the list does not show is taken on the same
    terms as through the API, and refused with the same message."""

    def to_python(self, value: Any) -> str:
        return normalise_country(super().to_python(value))

    def valid_value(self, value: Any) -> bool:
        return True

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        message = country_error(value)
        if message is not None:
            raise forms.ValidationError(message, code="country")


def term_choices(vocabulary: str, *, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(t.code, t.label) for t in terms(vocabulary)]
    return [("", blank), *choices] if blank is not None else choices


def grouped_by_country(items: Iterable[Any], *, blank: str) -> list[Any]:
    """Choices for regions or facilities as <optgroup>s, one per country."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for item in items:
        groups.setdefault(item.country, []).append((item.pk, str(item)))
    choices: list[Any] = [("", blank)]
    for code in sorted(groups, key=country_label):
        choices.append((country_label(code), sorted(groups[code], key=lambda c: c[1])))
    return choices


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({country_label(obj.country)})"


class FacilityFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.TypedChoiceField(label=_("Region"), required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label=_("Type"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = str(_("any"))
        self.fields["country"].choices = [("", anything), *country_choices()]  # type: ignore[attr-defined]
        self.fields["region"].choices = grouped_by_country(Region.objects.all(), blank=anything)  # type: ignore[attr-defined]
        self.fields["type"].choices = term_choices(vocab.FACILITY_TYPE, blank=anything)  # type: ignore[attr-defined]


class FacilityForm(OnceFormMixin):
    name = forms.CharField(label=_("Name"), max_length=300)
    country = CountryField(label=_("Country"))
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label="—"
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    agency = forms.ChoiceField(label=_("Managing agency"), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        help_text=_("Where this information comes from (a registry, a report, a visit)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = str(_("not known"))
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]
        self.fields["type"].choices = term_choices(vocab.FACILITY_TYPE, blank=blank)  # type: ignore[attr-defined]
        self.fields["agency"].choices = term_choices(vocab.AGENCY, blank=blank)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        region = data.get("region")
        if region is not None and data.get("country") and region.country != data["country"]:
            self.add_error("region", _("The region is not in the chosen country."))
        return data


class PartnerForm(OnceFormMixin):
    name = forms.CharField(label=_("Name"), max_length=300)
    legal = forms.BooleanField(label=_("Legal aid"), required=False)
    medical = forms.BooleanField(label=_("Medical rehabilitation"), required=False)
    psychological = forms.BooleanField(label=_("Psychological rehabilitation"), required=False)
    country = CountryField(label=_("Country"), required=False)
    contact = forms.CharField(label=_("Contact"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("legal") or data.get("medical") or data.get("psychological")):
            self.add_error(None, _("Tick at least one kind of help the partner offers."))
        return data
