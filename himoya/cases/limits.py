"""Limits that protect the pages: how long a summary or a story may be and which years of
birth are believable. One definition, read by the forms (as validators and as the
textarea's maxlength), the services (which every way in passes: pages, API, import) and
the API schemas (as the documented maximum)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _

# A case summary is read in lists and on the case page: a few paragraphs.
SUMMARY_MAX_CHARS = 5_000
# The appeal's content, the person's story in their words: long, but not a book.
STORY_MAX_CHARS = 50_000
# Nobody alive was born before this; a year before it is a typing error.
BIRTH_YEAR_MIN = 1900


def too_long_message(limit: int, length: int) -> str:
    return _("This text is too long: %(length)d characters, at most %(limit)d are allowed.") % {
        "length": length,
        "limit": limit,
    }


class MaxChars(MaxLengthValidator):
    """Django's max-length check with the project's message (the count and the limit)."""

    def __call__(self, value: str) -> None:
        if len(value) > self.limit_value:
            raise ValidationError(too_long_message(self.limit_value, len(value)), code="too_long")


def check_lengths(**texts: tuple[str | None, int]) -> None:
    """``field=(text, limit)``; a ValidationError naming every text over its limit."""
    errors = {
        field: too_long_message(limit, len(text))
        for field, (text, limit) in texts.items()
        if text is not None and len(text) > limit
    }
    if errors:
        raise ValidationError(errors)


class BirthOutOfRange(ValueError):
    """A date of birth that reads well but cannot be true; ``str()`` is the message."""


def check_birth(birth: dt.date) -> None:
    this_year = timezone.localdate().year
    if birth.year < BIRTH_YEAR_MIN or birth > timezone.localdate():
        raise BirthOutOfRange(
            _("The year of birth must be between %(first)d and %(last)d.")
            % {"first": BIRTH_YEAR_MIN, "last": this_year}
        )
