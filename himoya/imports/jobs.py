"""Imports started from the staff pages: the upload is stored encrypted, checked,
confirmed by the user and imported, each step starting from what the database says."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, User
from himoya.core.audit import audit_record_many
from himoya.core.policies import require
from himoya.imports.models import ImportJob
from himoya.imports.reading import ImportInvalid
from himoya.imports.rules import Progress
from himoya.imports.services import IMPORTERS, ImportResult

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- jobs of the staff pages
#
# The embedded default has no task worker, so a job runs in a background thread of the
# web process: the user uploads, watches the check, confirms and watches the import
# without holding a request open. ``job_check`` and ``job_run`` take a job id and start
# from what the database says, so they can become django-tasks tasks unchanged once the
# instance runs a worker. Progress lives in this process (the import's own transaction
# is invisible to other connections until it commits); the status itself is in the
# database. Tests set HIMOYA_IMPORT_INLINE to run jobs in the request.

_progress: dict[int, tuple[str, int, int]] = {}
_progress_lock = threading.Lock()


def job_progress(job: ImportJob) -> tuple[str, int, int] | None:
    """(phase, done, total) of a job running in this process, if it is."""
    with _progress_lock:
        return _progress.get(job.pk)


def _set_progress(job_id: int) -> Progress:
    def report(phase: str, done: int, total: int) -> None:
        with _progress_lock:
            _progress[job_id] = (phase, done, total)

    return report


def _start(func: Callable[[int], None], job_id: int) -> None:
    if getattr(settings, "HIMOYA_IMPORT_INLINE", False):
        func(job_id)
        return

    def target() -> None:
        try:
            func(job_id)
        finally:
            connection.close()

    transaction.on_commit(
        lambda: threading.Thread(target=target, name=f"import-{job_id}", daemon=True).start()
    )


def upload_limit_mb() -> int:
    return int(settings.HIMOYA_MAX_UPLOAD_BYTES // (1024 * 1024))


def job_create(
    *, actor: Any, organisation: Organisation, kind: str, upload: Any, language: str
) -> ImportJob:
    """Stores an uploaded register (encrypted) and starts checking it."""
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
        _start(job_check, job.pk)
    return job


def _discard_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
        job.file = ""


def _run(job: ImportJob, *, dry_run: bool) -> ImportResult | None:
    importer = IMPORTERS[job.kind]
    actor = job.created_by
    with translation.override(job.language or None), job.file.open("rb") as stream:
        try:
            return importer(
                actor=actor,
                organisation=job.organisation,
                source=stream,
                dry_run=dry_run,
                job=job,
                progress=_set_progress(job.pk),
            )
        except ImportInvalid as exc:
            job.rows = exc.rows
            job.errors = [e.as_list() for e in exc.errors[:MAX_REPORTED]]
            job.error_count = len(exc.errors)
            job.status = ImportJob.Status.INVALID
            return None


MAX_REPORTED = 1000


def job_check(job_id: int) -> None:
    """Validates the job's file (a dry run) and records the report."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.VALIDATING:
        return
    try:
        result = _run(job, dry_run=True)
    except Exception:
        logger.exception("import job %s: the check failed", job_id)
        job.status = ImportJob.Status.FAILED
        result = None
    if result is not None:
        job.status = ImportJob.Status.VALID
        job.rows = result.rows
        job.counts = result.counts()
    else:
        _discard_file(job)
    job.finished_at = timezone.now() if job.status != ImportJob.Status.VALID else None
    job.save()
    with _progress_lock:
        _progress.pop(job.pk, None)


def job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """The user's go-ahead for a checked file: the import runs in the background."""
    require(actor, "imports.run", job.organisation)
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This import cannot be started now."))
        _start(job_run, job.pk)
    job.refresh_from_db()
    return job


def job_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    require(actor, "imports.run", job.organisation)
    with transaction.atomic():
        updated = ImportJob.objects.filter(
            pk=job.pk, status__in=[ImportJob.Status.VALID, ImportJob.Status.INVALID]
        ).update(status=ImportJob.Status.CANCELLED, finished_at=timezone.now())
        if updated:
            job.refresh_from_db()
            _discard_file(job)
            job.save(update_fields=["file"])
            audit_record_many(
                actor=actor,
                organisation=job.organisation,
                entries=[("register.cancel", job, {"kind": job.kind})],
            )
    return job


def job_run(job_id: int) -> None:
    """Imports a confirmed job's file; the file is removed afterwards either way."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.RUNNING:
        return
    try:
        result = _run(job, dry_run=False)
    except Exception:
        logger.exception("import job %s failed", job_id)
        job.status = ImportJob.Status.FAILED
        result = None
    if result is not None:
        job.status = ImportJob.Status.DONE
        job.rows = result.rows
        job.counts = result.counts()
    _discard_file(job)
    job.finished_at = timezone.now()
    job.save()
    with _progress_lock:
        _progress.pop(job.pk, None)
