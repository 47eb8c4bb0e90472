"""Background tasks of casework: the daily reminders (``himoya send-reminders``'s work,
run by ``himoya worker``)."""

from __future__ import annotations

from django.conf import settings

from himoya.cases.management.commands.send_reminders import send_reminders
from himoya.core.tasks import enqueue_once_a_day, task, task_actor


@task()
def reminders_send() -> int:
    """Reminds every task that is due; idempotent (each task is reminded once), so a
    second run the same day sends nothing."""
    return send_reminders(base_url=settings.HIMOYA_BASE_URL, actor=task_actor())


def reminders_enqueue_daily() -> bool:
    """Queues ``reminders_send`` unless it was queued today (``enqueue_once_a_day``);
    returns whether it did."""
    return enqueue_once_a_day(reminders_send)
