"""The public help form: as few fields as a person in trouble needs to fill in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.core.idempotency import OnceFormMixin
from himoya.public_site import spam

MESSAGE_MAX_CHARS = 5000


class HelpKind:
    LEGAL = "legal"
    PSYCHOLOGICAL = "psychological"
    TORTURE_NOW = "torture_now"

    CHOICES = [
        (LEGAL, _("Legal help (a lawyer)")),
        (PSYCHOLOGICAL, _("Psychological help")),
        (TORTURE_NOW, _("Torture or beating is happening now: urgent")),
    ]


class HelpRequestForm(OnceFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=HelpKind.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of help you need.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        help_text=_("You may leave it empty or give only a first name."),
        max_length=200,
        required=False,
    )
    contact = forms.CharField(
        label=_("How can we reach you safely?"),
        help_text=_("A phone number, Telegram or e-mail, and when it is safe to call."),
        max_length=300,
        error_messages={"required": _("Tell us how we can reach you.")},
    )
    message = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Where and when, who was involved. Write what you can; a lawyer will ask the rest."
        ),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Describe briefly what happened.")},
    )
    # The service holds the rule (no appeal without consent): its error lands here.
    consent_processing = forms.BooleanField(
        label=_(
            "I agree that the organisation stores what I wrote, encrypted, and uses it "
            "only to help me."
        ),
        required=False,
    )
    # Hidden from people (CSS and aria-hidden); a bot filling every field fills it too.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[spam.TIME_FIELD].initial = spam.issue_time_token()

    def renew_time_token(self) -> None:
        """A refused submission is shown again with a fresh time token, so that a person
        who was merely quick, or slow, can send it again."""
        data = dict(self.data.items())
        data[spam.TIME_FIELD] = spam.issue_time_token()
        self.data = data
