"""Background tasks of casework: the daily reminders (``himoya send-reminders``'s work,
run by ``himoya worker``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from himoya.cases.management.commands.send_reminders import send_reminders
from himoya.core.tasks import task, task_actor

# Key of the advisory lock that lets one caller at a time decide whether to queue today's
# reminders ("HMRM").
_SCHEDULE_LOCK = 0x484D524D


@task()
def reminders_send() -> int:
    """Reminds every task that is due; idempotent (each task is reminded once), so a
    second run the same day sends nothing."""
    return send_reminders(base_url=settings.HIMOYA_BASE_URL, actor=task_actor())


def reminders_enqueue_daily() -> bool:
    """Queues ``reminders_send`` unless it was queued since midnight (local time).

    Every machine's timer may call this: the lock makes the check and the insert one step,
    so only the first caller of the day queues the task. Returns whether it did.
    """
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SCHEDULE_LOCK])
        if DBTaskResult.objects.filter(
            task_path=reminders_send.module_path, enqueued_at__gte=midnight
        ).exists():
            return False
        # In this transaction (not on commit): the row must exist before the lock goes.
        reminders_send.enqueue()
    return True
