"""The dashboard's coming week: hearings and tasks across the user's cases, by day, with
the victims' names of cases the user sees, and that read recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import agenda, services
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def lawyer(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Недели", totp=False)


def test_the_week_lists_hearings_and_tasks_by_day_with_victims(lawyer, org, other_org):
    today = timezone.localdate()
    mine = open_case(lawyer, victim=services.PersonInput(full_name="Недельная Айгуль"))
    colleague = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    theirs = open_case(colleague, victim=services.PersonInput(full_name="Чужой Пример"))
    services.hearing_add(
        actor=lawyer,
        case=mine,
        court="Районный суд (тест)",
        starts_at=at(today + dt.timedelta(2), 10),
    )
    services.hearing_add(  # next month: not this week
        actor=lawyer,
        case=mine,
        court="Областной суд (тест)",
        starts_at=at(today + dt.timedelta(30), 10),
    )
    services.hearing_add(  # a colleague's case the lawyer does not see
        actor=colleague, case=theirs, court="Суд коллеги", starts_at=at(today + dt.timedelta(1), 9)
    )
    services.task_add(
        actor=lawyer,
        case=mine,
        title="Жалоба прокурору",
        due_on=today + dt.timedelta(1),
        assignee=lawyer,
    )
    services.task_add(
        actor=lawyer,
        case=mine,
        title="Просроченная справка",
        due_on=today - dt.timedelta(3),
        assignee=lawyer,
    )
    week = agenda.coming_week(lawyer, today)
    days = [(day, [(e.kind, e.title) for e in entries]) for day, entries in week.days]
    assert days == [
        (today + dt.timedelta(1), [("task", "Жалоба прокурору")]),
        (today + dt.timedelta(2), [("hearing", "Районный суд (тест)")]),
    ]
    assert [e.title for e in week.overdue] == ["Просроченная справка"]
    assert all(e.victims == ("Недельная Айгуль",) for _d, es in week.days for e in es)
    assert week.named_cases == [mine.pk]

    body = make_client(lawyer).get(reverse("cases:dashboard")).content.decode()
    assert "Районный суд (тест)" in body and "Недельная Айгуль" in body
    assert "Суд коллеги" not in body and "Чужой Пример" not in body
    event = AuditEvent.objects.filter(action="dashboard.week").latest("seq")
    assert event.actor_id == lawyer.pk and event.data == {"cases": [mine.pk]}


def test_an_empty_week_names_nobody_and_records_nothing(lawyer):
    open_case(lawyer)
    body = make_client(lawyer).get(reverse("cases:dashboard")).content.decode()
    assert "week-day" not in body
    assert not AuditEvent.objects.filter(action="dashboard.week").exists()
