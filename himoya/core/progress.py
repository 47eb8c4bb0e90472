"""Job progress that every process sees while the job is still running.

A long job (an import, later letters and OCR) runs in one transaction so that it lands
whole or not at all. Progress written inside that transaction would stay invisible to
every other connection until the commit, which is exactly when nobody needs it any more.
So progress goes through a second connection to the same database, the ``progress``
alias in ``DATABASES`` (autocommit; ``config/settings.py``). We chose an alias over a raw
psycopg connection so that Django manages it like any other (closing it with the
request or the worker loop, the test runner pointing it at the test database as a
mirror of ``default``), and tests must name it (``databases=["default", "progress"]``)
before they may use it.

One rule follows: the job's own transaction never writes or locks a ``JobProgress`` row.
If it did, the progress connection would wait for a lock held by its own process; the
alias sets ``lock_timeout`` so that mistake fails after seconds instead of hanging.
"""

from __future__ import annotations

import time

from django.db import models
from django.utils import timezone

from himoya.core.models import JobProgress

PROGRESS_ALIAS = "progress"


def progress_db() -> str:
    return PROGRESS_ALIAS


def progress_key(obj: models.Model) -> str:
    """The key for a job kept as a model row: ``<app label>.<model>:<pk>``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def progress_set(key: str, *, done: int, total: int | None, phase: str = "") -> None:
    """Record that ``done`` of ``total`` steps are finished (``total`` None: not known yet),
    in stage ``phase`` (a short code, for jobs that have stages).

    One statement (an upsert) on the progress connection, committed at once.
    """
    row = JobProgress(key=key, done=done, total=total, phase=phase, updated_at=timezone.now())
    JobProgress.objects.using(progress_db()).bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["done", "total", "phase", "updated_at"],
    )


def progress_get(key: str) -> JobProgress | None:
    """The last progress committed for ``key``, as any process sees it."""
    return JobProgress.objects.filter(key=key).first()


def progress_delete(key: str) -> None:
    JobProgress.objects.using(progress_db()).filter(key=key).delete()


class ProgressReporter:
    """Counts steps in a job's loop and writes them at most every ``interval`` seconds,
    so that a job of a hundred thousand rows does not make a hundred thousand writes.

        reporter = ProgressReporter(progress_key(job), total=len(rows))
        for row in rows:
            ...
            reporter.advance()
        reporter.finish()
    """

    def __init__(self, key: str, *, total: int | None = None, interval: float = 1.0) -> None:
        self.key = key
        self.total = total
        self.done = 0
        self.interval = interval
        progress_set(key, done=0, total=total)
        self._written_at = time.monotonic()

    def set_total(self, total: int) -> None:
        self.total = total
        self.flush()

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        if time.monotonic() - self._written_at >= self.interval:
            self.flush()

    def flush(self) -> None:
        progress_set(self.key, done=self.done, total=self.total)
        self._written_at = time.monotonic()

    def finish(self) -> None:
        """Write the final count; a job that never knew its total has done all of it."""
        if self.total is None:
            self.total = self.done
        self.flush()
