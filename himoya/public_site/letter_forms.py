"""The self-help letter form: a template's own fields, and the help form's protection
(honeypot, signed time token)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.letters.rendering import LONG_FIELDS, Field
from himoya.letters.selfhelp import FIELD_MAX_CHARS
from himoya.public_site import spam

FORMATS = (("pdf", "PDF"), ("docx", "DOCX"))


class SelfHelpLetterForm(forms.Form):
    def __init__(self, *args: Any, fields: list[Field], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in fields:
            self.fields[f.name] = forms.CharField(
                label=f.label,
                # The generation names what is missing, in the template's own words.
                required=False,
                max_length=FIELD_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 6})
                if f.name in LONG_FIELDS
                else forms.TextInput(),
            )
            self.fields[f.name].widget.attrs["autocomplete"] = "off"
            if f.required:
                self.fields[f.name].widget.attrs["aria-required"] = "true"
        self.fields["file_format"] = forms.ChoiceField(
            label=_("Download as"), choices=FORMATS, initial="pdf", widget=forms.RadioSelect
        )
        # Hidden from people (CSS and aria-hidden); a bot filling every field fills it too.
        self.fields[spam.HONEYPOT] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[spam.TIME_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=spam.issue_time_token()
        )

    def renew_time_token(self) -> None:
        data = dict(self.data.items())
        data[spam.TIME_FIELD] = spam.issue_time_token()
        self.data = data
