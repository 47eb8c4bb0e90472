"""The letters' daily work on ``himoya worker``: the reminder of overdue answers, and
the sweep of files no letter holds."""

from __future__ import annotations

from django.conf import settings

from himoya.core.tasks import enqueue_once_a_day, task, task_actor
from himoya.letters.reminders import remind_overdue
from himoya.letters.sweep import sweep_orphans


@task()
def letter_reminders_send() -> int:
    return remind_overdue(actor=task_actor(), base_url=settings.HIMOYA_BASE_URL)


def letter_reminders_enqueue_daily() -> bool:
    """Queues the reminders unless they were queued today."""
    return enqueue_once_a_day(letter_reminders_send)


@task()
def letter_files_sweep() -> int:
    """Removes the files a worker killed before its commit left (older than an hour,
    named by no letter: ``sweep.orphan_files``); returns how many. Audited."""
    return len(sweep_orphans(actor=task_actor(), delete=True))


def letter_files_sweep_enqueue_daily() -> bool:
    """Queues the sweep unless it was queued today."""
    return enqueue_once_a_day(letter_files_sweep)
