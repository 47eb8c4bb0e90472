"""``himoya purge-import-jobs``: deletes finished import jobs (their encrypted file name
and report, and any file left) older than ``HIMOYA_IMPORT_JOB_RETENTION_DAYS``;
``--enqueue`` leaves the work to ``himoya worker`` (the task
``imports.retention.jobs_purge``), at most once a day, for a daily timer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from himoya.core.policies import SystemActor
from himoya.imports.retention import import_jobs_purge, jobs_purge_enqueue_daily


class Command(BaseCommand):
    help = (
        "Deletes finished register import jobs (file name, report, file) older than "
        "HIMOYA_IMPORT_JOB_RETENTION_DAYS days. Idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the work for a worker, unless it was queued today already",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="keep jobs that ended in the last DAYS days "
            "(default: HIMOYA_IMPORT_JOB_RETENTION_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            queued = jobs_purge_enqueue_daily()
            self.stdout.write("queued" if queued else "already queued today")
            return
        days = options["days"]
        if days is None:
            days = settings.HIMOYA_IMPORT_JOB_RETENTION_DAYS
        if days < 0:
            raise CommandError("--days must be 0 or more")
        count = import_jobs_purge(
            actor=SystemActor("cli:purge-import-jobs"),
            older_than=timezone.now() - dt.timedelta(days=days),
        )
        self.stdout.write(f"deleted {count} import job(s)")
