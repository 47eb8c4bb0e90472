"""``himoya worker``: runs background tasks (django-tasks-db's ``db_worker``).

Every option of ``db_worker`` passes through (``--queue-name``, ``--interval``,
``--batch``, ``--max-tasks``, ``--worker-id``, ``--reload``, ...); ours differ in their
defaults: every queue, and a worker id naming the machine and process. Several workers,
on one machine or several, can share one PostgreSQL database: each claims a task with
``SELECT ... FOR UPDATE SKIP LOCKED``, so no two run the same task.

SIGTERM or SIGINT (Ctrl+C) lets the running task finish, then stops; a second one stops
the task at once, rolls back its open transaction and marks it FAILED. A worker killed
outright leaves its task RUNNING; the other workers notice within ``--sweep-interval``
seconds and put it back in the queue (``himoya/core/workers.py``).

Every worker also enqueues the periodic jobs when they are due (``himoya/core/schedule.py``,
``himoya schedule`` lists them), once between all workers; ``--no-schedule`` leaves that
to outside timers, and ``--batch`` never does it.
"""

from __future__ import annotations

import signal
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from himoya.core.schedule import Scheduler, schedule
from himoya.core.workers import (
    Liveness,
    OrphanSweeper,
    himoya_worker_id,
    new_worker_id,
)


def _exit_before_start(signum: int, frame: Any) -> None:
    raise SystemExit(0)


class Command(db_worker.Command):
    help = "Run background tasks from the database (several may run, on several machines)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", worker_id=new_worker_id())
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=3,
            help="A task whose worker died is run again until it was started this many "
            "times, then marked FAILED (default: %(default)s).",
        )
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=60.0,
            help="Seconds between looks for tasks of dead workers; 0 turns it off "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Do not enqueue the periodic jobs (reminders, scheduled pages, purges); "
            "for deployments that run them from cron or systemd timers.",
        )
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=30.0,
            help="Seconds between looks for due periodic jobs (default: %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        max_attempts: int = options.pop("max_attempts")
        sweep_interval: float = options.pop("sweep_interval")
        no_schedule: bool = options.pop("no_schedule")
        schedule_interval: float = options.pop("schedule_interval")
        if max_attempts < 1:
            raise CommandError("--max-attempts must be 1 or more")
        if sweep_interval < 0:
            raise CommandError("--sweep-interval must be 0 or more")
        if schedule_interval <= 0:
            raise CommandError("--schedule-interval must be more than 0")
        scheduler = None
        if not no_schedule and not options["batch"]:
            try:
                schedule.jobs()  # a wrong HIMOYA_SCHEDULE stops the worker here, not later
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
            scheduler = Scheduler(interval=schedule_interval)
        options["worker_id"] = himoya_worker_id(options["worker_id"])
        # Until the worker loop installs its own handlers, a stop request simply ends the
        # process cleanly (the liveness lock is released on the way out): nothing runs yet.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _exit_before_start)
        sweeper = None
        if sweep_interval:
            sweeper = OrphanSweeper(
                backend_name=options["backend_name"],
                max_attempts=max_attempts,
                interval=sweep_interval,
            )
        with Liveness(options["worker_id"]):
            threads = [t for t in (sweeper, scheduler) if t is not None]
            for thread in threads:
                thread.start()
            try:
                super().handle(*args, **options)
            finally:
                for thread in threads:
                    thread.stop()
