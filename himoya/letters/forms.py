from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.core.idempotency import OnceFormMixin
from himoya.letters.models import Channel, LetterTemplate, Outcome, Recipient
from himoya.letters.rendering import LONG_FIELDS, Field


def recipient_label(r: Recipient) -> str:
    mark = "" if r.verified else " " + str(_("(unverified)"))
    return f"{r.name}{mark}"


class StartForm(forms.Form):
    """The first step: to whom, from which template."""

    recipient = forms.ModelChoiceField(queryset=Recipient.objects.none(), label=_("recipient"))
    template = forms.ModelChoiceField(queryset=LetterTemplate.objects.none(), label=_("template"))

    def __init__(self, *args: Any, recipients: Any, templates: list[LetterTemplate], **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["recipient"]
        field.queryset = recipients  # type: ignore[attr-defined]
        field.label_from_instance = recipient_label  # type: ignore[attr-defined]
        self.fields["template"].queryset = LetterTemplate.objects.filter(  # type: ignore[attr-defined]
            pk__in=[t.pk for t in templates]
        )


class ComposeForm(OnceFormMixin, forms.Form):
    """The letter's fields, as the template names them."""

    def __init__(self, *args: Any, fields: list[Field], **kw: Any) -> None:
        super().__init__(*args, **kw)
        for f in fields:
            long = f.name in LONG_FIELDS
            self.fields[f.name] = forms.CharField(
                label=f.label,
                required=False,  # the service names what is missing, in one place
                widget=forms.Textarea(attrs={"rows": 5}) if long else forms.TextInput(),
                max_length=20000,
            )


class DispatchForm(forms.Form):
    sent_on = forms.DateField(
        label=pgettext_lazy("letter dispatch", "sent on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    channel = forms.ChoiceField(
        label=pgettext_lazy("letter dispatch", "channel"), choices=Channel.choices
    )
    outgoing_number = forms.CharField(
        label=pgettext_lazy("letter dispatch", "outgoing number"), required=False, max_length=100
    )
    proof = forms.FileField(
        label=pgettext_lazy("letter dispatch", "proof of sending"), required=False
    )


class AnswerForm(forms.Form):
    answered_on = forms.DateField(
        label=_("answered on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices)
    forwarded_to = forms.ModelChoiceField(
        queryset=Recipient.objects.none(), label=_("forwarded to"), required=False
    )
    note = forms.CharField(
        label=_("what the answer says"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.FileField(label=_("the answer (scan)"), required=False)

    def __init__(self, *args: Any, recipients: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["forwarded_to"].queryset = recipients  # type: ignore[attr-defined]


class BatchForm(ComposeForm):
    """A batch's common values (each left empty takes the case's own) and its cases."""

    cases = forms.MultipleChoiceField(
        label=_("cases"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, fields: list[Field], cases: list[Any], **kw: Any) -> None:
        super().__init__(*args, fields=fields, **kw)
        self.fields["cases"].choices = [(str(c.pk), c.number) for c in cases]  # type: ignore[attr-defined]
