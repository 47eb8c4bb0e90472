"""Form helpers every app's staff pages share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Puts a service's ValidationError on the form fields it names (or on top);
    ``aliases`` maps a service's field name to the form's where they differ."""
    names = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        # An alias applies to the forms that have it; others may name the field as is.
        name = names[key] if names.get(key) in form.fields else key
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


def run_service(form: forms.Form, call: Callable[[dict[str, Any]], T]) -> T | None:
    """What the service ``call`` returns for a valid form's data; None when the form is
    invalid or the service refused, its ValidationError then put on the form."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
