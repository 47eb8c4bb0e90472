"""Reads of letters: always from the cases the reader may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from himoya.cases.models import Case
from himoya.cases.selectors import visible_cases
from himoya.core.access import access_object
from himoya.letters.models import Letter, LetterStatus, LetterTemplate, Recipient


def visible_letters(user: Any) -> QuerySet[Letter]:
    return Letter.objects.filter(case__in=visible_cases(user))


def access_letter(user: Any, pk: Any) -> Letter:
    """The letter if its case is visible to ``user``; 404 for missing and forbidden."""
    return access_object(
        visible_letters(user).select_related("case", "recipient", "template", "clock_at"),
        pk,
        user=user,
    )


def waiting(user: Any) -> QuerySet[Letter]:
    """Sent letters still waiting for an answer, soonest due first."""
    return (
        visible_letters(user)
        .filter(status=LetterStatus.SENT)
        .select_related("case", "recipient", "clock_at")
        .order_by("due_on", "sent_on", "pk")
    )


def overdue(user: Any, today: dt.date | None = None) -> QuerySet[Letter]:
    today = today or timezone.localdate()
    return waiting(user).filter(due_on__lt=today)


def recipients_for(case: Case) -> QuerySet[Recipient]:
    """The recipients a case's letter may go to: its country's and the UN's."""
    return Recipient.objects.filter(Q(country=case.country) | Q(country=""), active=True)


def templates_for(recipient: Recipient) -> list[LetterTemplate]:
    from himoya.letters.services import current_templates

    return [
        t
        for t in current_templates()
        if recipient.kind in t.kinds and t.language in recipient.language_list
    ]
