from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from himoya.api.services import DEFAULT_LIFETIME_DAYS, LIFETIME_DAYS
from himoya.core.idempotency import OnceFormMixin


def _lifetime_label(days: int) -> str:
    return str(ngettext_lazy("%(days)d day", "%(days)d days", days) % {"days": days})


class TokenIssueForm(OnceFormMixin):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the token is used, e.g. “reporting script on the office server”."),
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(days, _lifetime_label(days)) for days in LIFETIME_DAYS],
        initial=DEFAULT_LIFETIME_DAYS,
    )
