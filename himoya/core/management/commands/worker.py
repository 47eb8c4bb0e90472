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
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from himoya.core.workers import (
    Liveness,
    OrphanSweeper,
    himoya_worker_id,
    new_worker_id,
)


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

    def handle(self, *args: Any, **options: Any) -> None:
        max_attempts: int = options.pop("max_attempts")
        sweep_interval: float = options.pop("sweep_interval")
        if max_attempts < 1:
            raise CommandError("--max-attempts must be 1 or more")
        if sweep_interval < 0:
            raise CommandError("--sweep-interval must be 0 or more")
        options["worker_id"] = himoya_worker_id(options["worker_id"])
        sweeper = None
        if sweep_interval:
            sweeper = OrphanSweeper(
                backend_name=options["backend_name"],
                max_attempts=max_attempts,
                interval=sweep_interval,
            )
        with Liveness(options["worker_id"]):
            if sweeper is not None:
                sweeper.start()
            try:
                super().handle(*args, **options)
            finally:
                if sweeper is not None:
                    sweeper.stop()
