"""How long an import job is kept: a finished job (its encrypted file name and report)
is deleted ``HIMOYA_IMPORT_JOB_RETENTION_DAYS`` after it ended, by the daily task
``jobs_purge`` (``himoya purge-import-jobs --enqueue`` from a timer) or by
``himoya purge-import-jobs`` itself. What was imported stays; only the record of the
upload goes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from himoya.accounts.models import Organisation
from himoya.core.audit import audit_record
from himoya.core.policies import require
from himoya.core.tasks import enqueue_once_a_day, task, task_actor
from himoya.imports.models import ImportJob

S = ImportJob.Status
FINISHED = (S.DONE, S.INVALID, S.FAILED, S.CANCELLED)
# An audit event lists at most this many job ids; beyond, it gives their count.
_IDS_LISTED = 1000


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.HIMOYA_IMPORT_JOB_RETENTION_DAYS)


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def import_jobs_purge(*, actor: Any, older_than: dt.datetime) -> int:
    """Deletes the import jobs that ended before ``older_than``, and those checked
    before it and never confirmed (they still hold the uploaded file), with their files;
    one ``register.purge`` event per organisation. Jobs being checked or imported are
    kept, whatever their age. Returns how many jobs were deleted."""
    require(actor, "imports.purge")
    old = Q(status__in=FINISHED, ended__lt=older_than) | Q(
        status=S.VALID, created_at__lt=older_than
    )
    with transaction.atomic():
        jobs = list(
            ImportJob.objects.annotate(ended=Coalesce("finished_at", "created_at"))
            .filter(old)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", "organisation_id", "file")
        )
        if not jobs:
            return 0
        by_org: dict[int, list[int]] = defaultdict(list)
        for pk, org_id, _file in jobs:
            by_org[org_id].append(pk)
        ImportJob.objects.filter(pk__in=[pk for pk, _org, _file in jobs]).delete()
        organisations = Organisation.objects.in_bulk(list(by_org))
        for org_id, ids in sorted(by_org.items()):
            audit_record(
                actor=actor,
                action="register.purge",
                organisation=organisations[org_id],
                data={
                    "count": len(ids),
                    "jobs": ids[:_IDS_LISTED],
                    "older_than": older_than.isoformat(),
                },
            )
        # After the commit: a rolled-back purge keeps its jobs' files.
        storage = ImportJob._meta.get_field("file").storage
        transaction.on_commit(partial(_delete_files, storage, [f for _p, _o, f in jobs if f]))
    return len(jobs)


@task()
def jobs_purge() -> int:
    """Deletes the jobs past their retention; idempotent (a second run finds none)."""
    return import_jobs_purge(actor=task_actor(), older_than=retention_cutoff())


def jobs_purge_enqueue_daily() -> bool:
    """Queues ``jobs_purge`` unless it was queued today (``enqueue_once_a_day``);
    returns whether it did."""
    return enqueue_once_a_day(jobs_purge)
