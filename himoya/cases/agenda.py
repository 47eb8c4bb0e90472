"""What is coming for a staff member: the week of hearings and tasks the dashboard shows.

Reads only what the user may see: cases through ``selectors.visible_cases``, victims'
names only of those cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from himoya.cases import selectors
from himoya.cases.models import Case, Hearing, Task

WEEK = dt.timedelta(days=7)


@dataclass
class Entry:
    """One line of the week: a hearing or a task, of one case."""

    kind: str  # "hearing" or "task"
    day: dt.date
    case: Case
    title: str
    at: dt.datetime | None = None
    overdue: bool = False
    victims: tuple[str, ...] = ()


@dataclass
class Week:
    days: list[tuple[dt.date, list[Entry]]]
    overdue: list[Entry]
    named_cases: list[int]

    def __bool__(self) -> bool:
        return bool(self.days or self.overdue)


def coming_week(user: Any, today: dt.date | None = None) -> Week:
    """The hearings the user attends or whose case is theirs (their lawyer or team),
    and the tasks assigned to them, from ``today`` for seven days, by day; overdue
    tasks apart. Each line names the case's victims (the reader sees the case and so its
    persons; the caller records that read)."""
    today = today or timezone.localdate()
    visible = selectors.visible_cases(user)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + WEEK
    hearings = (
        # A closed case's coming hearings were kept by whoever closed it (services/closing.py).
        Hearing.objects.filter(case__in=visible, starts_at__gte=start, starts_at__lt=end)
        .filter(cancelled_at__isnull=True)
        .filter(Q(attendees=user) | Q(case__lawyer=user) | Q(case__team__members=user))
        .distinct()
        .select_related("case")
        .order_by("starts_at", "id")
    )
    tasks = (
        Task.objects.outstanding()
        .filter(case__in=visible, assignee=user, due_on__lt=today + WEEK)
        .select_related("case")
        .order_by("due_on", "id")
    )
    entries = [
        Entry(
            kind="hearing",
            day=timezone.localtime(h.starts_at).date(),
            at=h.starts_at,
            case=h.case,
            title=h.court,
        )
        for h in hearings[:100]
    ]
    entries += [
        Entry(
            kind="task",
            day=t.due_on or today,
            case=t.case,
            title=t.title,
            overdue=t.is_overdue(today),
        )
        for t in tasks[:100]
    ]
    names = _victims({e.case.pk for e in entries})
    for entry in entries:
        entry.victims = tuple(names.get(entry.case.pk, ()))
    by_day: dict[dt.date, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (e.day, e.at is None, e.at or start)):
        if not entry.overdue:
            by_day.setdefault(entry.day, []).append(entry)
    return Week(
        days=sorted(by_day.items()),
        overdue=[e for e in entries if e.overdue],
        named_cases=sorted(names),
    )


def _victims(case_ids: set[int]) -> dict[int, list[str]]:
    """The victims' names of ``case_ids``: cases the reader sees, whose persons the
    case page shows them too."""
    return selectors.victim_names(case_ids) if case_ids else {}
