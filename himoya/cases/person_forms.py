"""Forms for a person's details: editing a person, adding a person to a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import PartyRole, Person, Sex
from himoya.cases.services import PersonInput
from himoya.core.formats import show_date, show_stored
from himoya.core.idempotency import OnceFormMixin


def _birth_help() -> str:
    # The example follows the reader's date rule (core.formats): 25.03.1990 in ru, kk
    # and tg, 1990-03-25 in en; the field reads both and a year alone.
    return gettext("For example %(date)s, or the year alone: %(year)s.") % {
        "date": show_date(dt.date(1990, 3, 25)),
        "year": "1990",
    }


# The birth date's help text, in the language of the request that shows it.
BIRTH_HELP = lazy(_birth_help, str)()

PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "phone",
    "email",
    "address",
    "document_number",
    "notes",
)


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.CharField(
        label=_("Date or year of birth"),
        required=False,
        max_length=10,
        help_text=BIRTH_HELP,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    address = forms.CharField(label=_("Address"), required=False, max_length=500)
    document_number = forms.CharField(
        label=_("Identity document number"), required=False, max_length=60
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def initial_of(cls, person: Person) -> dict[str, Any]:
        initial = {name: getattr(person, name) for name in PERSON_FIELDS}
        # Shown as the help text says, in the reader's rule (a year stays a year).
        initial["birth_date"] = show_stored(person.birth_date)
        return initial

    def person_input(self) -> PersonInput:
        return PersonInput(**{name: self.cleaned_data[name] or "" for name in PERSON_FIELDS})


class PartyForm(OnceFormMixin, PersonForm):
    role = forms.ChoiceField(label=_("Role in the case"), choices=PartyRole.choices)
    relation = forms.CharField(label=_("Relation to the victim"), required=False, max_length=100)
    is_minor = forms.BooleanField(
        label=_("Minor at the time of the events"),
        required=False,
        help_text=_("Leave unticked to derive it from the date of birth."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "party-%s")
        super().__init__(*args, **kwargs)
