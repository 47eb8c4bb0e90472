"""``himoya send-reminders``: reminds assignees of open tasks of open cases whose
reminder or due date has come; running it again sends nothing twice. ``--enqueue``
leaves the work to ``himoya worker`` instead (the task ``cases.tasks.reminders_send``),
at most once a day however many machines ask (docs/background-work.md).

Each open task is reminded once (``Task.reminded_at`` is claimed in the same
transaction that creates the "task due" alert and the audit record). The e-mail says
which case and when, and never the task's text or anything about the people in the
case: mail leaves the server unencrypted.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himoya.cases.models import Alert, Task
from himoya.core.audit import audit_record
from himoya.core.formats import show_date
from himoya.core.mail import mail_staff
from himoya.core.policies import SystemActor

log = logging.getLogger(__name__)


def due_tasks(today: dt.date) -> Any:
    return (
        Task.objects.outstanding()
        .filter(reminded_at__isnull=True, assignee__isnull=False, assignee__is_active=True)
        .filter(Q(remind_on__lte=today) | Q(remind_on__isnull=True, due_on__lte=today))
    )


def _mail(task_id: int, base_url: str) -> None:
    task = Task.objects.select_related("case", "assignee").get(pk=task_id)
    user = task.assignee
    if user is None or not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if task.due_on:
            body = _("A task in case %(number)s is due on %(date)s.") % {
                "number": task.case.number,
                "date": show_date(task.due_on),
            }
        else:
            body = _("A task in case %(number)s needs your attention.") % {
                "number": task.case.number
            }
        if base_url:
            body += "\n\n" + base_url.rstrip("/") + f"/staff/cases/{task.case_id}/#tasks"
        subject = _("Reminder: case %(number)s") % {"number": task.case.number}
    mail_staff(
        user, subject, body, log=log, failure=f"reminder mail for task {task_id} could not be sent"
    )


def send_reminders(*, today: dt.date | None = None, base_url: str = "", actor: Any = None) -> int:
    """Reminds every task that is due for it; returns how many were reminded now."""
    today = today or timezone.localdate()
    actor = actor or SystemActor("send-reminders")
    count = 0
    for task_id in list(due_tasks(today).values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Task.objects.filter(pk=task_id, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not claimed:  # another run got there first
                continue
            task = Task.objects.select_related("case__organisation").get(pk=task_id)
            assert task.assignee_id is not None
            Alert.objects.create(
                case=task.case,
                recipient_id=task.assignee_id,
                kind=Alert.Kind.TASK_DUE,
                data={"task": task.pk, "due_on": task.due_on.isoformat() if task.due_on else ""},
            )
            audit_record(
                actor=actor,
                action="task.remind",
                obj=task,
                organisation=task.case.organisation,
                data={"case": task.case_id, "assignee": task.assignee_id},
            )
            transaction.on_commit(partial(_mail, task.pk, base_url))
        count += 1
    return count


class Command(BaseCommand):
    help = (
        "E-mails the assignees of tasks whose reminder or due date has come and puts a "
        "'task due' alert on their dashboard. Idempotent: each task is reminded once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the work for a worker, unless it was queued today already",
        )
        parser.add_argument(
            "--base-url",
            default=settings.HIMOYA_BASE_URL,
            help="the staff site's address for links in the mails, e.g. https://himoya.example",
        )
        parser.add_argument("--date", default="", help="take this day (YYYY-MM-DD) as today")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from himoya.cases.tasks import reminders_enqueue_daily

            queued = reminders_enqueue_daily()
            self.stdout.write("queued" if queued else "already queued today")
            return
        today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        count = send_reminders(today=today, base_url=options["base_url"])
        self.stdout.write(f"reminded {count} task(s)")
