"""Forms of the pages where stewards keep the recipients and coordinators upload
template versions. The services check everything again; these only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.core.idempotency import OnceFormMixin
from himoya.letters.models import Channel, CorrectionKind, DayKind, RecipientKind
from himoya.reference.forms import CountryField, country_choices


class RecipientForm(OnceFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=RecipientKind.choices)
    country = CountryField(label=_("country"), required=False)
    name = forms.CharField(label=_("name"), max_length=300)
    channel = forms.ChoiceField(
        label=pgettext_lazy("letter dispatch", "channel"), choices=Channel.choices
    )
    address = forms.CharField(
        label=_("address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    languages = forms.CharField(
        label=_("languages accepted"),
        max_length=40,
        help_text=_("Two-letter language codes separated by commas, e.g. ru,kk."),
    )
    answer_days = forms.IntegerField(
        label=_("answer within (days)"), required=False, min_value=1, max_value=365
    )
    day_kind = forms.ChoiceField(label=_("counted in"), choices=DayKind.choices)
    legal_basis = forms.CharField(label=_("legal basis"), required=False, max_length=300)
    source = forms.CharField(label=_("source"), required=False, max_length=300)
    verified = forms.BooleanField(label=_("verified"), required=False)
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # An empty country is an international body (the UN mechanisms).
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("international (no country)")),
            *country_choices(),
        ]

    def clean_languages(self) -> str:
        from himoya.letters.services import language_codes

        return language_codes(self.cleaned_data["languages"])

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "form_token"}


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class TemplateUploadForm(OnceFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("code"),
        max_length=60,
        help_text=_("The same code and language make the next version of a template."),
    )
    language = forms.ChoiceField(label=_("language"), choices=language_choices)
    title = forms.CharField(label=_("title"), max_length=300)
    recipient_kinds = forms.MultipleChoiceField(
        label=_("for recipients"),
        choices=RecipientKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    field_list = forms.CharField(
        label=_("fields"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One field a line: name|label|1 for a required field, name|label|0 otherwise. "
            "The document names them as {{ name }}."
        ),
    )
    document = forms.FileField(label=_("Word document (.docx)"))
    source = forms.CharField(label=_("source"), required=False, max_length=300)


class CorrectionForm(OnceFormMixin, forms.Form):
    country = CountryField(label=_("country"))
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=CorrectionKind.choices)
    what = forms.CharField(
        label=_("what it is"),
        max_length=300,
        help_text=_("E.g. “day off moved from Sunday 5 January”."),
    )
    source = forms.CharField(
        label=_("source"),
        max_length=300,
        help_text=_("The decree or order (its number and date), or where it was published."),
    )
    url = forms.URLField(
        label=_("address of the source"), required=False, max_length=500, assume_scheme="https"
    )
    verified = forms.BooleanField(
        label=_("verified"),
        required=False,
        help_text=_("Only when you read the day in the official text named as the source."),
    )
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "form_token"}
