"""The background half of a staff-page import: checking the file and importing it, each
a task run by ``himoya worker`` (docs/background-work.md).

Both tasks take the job's id and start from the job's status, so running one again (a
requeued task after its worker died, or a second enqueue) is safe: the check runs while
the job is VALIDATING, the import while it is RUNNING, and each ends by moving the job
out of that state in the same statement that proves it was still in it. The import and
that statement share one transaction: a job is DONE exactly when its rows committed,
and a worker that dies leaves it RUNNING with nothing written, for the retry.

The services run as the user who uploaded the file, as they would in the request: the
policy is checked again and the audit events name that user; the task's result id is
their request id (``task:<id>``). Messages are in the uploader's language.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from himoya.core.progress import progress_delete, progress_key, progress_set
from himoya.core.tasks import task, task_actor
from himoya.imports.importers import IMPORTERS
from himoya.imports.models import ImportJob
from himoya.imports.reading import ImportInvalid
from himoya.imports.services import ImportResult

logger = logging.getLogger(__name__)

MAX_REPORTED = 1000
# Seconds between progress writes (and looks at whether the job was cancelled).
INTERVAL = 1.0


class ImportCancelled(Exception):  # noqa: N818  (recorded as the task's outcome, not an error)
    """The job was cancelled while the worker had it."""


class _Watch:
    """The importer's progress callback: writes progress for every web process to read
    and stops the job at the next batch of rows once the user cancelled it."""

    def __init__(self, job: ImportJob) -> None:
        self.job_id = job.pk
        self.key = progress_key(job)
        self._phase = ""
        self._written_at = 0.0
        # A worker has the job: the page stops saying it waits for one.
        progress_set(self.key, done=0, total=None, phase="start")

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == self._phase and done < total and now - self._written_at < INTERVAL:
            return
        self._phase, self._written_at = phase, now
        progress_set(self.key, done=done, total=total, phase=phase)
        # READ COMMITTED: this sees a cancellation committed since the import began.
        if ImportJob.objects.filter(pk=self.job_id, status=ImportJob.Status.CANCELLED).exists():
            raise ImportCancelled(self.job_id)


def discard_file(job: ImportJob) -> None:
    """Deletes the uploaded file; the job keeps only its report."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _load(job_id: int) -> ImportJob:
    return ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)


def _import(job: ImportJob, *, dry_run: bool, watch: _Watch) -> ImportResult:
    # The uploader, read again now: a user who lost the right since is refused.
    actor: Any = job.created_by if job.created_by is not None else task_actor()
    with translation.override(job.language or None), job.file.open("rb") as stream:
        return IMPORTERS[job.kind](
            actor=actor,
            organisation=job.organisation,
            source=stream,
            dry_run=dry_run,
            job=job,
            progress=watch,
            max_errors=MAX_REPORTED,
        )


def _end(job_id: int, state: str, **fields: Any) -> bool:
    """Moves the job from ``state`` to its outcome; False if it had left ``state``
    (cancelled, or finished by another run). Through the model, not a queryset
    update: the report is encrypted by its field on save."""
    with transaction.atomic():
        # The lock an UPDATE takes: a concurrent cancel waits, or this sees its result.
        job = (
            ImportJob.objects.select_for_update(no_key=True).filter(pk=job_id, status=state).first()
        )
        if job is None:
            return False
        for name, value in fields.items():
            setattr(job, name, value)
        job.finished_at = timezone.now()
        job.save(update_fields=[*fields, "finished_at"])
    return True


def _invalid(exc: ImportInvalid) -> dict[str, Any]:
    return {
        "status": ImportJob.Status.INVALID,
        "rows": exc.rows,
        "errors": [e.as_list() for e in exc.errors[:MAX_REPORTED]],
        "error_count": exc.count,
    }


@task()
def import_check(job_id: int) -> str:
    """Validates a job's file (a dry run) and records the report. Returns the status."""
    job = _load(job_id)
    state = ImportJob.Status.VALIDATING
    if job.status != state:
        return str(job.status)
    try:
        result = _import(job, dry_run=True, watch=_Watch(job))
    except ImportCancelled:
        pass
    except ImportInvalid as exc:
        _end(job_id, state, **_invalid(exc))
    except Exception:
        logger.exception("import job %s: the check failed", job_id)
        _end(job_id, state, status=ImportJob.Status.FAILED)
    else:
        # Not finished: the job waits for the user's go-ahead.
        ImportJob.objects.filter(pk=job_id, status=state).update(
            status=ImportJob.Status.VALID, rows=result.rows, counts=result.counts()
        )
    return _settle(job_id)


@task()
def import_run(job_id: int) -> str:
    """Imports a confirmed job's file in one transaction. Returns the status."""
    job = _load(job_id)
    state = ImportJob.Status.RUNNING
    if job.status != state:
        return str(job.status)
    try:
        with transaction.atomic():
            result = _import(job, dry_run=False, watch=_Watch(job))
            done = _end(
                job_id,
                state,
                status=ImportJob.Status.DONE,
                rows=result.rows,
                counts=result.counts(),
            )
            if not done:  # cancelled while the rows were written: roll them back
                raise ImportCancelled(job_id)
    except ImportCancelled:
        pass
    except ImportInvalid as exc:
        # The data changed since the check (a term withdrawn, a case edited).
        _end(job_id, state, **_invalid(exc))
    except Exception:
        logger.exception("import job %s failed", job_id)
        _end(job_id, state, status=ImportJob.Status.FAILED)
    return _settle(job_id)


def _settle(job_id: int) -> str:
    """After a run: progress is no longer needed, nor the file of a job that ended."""
    job = ImportJob.objects.get(pk=job_id)
    progress_delete(progress_key(job))
    if job.status not in (ImportJob.Status.VALID, ImportJob.Status.RUNNING):
        discard_file(job)
    return str(job.status)
