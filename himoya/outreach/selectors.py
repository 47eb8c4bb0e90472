"""Reads of an organisation's offices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from himoya.outreach.models import Office
from himoya.reference.selectors import offerable


def offered_offices(organisation_id: int | None, *, keep: Iterable[Any] = ()) -> QuerySet[Office]:
    """The offices an appeal of the organisation may name as the one that received it:
    its open offices, by the one rule of ``reference.selectors.offerable`` (an office
    closed since stays on the appeals that name it, so ``keep`` stays offered). Never
    another organisation's office, whatever ``keep`` holds."""
    if not organisation_id:
        return Office.objects.none()
    return offerable(Office.objects.filter(organisation_id=organisation_id), keep=keep)


def default_office(organisation_id: int | None) -> Office | None:
    """The office a new appeal starts with in the intake form: the organisation's open
    head office. Staff are not linked to an office, so the form cannot know where the
    person typing sits; intake at a branch changes it."""
    return (
        offered_offices(organisation_id)
        .filter(kind=Office.Kind.HEAD, active=True)
        .order_by("name")
        .first()
    )
