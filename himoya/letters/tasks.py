"""The daily reminder of overdue answers, run by ``himoya worker``."""

from __future__ import annotations

from django.conf import settings

from himoya.core.tasks import enqueue_once_a_day, task, task_actor
from himoya.letters.reminders import remind_overdue


@task()
def letter_reminders_send() -> int:
    return remind_overdue(actor=task_actor(), base_url=settings.HIMOYA_BASE_URL)


def letter_reminders_enqueue_daily() -> bool:
    """Queues the reminders unless they were queued today."""
    return enqueue_once_a_day(letter_reminders_send)
