"""``himoya schedule``: the periodic jobs the workers enqueue, and when each runs next."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from himoya.core.schedule import planned


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")


class Command(BaseCommand):
    help = (
        "List the periodic jobs every `himoya worker` enqueues (unless started with "
        "--no-schedule), with their timing, last and next run in local time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plans = planned()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        now = timezone.now()
        rows = [("JOB", "WHEN", "LAST RUN", "NEXT RUN", "ENQUEUES")]
        for plan in plans:
            when = plan.job.when.describe() if plan.job.when else "off (HIMOYA_SCHEDULE)"
            if plan.next_run_at is None:
                upcoming = "-"
            elif plan.next_run_at <= now:
                upcoming = "due now"
            else:
                upcoming = _local(plan.next_run_at)
            rows.append(
                (plan.job.name, when, _local(plan.last_run_at), upcoming, plan.job.enqueue_path)
            )
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[4]]).rstrip())
