"""Dates kept as text, shown by the one rule (``himoya.core.formats``). Date and
datetime values need nothing: Django's ``|date`` already follows the rule."""

from __future__ import annotations

from django import template

from himoya.core.formats import show_stored

register = template.Library()


@register.filter
def stored_date(value: object) -> str:
    """An ISO date kept as text (a birth date: "1990" stays a year) in the reader's rule."""
    return show_stored(value)
