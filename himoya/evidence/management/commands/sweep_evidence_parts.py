"""``himoya sweep-evidence-parts``: deletes the ``<name>.part`` files under the evidence
media root older than a day (a write a killed process never finished; only ciphertext,
but nothing will ever claim it). ``--enqueue`` leaves the work to ``himoya worker`` (the
task ``evidence.tasks.stale_parts_sweep``), at most once a day, for a daily timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from himoya.evidence.files import sweep_stale_parts
from himoya.evidence.tasks import stale_parts_enqueue_daily


class Command(BaseCommand):
    help = "Deletes evidence files left half written (.part) more than a day ago. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the work for a worker, unless it was queued today already",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            queued = stale_parts_enqueue_daily()
            self.stdout.write("queued" if queued else "already queued today")
            return
        self.stdout.write(f"deleted {sweep_stale_parts()} stale part file(s)")
