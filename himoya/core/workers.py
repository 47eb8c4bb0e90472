"""What ``himoya worker`` adds to django-tasks-db's worker: knowing when a worker died.

django-tasks-db claims a task by locking its row (``SELECT ... FOR UPDATE SKIP LOCKED``),
marking it RUNNING and committing; it then runs the task outside that transaction. If the
worker process dies while the task runs (killed, out of memory, machine gone), the row
stays RUNNING for ever: the package has no notion of a worker's liveness.

Here every ``himoya worker`` holds a PostgreSQL session advisory lock keyed by its worker
id, on a connection of its own, for as long as it lives. PostgreSQL releases the lock when
that session ends, which it does when the process dies (and, for a machine that vanished,
when the server's TCP keepalives give up on it: we set them to about a minute). Any
worker can then tell a dead one: ``requeue_orphans`` finds RUNNING tasks whose last worker
no longer holds its lock and puts them back in the queue (READY), or marks them FAILED
once they have been tried ``max_attempts`` times, so a task that kills its worker does not
kill every worker in turn. Tasks are idempotent (``himoya/core/tasks.py``), so running one
again is safe.

Only worker ids with our prefix are judged: a task claimed by a plain ``db_worker`` (which
holds no lock) is never taken for dead.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

WORKER_PREFIX = "hw-"
# First half of the two-key advisory lock: "HMWK". The audit chain uses the one-key form.
_LIVENESS_NS = 0x484D574B


class WorkerLost(Exception):  # noqa: N818  (recorded as the failed task's exception class)
    """The worker running a task stopped before the task finished."""


def new_worker_id() -> str:
    """Unique across machines, and says which machine and process (at most 64 chars)."""
    host = socket.gethostname().split(".")[0][:32]
    return f"{WORKER_PREFIX}{host}-{os.getpid()}-{get_random_string(8)}"


def himoya_worker_id(worker_id: str) -> str:
    return worker_id if worker_id.startswith(WORKER_PREFIX) else (WORKER_PREFIX + worker_id)[:64]


class Liveness:
    """The worker's advisory lock, held on a connection Django does not manage (so the
    worker loop's ``close_old_connections`` cannot drop it)."""

    def __init__(self, worker_id: str, using: str = DEFAULT_DB_ALIAS) -> None:
        self.worker_id = worker_id
        self.using = using
        self._conn: Any = None

    def __enter__(self) -> Liveness:
        wrapper = connections[self.using]
        self._conn = wrapper.get_new_connection(wrapper.get_connection_params())
        self._conn.autocommit = True
        with self._conn.cursor() as cursor:
            # The server drops the session, and so the lock, about a minute after this
            # machine stops answering (the defaults wait two hours).
            cursor.execute("SET tcp_keepalives_idle = 30")
            cursor.execute("SET tcp_keepalives_interval = 10")
            cursor.execute("SET tcp_keepalives_count = 3")
            cursor.execute(
                "SELECT pg_advisory_lock(%s, hashtext(%s))", [_LIVENESS_NS, self.worker_id]
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _is_alive(worker_id: str, using: str) -> bool:
    """Whether a session holds the worker's lock. Two ids sharing a hash only ever make a
    dead worker look alive, never the reverse."""
    with connections[using].cursor() as cursor:
        # Transaction-level, so the probe lets go of a dead worker's key at commit.
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", [_LIVENESS_NS, worker_id]
        )
        row = cursor.fetchone()
    return not (row and row[0])


def live_workers(using: str = DEFAULT_DB_ALIAS) -> int:
    """How many ``himoya worker`` processes, on any machine, are alive for this database:
    the liveness locks held right now (a sweep's brief probe of a dead worker's key may
    count for a moment)."""
    with connections[using].cursor() as cursor:
        # A two-key advisory lock shows its first key as classid and objsubid 2.
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 2 AND classid::bigint = %s "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [_LIVENESS_NS],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def requeue_orphans(
    *, backend_name: str, max_attempts: int, using: str = DEFAULT_DB_ALIAS
) -> list[str]:
    """Put the RUNNING tasks of dead ``himoya worker`` processes back in the queue, or fail
    those already tried ``max_attempts`` times. Returns the ids of the tasks it changed."""
    running = (
        DBTaskResult.objects.using(using)
        .running()
        .filter(backend_name=backend_name)
        .values_list("id", "worker_ids")
    )
    changed = []
    for result_id, worker_ids in running:
        if not worker_ids or not str(worker_ids[-1]).startswith(WORKER_PREFIX):
            continue
        with transaction.atomic(using=using):
            row = (
                DBTaskResult.objects.using(using)
                .select_for_update(skip_locked=True)
                .filter(id=result_id, status=TaskResultStatus.RUNNING)
                .first()
            )
            if row is None or row.worker_ids != worker_ids:
                continue
            last_worker = str(worker_ids[-1])
            if _is_alive(last_worker, using):
                continue
            if len(worker_ids) >= max_attempts:
                row.set_failed(
                    WorkerLost(
                        f"worker {last_worker} stopped while running this task, "
                        f"attempt {len(worker_ids)} of {max_attempts}"
                    )
                )
                logger.warning("Task id=%s failed: its worker %s died", row.id, last_worker)
            else:
                row.status = TaskResultStatus.READY
                row.save(update_fields=["status"])
                logger.warning("Task id=%s requeued: its worker %s died", row.id, last_worker)
            changed.append(str(row.id))
    return changed


class OrphanSweeper(threading.Thread):
    """Runs ``requeue_orphans`` now and then every ``interval`` seconds, beside the worker
    loop, on the thread's own database connection."""

    def __init__(self, *, backend_name: str, max_attempts: int, interval: float) -> None:
        super().__init__(name="himoya-orphan-sweeper", daemon=True)
        self.backend_name = backend_name
        self.max_attempts = max_attempts
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                requeue_orphans(backend_name=self.backend_name, max_attempts=self.max_attempts)
            except Exception:
                logger.exception("Looking for tasks of dead workers failed")
            finally:
                connections.close_all()
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
