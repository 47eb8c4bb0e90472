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
from himoya.reference.selectors import offerable, offered_regions, offered_terms

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


def regions_of(country: str | None) -> Any:
    """The regions in use of ``country``: the only ones a form offers for it."""
    return offerable(Region.objects.filter(country=(country or "").upper())).order_by("name_ru")


def link_regions(
    form: forms.Form, country: str = "country", region: str = "region", *, unknown: bool = False
) -> None:
    """Makes the ``country`` select refresh the ``region`` select's options with htmx
    (``reference:region_options``); the server checks the pair again on submit.
    ``unknown`` labels the empty choice "not known" rather than "—"."""
    from django.urls import reverse

    url = reverse("reference:region_options") + ("?blank=unknown" if unknown else "")
    form.fields[country].widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "change",
            "hx-target": f"#{form[region].auto_id}",
            "hx-swap": "innerHTML",
        }
    )


def offer_regions(form: forms.Form, *, default_country: str = "", blank: str) -> None:
    """A region choice field offering only the regions of the country chosen in the same
    form (the one posted, else the initial one, else ``default_country``), plus the
    region already recorded, so that editing a case does not drop a retired region. A
    region of another country posted anyway is refused as an invalid choice."""
    country = form.data.get(form.add_prefix("country")) if form.is_bound else None
    country = country or form.initial.get("country") or default_country
    current = form.initial.get("region")
    offered = list(regions_of(country))
    if current and all(r.pk != current for r in offered):
        offered += list(offered_regions(keep=[current]).filter(pk=current))
    form.fields["region"].choices = [("", blank), *((r.pk, str(r)) for r in offered)]  # type: ignore[attr-defined]
    link_regions(form, unknown=True)


def term_choices(
    vocabulary: str, *, blank: str | None = None, keep: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """The terms a new entry may take; ``keep``: the codes the edited record holds."""
    choices = [(t.code, t.label) for t in offered_terms(vocabulary, keep=keep)]
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
    holds_men = forms.BooleanField(label=_("Men"), required=False)
    holds_women = forms.BooleanField(label=_("Women"), required=False)
    holds_minors = forms.BooleanField(label=_("Minors"), required=False)
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=0)
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
        held = self.initial
        self.fields["region"].queryset = offered_regions(keep=[held.get("region")])  # type: ignore[attr-defined]
        self.fields["type"].choices = term_choices(  # type: ignore[attr-defined]
            vocab.FACILITY_TYPE, blank=blank, keep=[held.get("type", "")]
        )
        self.fields["agency"].choices = term_choices(  # type: ignore[attr-defined]
            vocab.AGENCY, blank=blank, keep=[held.get("agency", "")]
        )

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


def vocabulary_choices() -> list[tuple[str, str]]:
    """The vocabularies: those code knows and any others the data holds (such as
    per-country outcomes), labelled for the reader."""
    names = {
        vocab.VIOLATION: _("Violation types"),
        vocab.AGENCY: _("Agencies"),
        vocab.CHANNEL: _("Channels of appeal"),
        vocab.FACILITY_TYPE: _("Types of places of detention"),
        vocab.METHOD: _("Methods of torture and ill-treatment"),
    }
    from himoya.reference.models import Term

    codes = list(vocab.VOCABULARIES)
    for code in Term.objects.order_by("vocabulary").values_list("vocabulary", flat=True).distinct():
        if code not in codes:
            codes.append(code)
    return [(code, str(names.get(code, code))) for code in codes]


class _Labels(forms.Form):
    """Four labels, Russian required (the default language)."""

    prefix_name = "label"

    def labels(self) -> dict[str, str]:
        return {lang: self.cleaned_data.get(f"{self.prefix_name}_{lang}", "") for lang in LANGS}


LANGS = ("ru", "kk", "tg", "en")


class TermForm(_Labels):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Latin letters, digits and “_”; used by imports and exports, never changed."),
    )
    label_ru = forms.CharField(label=_("Name in Russian"), max_length=200)
    label_kk = forms.CharField(label=_("Name in Kazakh"), max_length=200, required=False)
    label_tg = forms.CharField(label=_("Name in Tajik"), max_length=200, required=False)
    label_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        help_text=_("The law, registry or report the wording comes from."),
    )
    verified = forms.BooleanField(label=_("Verified against the source"), required=False)
    active = forms.BooleanField(
        label=_("In use"),
        required=False,
        initial=True,
        help_text=_("A retired value stays on the records that have it and is no longer offered."),
    )


class RegionForm(_Labels):
    prefix_name = "name"
    country = CountryField(label=_("Country"))
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=120)
    name_kk = forms.CharField(label=_("Name in Kazakh"), max_length=120, required=False)
    name_tg = forms.CharField(label=_("Name in Tajik"), max_length=120, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    code = forms.CharField(label=_("Code"), max_length=12, required=False)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    verified = forms.BooleanField(label=_("Verified against the source"), required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]


class FacilityEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label="—"
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    agency = forms.ChoiceField(label=_("Managing agency"), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    holds_men = forms.BooleanField(label=_("Men"), required=False)
    holds_women = forms.BooleanField(label=_("Women"), required=False)
    holds_minors = forms.BooleanField(label=_("Minors"), required=False)
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=0)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = str(_("not known"))
        self.fields["region"].queryset = Region.objects.filter(country=country)  # type: ignore[attr-defined]
        self.fields["type"].choices = term_choices(vocab.FACILITY_TYPE, blank=blank)  # type: ignore[attr-defined]
        self.fields["agency"].choices = term_choices(vocab.AGENCY, blank=blank)  # type: ignore[attr-defined]
