from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from himoya.api.services import DEFAULT_LIFETIME_DAYS, LIFETIME_DAYS
from himoya.core.idempotency import OnceFormMixin


def _lifetime_label(days: int) -> str:
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


# The choices are built once, at import: each label must be translated when it is shown,
# in the language of that request, not in the language active at start-up.
_lifetime_label_lazy = lazy(_lifetime_label, str)


class TokenIssueForm(OnceFormMixin):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the token is used, e.g. “reporting script on the office server”."),
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(days, _lifetime_label_lazy(days)) for days in LIFETIME_DAYS],
        initial=DEFAULT_LIFETIME_DAYS,
    )
