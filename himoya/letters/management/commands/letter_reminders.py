"""``himoya letter-reminders``: remind overdue answers now, or with ``--queue`` put the
day's run on the worker's queue (once a day, whichever machine's timer calls first)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Remind the lawyers of overdue answers to letters."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue", action="store_true", help="queue it for the worker")

    def handle(self, *args: Any, queue: bool = False, **options: Any) -> None:
        if queue:
            from himoya.letters.tasks import letter_reminders_enqueue_daily

            queued = letter_reminders_enqueue_daily()
            self.stdout.write("queued" if queued else "already queued today")
            return
        from himoya.letters.reminders import remind_overdue

        self.stdout.write(str(remind_overdue()))
