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
