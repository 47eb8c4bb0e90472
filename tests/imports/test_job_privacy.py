"""What an import job keeps (issue 7, finding 6): the uploaded file's name and the
report, whose messages quote cell values, are stored encrypted and shown only to the
uploader's organisation; finished jobs are deleted after a configurable time, with any
file they still hold."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench.generate import csv_bytes, register_rows
from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from himoya.imports.models import ImportJob
from himoya.imports.retention import import_jobs_purge, jobs_purge
from tests.conftest import make_client, run_queued_tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MARK = "Qwzmarkerova"
with_tasks = pytest.mark.django_db(transaction=True, databases=["default", "progress"])


def _raw_rows() -> str:
    """Everything the job table, the task queue and the audit chain hold, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in ("cases_importjob", "django_tasks_database_dbtaskresult", "core_auditevent"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  (fixed names)
            dump.append(repr(cursor.fetchall()))
    return "\n".join(dump)


@with_tasks
def test_file_name_and_quoted_cells_are_stored_encrypted(org: Any, other_org: Any) -> None:
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    client = make_client(coordinator)
    client.post(reverse("set_language"), {"language": "en"})
    rows = list(register_rows(6, seed=11))
    rows[3]["channel"] = f"{MARK}-pigeon"
    rows[4]["external_id"] = rows[1]["external_id"] = f"{MARK}-7"
    upload = SimpleUploadedFile(f"register {MARK} Zarina.csv", csv_bytes(rows))
    client.post(reverse("imports:index"), {"kind": "cases", "file": upload})
    assert run_queued_tasks() == 1
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert job.filename == f"register {MARK} Zarina.csv"
    assert [5, "channel", f"Unknown value “{MARK.lower()}-pigeon”."] in job.errors

    assert MARK not in _raw_rows()

    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert f"register {MARK} Zarina.csv" in html and f"“{MARK.lower()}-pigeon”" in html
    assert f"“{MARK}-7” appears again" in html
    assert f"register {MARK} Zarina.csv" in client.get(reverse("imports:index")).content.decode()
    stranger = make_client(UserFactory(organisation=other_org, role=Role.COORDINATOR))
    assert stranger.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert MARK not in stranger.get(reverse("imports:index")).content.decode()


def test_the_migration_encrypts_the_jobs_already_stored(org: Any) -> None:
    migration = importlib.import_module("himoya.imports.migrations.0002_encrypted_job_report")
    errors = [[4, "channel", f"Unknown value “{MARK}”."]]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_importjob (organisation_id, kind, status, file, filename, "
            "language, rows, errors, error_count, counts, created_at) VALUES "
            "(%s, 'cases', 'invalid', '', %s, 'ru', 6, %s, 1, '{}', now()) RETURNING id",
            [org.pk, f"{MARK}.xlsx", json.dumps(errors, ensure_ascii=False)],
        )
        (pk,) = cursor.fetchone()
    migration.encrypt_rows(None, SimpleNamespace(connection=connection))
    assert MARK not in _raw_rows()
    job = ImportJob.objects.get(pk=pk)
    assert job.filename == f"{MARK}.xlsx" and job.errors == errors
    # Run again (a retried migration), it leaves encrypted rows alone.
    migration.encrypt_rows(None, SimpleNamespace(connection=connection))
    assert ImportJob.objects.get(pk=pk).filename == f"{MARK}.xlsx"


def _job(org: Any, status: str, *, age_days: int, file: bool = True) -> ImportJob:
    at = timezone.now() - dt.timedelta(days=age_days)
    finished = status not in ("validating", "running", "valid")
    job = ImportJob.objects.create(
        organisation=org,
        status=status,
        filename=f"{status}.csv",
        created_at=at - dt.timedelta(minutes=5),
        finished_at=at if finished else None,
    )
    if file:
        job.file.save(f"import-{job.pk}", ContentFile(b"external_id\nR-1\n"), save=True)
    return job


def test_purge_deletes_old_finished_jobs_and_their_files(
    org: Any, other_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old = [_job(org, s, age_days=40) for s in ("done", "invalid", "failed", "cancelled", "valid")]
    old.append(_job(other_org, "done", age_days=31))
    kept = [
        _job(org, "running", age_days=40),
        _job(org, "validating", age_days=40),
        _job(org, "done", age_days=29),
        _job(org, "invalid", age_days=1),
    ]
    storage = ImportJob._meta.get_field("file").storage  # type: ignore[union-attr]
    files = {job.pk: job.file.name for job in old + kept}
    with django_capture_on_commit_callbacks(execute=True):
        deleted = import_jobs_purge(
            actor=SystemActor("test"), older_than=timezone.now() - dt.timedelta(days=30)
        )
    assert deleted == len(old)
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {j.pk for j in kept}
    for job in old:
        assert not storage.exists(files[job.pk])
    for job in kept:
        assert storage.exists(files[job.pk])
    events = {e.organisation_id: e.data for e in AuditEvent.objects.filter(action="register.purge")}
    assert events[org.pk]["count"] == 5 and events[other_org.pk]["count"] == 1
    assert sorted(events[org.pk]["jobs"]) == sorted(j.pk for j in old[:5])
    # Nothing left to do: a second run deletes nothing and records nothing.
    assert import_jobs_purge(actor=SystemActor("test"), older_than=timezone.now()) == 2
    assert import_jobs_purge(actor=SystemActor("test"), older_than=timezone.now()) == 0


def test_purge_is_for_the_instance_operator(org: Any) -> None:
    _job(org, "done", age_days=40, file=False)
    for role in (Role.COORDINATOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            import_jobs_purge(
                actor=UserFactory(organisation=org, role=role), older_than=timezone.now()
            )
    assert ImportJob.objects.count() == 1


def test_the_command_keeps_the_configured_days(org: Any, settings: Any, capsys: Any) -> None:
    settings.HIMOYA_IMPORT_JOB_RETENTION_DAYS = 10
    _job(org, "done", age_days=11, file=False)
    recent = _job(org, "done", age_days=9, file=False)
    call_command("purge_import_jobs")
    assert "deleted 1 import job(s)" in capsys.readouterr().out
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    call_command("purge_import_jobs", "--days", "0")
    assert not ImportJob.objects.exists()


@with_tasks
def test_the_daily_purge_is_queued_once_a_day_and_run_by_a_worker(
    org: Any, settings: Any, capsys: Any
) -> None:
    settings.HIMOYA_IMPORT_JOB_RETENTION_DAYS = 30
    _job(org, "done", age_days=40)
    call_command("purge_import_jobs", "--enqueue")
    call_command("purge_import_jobs", "--enqueue")
    assert capsys.readouterr().out.split() == ["queued", "already", "queued", "today"]
    assert DBTaskResult.objects.filter(task_path=jobs_purge.module_path).count() == 1
    assert run_queued_tasks() == 1
    assert not ImportJob.objects.exists()
    event = AuditEvent.objects.get(action="register.purge")
    assert event.request_id.startswith("task:")
