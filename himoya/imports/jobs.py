"""Imports started from the staff pages: the upload is stored encrypted, checked by a
worker, confirmed by the user and imported by a worker (``imports.tasks``).

Every step starts from what the database says (the job's status, the progress rows), so
any web process can show a job and none keeps anything of it: a web process restarted in
the middle of an import loses nothing.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from himoya.accounts.models import Organisation, User
from himoya.core.audit import audit_record_many
from himoya.core.models import JobProgress
from himoya.core.policies import require
from himoya.core.progress import progress_get, progress_key
from himoya.core.tasks import enqueue_on_commit
from himoya.imports import tasks
from himoya.imports.importers import IMPORTERS
from himoya.imports.models import ImportJob

ACTIVE = (ImportJob.Status.VALIDATING, ImportJob.Status.RUNNING)
CANCELLABLE = (*ACTIVE, ImportJob.Status.VALID, ImportJob.Status.INVALID)


def upload_limit_mb() -> int:
    return int(settings.HIMOYA_MAX_UPLOAD_BYTES // (1024 * 1024))


def job_progress(job: ImportJob) -> JobProgress | None:
    """How far the worker has got with an active job, as every web process sees it;
    None while no worker has started it."""
    if job.status not in ACTIVE:
        return None
    return progress_get(progress_key(job))


def job_given_up(job: ImportJob) -> ImportJob:
    """Marks FAILED an active job whose last task was given up: its workers kept dying
    (``himoya worker --max-attempts``), so no worker will run it again. Called when the
    job is looked at; nothing changes while a task for it is queued or running."""
    if job.status not in ACTIVE:
        return job
    task = tasks.import_check if job.status == ImportJob.Status.VALIDATING else tasks.import_run
    last = (
        DBTaskResult.objects.filter(task_path=task.module_path, args_kwargs__args=[job.pk])
        .order_by("-enqueued_at")
        .values_list("status", flat=True)
        .first()
    )
    if last == TaskResultStatus.FAILED:
        with transaction.atomic():
            if ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportJob.Status.FAILED, finished_at=timezone.now()
            ):
                tasks.discard_file(job)
        job.refresh_from_db()
    return job


def job_create(
    *, actor: Any, organisation: Organisation, kind: str, upload: Any, language: str
) -> ImportJob:
    """Stores an uploaded register (encrypted) and queues its check."""
    require(actor, "imports.run", organisation)
    if kind not in IMPORTERS:
        raise ValidationError({"kind": _("Unknown value “%(value)s”.") % {"value": kind}})
    if upload is None or upload.size > settings.HIMOYA_MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": _("Choose a file of at most %(mb)s MB.") % {"mb": upload_limit_mb()}}
        )
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=organisation,
            kind=kind,
            filename=os.path.basename(upload.name or "")[:200],
            language=language,
            created_by=actor if isinstance(actor, User) else None,
        )
        job.file.save(f"import-{job.pk}", upload, save=True)
        audit_record_many(
            actor=actor,
            organisation=organisation,
            entries=[("register.upload", job, {"kind": kind, "bytes": upload.size})],
        )
        enqueue_on_commit(tasks.import_check, job.pk)
    return job


def job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """The user's go-ahead for a checked file: the import is queued for a worker."""
    require(actor, "imports.run", job.organisation)
    with transaction.atomic():
        # RUNNING from here on, queued or not: the task runs a job only in this state,
        # and a worker that dies leaves it so, which lets the requeued task run it again.
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This import cannot be started now."))
        enqueue_on_commit(tasks.import_run, job.pk)
    job.refresh_from_db()
    return job


def job_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    """Cancels a job that has not finished. A queued job never runs; a job a worker is
    checking or importing stops at its next batch of rows and its transaction rolls back,
    so nothing of it is imported. An import that reached its commit first ends as
    imported, and then the cancellation does nothing."""
    require(actor, "imports.run", job.organisation)
    with transaction.atomic():
        # Waits, at most for the import's commit, if the worker is finishing the job.
        updated = ImportJob.objects.filter(pk=job.pk, status__in=CANCELLABLE).update(
            status=ImportJob.Status.CANCELLED, finished_at=timezone.now()
        )
        if updated:
            job.refresh_from_db()
            tasks.discard_file(job)
            audit_record_many(
                actor=actor,
                organisation=job.organisation,
                entries=[("register.cancel", job, {"kind": job.kind})],
            )
    return job
