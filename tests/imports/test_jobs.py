"""A staff-page import end to end: the real views, a real ``himoya worker`` process.

What the web side shows comes from the database alone: the job is queued by one client
(one web session), and every later look at it is made by a new client, as after a restart
of the web process or from another one behind the proxy. To look at the import while it
runs, the test holds the audit chain's lock (on a connection of its own): the worker
writes every row and its progress, then waits to append its audit events, the last step
before its commit, inside its still-open transaction. (Confirming and looking at a job
append no audit event; logging in does, so the clients log in before.)
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bench.generate import csv_bytes, register_rows
from himoya.accounts.models import Role
from himoya.cases.models import Case
from himoya.core.audit import _LOCK_KEY
from himoya.core.models import AuditEvent
from himoya.core.progress import progress_get, progress_key
from himoya.core.workers import requeue_orphans
from himoya.imports.models import ImportJob
from tests.conftest import make_client, until
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "progress"])

ROWS = 300


def _status_page(client: Any, job: ImportJob) -> str:
    """The polled part of the job page, through ``client``."""
    response = client.get(reverse("imports:job_status", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def _status(job: ImportJob) -> str:
    return str(ImportJob.objects.values_list("status", flat=True).get(pk=job.pk))


def _checked_job(org: Any, start_worker: Any) -> tuple[Any, ImportJob, subprocess.Popen[str]]:
    """Uploads a register through the staff page with no worker running, then starts one;
    returns the uploader, the checked job and the worker."""
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    uploading = make_client(coordinator)
    data = csv_bytes(register_rows(ROWS, seed=5))
    response = uploading.post(
        reverse("imports:index"),
        {"kind": "cases", "file": SimpleUploadedFile("r.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    # Queued before any worker exists: the page says so, from any web process.
    page = _status_page(make_client(coordinator), job)
    assert "Waiting for a background worker" in page
    assert "No background worker is running" in page
    del uploading  # the web process that took the upload keeps nothing of the job

    worker = start_worker()
    until(lambda: _status(job) == ImportJob.Status.VALID, "the worker checked the file")
    page = _status_page(make_client(coordinator), job)
    assert f"The file is valid: {ROWS} rows" in page
    assert "No background worker" not in page
    return coordinator, job, worker


@contextlib.contextmanager
def _audit_chain_held() -> Iterator[None]:
    with transaction.atomic(using="progress"), connections["progress"].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        yield


def _confirm_and_hold(client: Any, job: ImportJob) -> None:
    """Confirms the import (the caller holds the audit chain) and waits until the worker
    has written everything and waits to commit."""
    response = client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.status_code == 302

    def written() -> bool:
        progress = progress_get(progress_key(job))
        return progress is not None and progress.phase == "index" and progress.done == ROWS

    until(written, "the worker indexed every row")


def test_progress_of_an_import_in_a_worker_shows_in_any_web_process(
    org: Any, start_worker: Any
) -> None:
    coordinator, job, worker = _checked_job(org, start_worker)
    # Logged in now: a login is audited, and the test will hold the audit chain.
    confirming, watching = make_client(coordinator), make_client(coordinator)

    with _audit_chain_held():
        _confirm_and_hold(confirming, job)
        page = _status_page(watching, job)
        assert "Indexing for search" in page
        assert f"{ROWS} of about {ROWS}" in page
        assert 'hx-trigger="every 1s"' in page
        # The import's transaction is open: nothing of it is visible yet.
        assert Case.objects.count() == 0
        assert _status(job) == ImportJob.Status.RUNNING

    until(lambda: _status(job) == ImportJob.Status.DONE, "the import committed")
    assert Case.objects.filter(organisation=org).count() == ROWS
    page = _status_page(make_client(coordinator), job)
    assert f"Imported {ROWS} rows: {ROWS} created" in page
    assert "hx-trigger" not in page
    summary = AuditEvent.objects.get(action="register.import")
    assert summary.actor_id == coordinator.pk
    [run] = DBTaskResult.objects.filter(task_path="himoya.imports.tasks.import_run")
    assert summary.request_id == f"task:{run.id}"
    assert run.status == TaskResultStatus.SUCCESSFUL and run.return_value == "done"
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0


def test_an_import_whose_worker_dies_is_run_again_whole(org: Any, start_worker: Any) -> None:
    coordinator, job, worker = _checked_job(org, start_worker)
    confirming = make_client(coordinator)

    with _audit_chain_held():
        _confirm_and_hold(confirming, job)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    # Its session goes with it, the import's transaction rolled back; the job still says
    # RUNNING, which is what lets the retry run it.
    [run] = DBTaskResult.objects.filter(task_path="himoya.imports.tasks.import_run")
    until(
        lambda: requeue_orphans(backend_name="default", max_attempts=3) == [str(run.id)],
        "the dead worker's import is requeued",
    )
    assert Case.objects.count() == 0
    assert _status(job) == ImportJob.Status.RUNNING
    assert "No background worker is running" in _status_page(make_client(coordinator), job)

    start_worker()
    until(lambda: _status(job) == ImportJob.Status.DONE, "the second worker imported it")
    assert Case.objects.filter(organisation=org).count() == ROWS
    assert AuditEvent.objects.filter(action="register.import").count() == 1
    assert AuditEvent.objects.filter(action="case.import").count() == ROWS
    run.refresh_from_db()
    assert run.status == TaskResultStatus.SUCCESSFUL and len(run.worker_ids) == 2
