"""The daily reminders as a task: queued at most once a day however many timers ask,
run by the worker's own code, as the task's system actor."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Task
from himoya.core.models import AuditEvent
from tests.cases.test_case_services import open_case
from tests.conftest import run_queued_tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def enqueue() -> str:
    out = StringIO()
    call_command("send_reminders", "--enqueue", stdout=out)
    return out.getvalue().strip()


def test_reminders_are_queued_once_a_day_and_sent_by_the_worker(
    org: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.HIMOYA_BASE_URL = "https://himoya.example.org"
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    case = open_case(lawyer, org, lawyer=lawyer.pk)
    due = services.task_add(
        actor=lawyer, case=case, title="Жалоба прокурору", due_on=timezone.localdate()
    )

    assert enqueue() == "queued"
    assert enqueue() == "already queued today"  # a second machine's timer, or a rerun
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [], "kwargs": {}}
    assert not mail.outbox  # nothing is sent by the timer itself

    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued_tasks() == 1
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL and queued.return_value == 1
    due.refresh_from_db()
    assert due.reminded_at is not None
    event = AuditEvent.objects.get(action="task.remind")
    assert event.actor_label == "task:reminders_send"
    assert event.request_id == f"task:{queued.id}"
    [message] = mail.outbox
    assert f"https://himoya.example.org/staff/cases/{case.pk}/#tasks" in message.body
    assert Task.objects.filter(reminded_at__isnull=True, pk=due.pk).count() == 0
