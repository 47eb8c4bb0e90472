"""Forms of the outreach staff pages: publications, trainings, offices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.outreach.models import Audience, Office, Publication
from himoya.reference.forms import DATE, CountryField, country_choices, link_regions, regions_of
from himoya.reference.models import Region

LANGUAGE_CHOICES = [
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
    ("tg", _("Tajik")),
    ("en", _("English")),
    ("uz", _("Uzbek")),
]


class PublicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    published_on = forms.DateField(label=_("Published on"), widget=DATE)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *Publication.Kind.choices]
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    public = forms.BooleanField(label=_("Show on the public site"), required=False)
    external_id = forms.CharField(
        label=_("Register number"),
        required=False,
        max_length=100,
        help_text=_("Your own register number; left empty, one is made up."),
    )


class TrainingForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=500)
    held_on = forms.DateField(label=_("Held on (first day)"), widget=DATE)
    audiences = forms.MultipleChoiceField(
        label=_("Audience"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=1_000_000)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", "—"), *LANGUAGE_CHOICES]
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    url = forms.URLField(
        label=_("Materials (link)"), required=False, max_length=500, assume_scheme="https"
    )
    external_id = forms.CharField(
        label=_("Register number"),
        required=False,
        max_length=100,
        help_text=_("Your own register number; left empty, one is made up."),
    )


class OfficeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Office.Kind.choices)
    country = CountryField(label=_("Country"))
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label="—"
    )
    address = forms.CharField(label=_("Address"), max_length=300)
    hotlines = forms.CharField(
        label=_("Hotline numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One number a line, e.g. +7 701 234 56 78, or a short number such as 1414."),
    )
    active = forms.BooleanField(label=_("Open"), required=False, initial=True)

    def __init__(self, *args: Any, country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]
        chosen = self.data.get(self.add_prefix("country")) if self.is_bound else None
        chosen = chosen or self.initial.get("country")
        self.fields["region"].queryset = regions_of(chosen or country)  # type: ignore[attr-defined]
        link_regions(self)

    def hotline_list(self) -> list[str]:
        return str(self.cleaned_data.get("hotlines") or "").splitlines()
