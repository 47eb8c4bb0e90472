"""Currencies the compensation forms offer (ISO 4217 alphabetic codes).

Awards in these countries are made in the national currency; claims before international
bodies are often in US dollars or euros. A code outside this list is refused rather than
stored unchecked: a misspelt currency would make a sum of awards meaningless.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CURRENCIES = {
    "KZT": _("Kazakhstani tenge"),
    "TJS": _("Tajikistani somoni"),
    "RUB": _("Russian rouble"),
    "UZS": _("Uzbekistani sum"),
    "KGS": _("Kyrgyzstani som"),
    "USD": _("US dollar"),
    "EUR": _("euro"),
}

NATIONAL = {"KZ": "KZT", "TJ": "TJS"}


def currency_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} · {label}") for code, label in CURRENCIES.items()]


def national_currency(country: str) -> str:
    """The initial currency of a form for a case in ``country`` (empty if none is known)."""
    return NATIONAL.get(country, "")
