"""Tasks the tests run through a real ``himoya worker``."""

from __future__ import annotations

import time

from django.db import transaction

from himoya.core import events
from himoya.core.audit import audit_record
from himoya.core.models import JobProgress
from himoya.core.progress import ProgressReporter
from himoya.core.tasks import running_task, task, task_actor

# Declared here because the worker process imports only this module of the tests.
for _code in ("test.task_ran", "test.task_held"):
    events.register(_code, _code)


def wait_key(n: int) -> str:
    return f"tests.wait:{n}"


def release_key(n: int) -> str:
    return f"tests.release:{n}"


@task()
def record(n: int) -> str:
    """Writes one audit event as the task's system actor and returns its result id."""
    current = running_task()
    assert current is not None
    with transaction.atomic():
        audit_record(actor=task_actor(), action="test.task_ran", data={"n": n})
    return current.result_id


@task()
def hold(n: int) -> int:
    """Works like an import: one transaction, an audit event inside it, progress through
    the progress connection; then waits until the test releases it (or 30 seconds)."""
    with transaction.atomic():
        audit_record(actor=task_actor(), action="test.task_held", data={"n": n})
        reporter = ProgressReporter(wait_key(n), total=10, interval=0)
        reporter.advance(3)
        deadline = time.monotonic() + 30
        # READ COMMITTED: each query sees what other connections committed since.
        while not JobProgress.objects.filter(key=release_key(n)).exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"task hold({n}) was never released")
            time.sleep(0.05)
        reporter.advance(7)
        reporter.finish()
    return n


@task()
def tick() -> None:
    """Does nothing: the scheduled job of the schedule's tests enqueues it."""


def tick_enqueue() -> None:
    # No dedupe of its own: two workers enqueueing one due time would show as two rows.
    tick.enqueue()
