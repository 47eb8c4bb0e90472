from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.core.idempotency import OnceFormMixin
from himoya.evidence.services import Purpose


class EvidenceForm(OnceFormMixin):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(
        label=_("What it shows"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    captured_by = forms.CharField(label=_("Captured by"), required=False, max_length=300)
    captured_when = forms.CharField(
        label=_("When it was captured (as told)"), required=False, max_length=100
    )
    captured_where = forms.CharField(
        label=_("Where it was captured (as told)"), required=False, max_length=300
    )


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Why"), choices=Purpose.CHOICES)
    what = forms.CharField(required=False, widget=forms.HiddenInput)


_BOX = re.compile(r"^\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*$")


class RedactForm(forms.Form):
    regions = forms.CharField(
        label=_("Areas to black out"),
        help_text=_(
            "Draw rectangles on the picture, or type one area per line as x, y, width, "
            "height in pixels of the working copy."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_regions(self) -> list[tuple[int, int, int, int]]:
        boxes: list[Any] = []
        for line in re.split(r"[;\n]", self.cleaned_data["regions"]):
            if not line.strip():
                continue
            match = _BOX.match(line)
            if not match:
                raise forms.ValidationError(
                    _("Write each area as four whole numbers: x, y, width, height.")
                )
            boxes.append(tuple(int(v) for v in match.groups()))
        return boxes


class PackageForm(forms.Form):
    """The evidence package's choices, offered from the case: its files (originals and
    working copies), the recipients a sharing consent may name (the organisation's
    partners, and the bodies the case's consents name in words), the purpose, the
    language and, for a reader of evaluations, an evaluation whose report goes in."""

    contents = forms.MultipleChoiceField(
        label=_("Files to put in"), widget=forms.CheckboxSelectMultiple
    )
    recipient = forms.ChoiceField(
        label=_("Recipient"),
        help_text=_("The package is refused unless every victim's consent to share names them."),
    )
    purpose = forms.ChoiceField(label=_("For"))
    language = forms.ChoiceField(label=_("Language of the package"))
    evaluation = forms.ChoiceField(label=_("Medical report to include"), required=False)

    def __init__(self, *args: Any, case: Any, user: Any, **kwargs: Any) -> None:
        from django.conf import settings
        from django.utils import translation
        from django.utils.formats import date_format

        from himoya.core.policies import can
        from himoya.documentation.models import Consent, ConsentKind, Evaluation
        from himoya.evidence.models import CopyKind, EvidenceItem, WorkingCopy
        from himoya.evidence.package import PURPOSES
        from himoya.reference.models import Partner

        super().__init__(*args, **kwargs)
        self.case = case
        items = list(EvidenceItem.objects.filter(case=case).order_by("received_at", "id"))
        copies = WorkingCopy.objects.filter(item__in=items).exclude(kind=CopyKind.THUMBNAIL)
        by_item: dict[int, list[WorkingCopy]] = {}
        for copy in copies.order_by("id"):
            by_item.setdefault(copy.item_id, []).append(copy)
        self._things: dict[str, Any] = {}
        choices = []
        for item in items:
            self._things[f"o{item.pk}"] = item
            choices.append((f"o{item.pk}", f"{item.label}: {_('the original')} ({item.extension})"))
            for copy in by_item.get(item.pk, []):
                copy.item = item
                self._things[f"c{copy.pk}"] = copy
                choices.append(
                    (f"c{copy.pk}", f"{item.label}: {copy.get_kind_display()} ({copy.extension})")
                )
        self._offer("contents", choices)
        self._recipients: dict[str, Any] = {}
        recipients: list[tuple[str, str]] = [("", "—")]
        for partner in Partner.objects.filter(organisation_id=case.organisation_id):
            self._recipients[f"p{partner.pk}"] = partner
            recipients.append((f"p{partner.pk}", str(partner)))
        words: set[str] = set()
        consents = Consent.objects.filter(
            case=case, kind=ConsentKind.SHARING, revoked_at__isnull=True
        ).order_by("pk")
        for consent in consents:
            text = " ".join(str(consent.recipients).split())
            if text and text not in words:
                words.add(text)
                self._recipients[f"b{consent.pk}"] = text
                recipients.append((f"b{consent.pk}", text))
        self._offer("recipient", recipients)
        self._offer(
            "purpose", [(code, str(label)) for code, label in Purpose.CHOICES if code in PURPOSES]
        )
        self._offer("language", list(settings.LANGUAGES))
        self.fields["language"].initial = translation.get_language()
        self._evaluations: dict[str, Any] = {}
        if can(user, "documentation.evaluation.view", case):
            rows = Evaluation.objects.filter(case=case).order_by("examined_on", "pk")
            options: list[tuple[str, str]] = [("", str(_("none")))]
            for evaluation in rows:
                self._evaluations[str(evaluation.pk)] = evaluation
                options.append(
                    (
                        str(evaluation.pk),
                        f"{evaluation.get_kind_display()}, "
                        f"{date_format(evaluation.examined_on, 'SHORT_DATE_FORMAT')}",
                    )
                )
            self._offer("evaluation", options)
        else:
            del self.fields["evaluation"]

    def _offer(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def chosen_files(self) -> list[Any]:
        return [self._things[key] for key in self.cleaned_data["contents"]]

    def chosen_recipient(self) -> Any:
        from himoya.evidence.package import Recipient

        value = self._recipients[self.cleaned_data["recipient"]]
        if isinstance(value, str):
            return Recipient(body=value)
        return Recipient(partner=value)

    def chosen_evaluation(self) -> Any:
        key = self.cleaned_data.get("evaluation") or ""
        return self._evaluations.get(key)

    def clean_recipient(self) -> str:
        value = self.cleaned_data["recipient"]
        if value not in self._recipients:
            raise forms.ValidationError(_("Choose the recipient the sharing consent names."))
        return str(value)
