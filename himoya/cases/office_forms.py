"""The office that received an appeal, in the intake form and on the case page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from himoya.cases.models import Appeal
from himoya.outreach.selectors import offered_offices


def office_choices(organisation_id: int | None, *, keep: Iterable[Any] = ()) -> list[Any]:
    """The organisation's open offices (and ``keep``), head office first; a closed one
    kept says so."""
    offices = offered_offices(organisation_id, keep=keep)
    return [
        ("", _("not recorded")),
        *(
            (o.pk, o.name if o.active else _("%(office)s (closed)") % {"office": o.name})
            for o in offices
        ),
    ]


def office_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=gettext_lazy("Office that received it"),
        required=False,
        coerce=int,
        empty_value=None,
    )


class AppealOfficeForm(forms.Form):
    """Corrects the office of one appeal on the case page."""

    office = office_field()

    def __init__(self, *args: Any, appeal: Appeal, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"appeal{appeal.pk}-%s")
        kwargs.setdefault("initial", {"office": appeal.office_id})
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = office_choices(  # type: ignore[attr-defined]
            appeal.organisation_id, keep=[appeal.office_id]
        )
