"""Staff pages under /staff/register/: upload, validation report, confirm, progress,
statistics; and the forbidden paths."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from bench.generate import csv_bytes, register_rows
from himoya.accounts.models import Role
from himoya.cases.models import Case
from himoya.core.models import AuditEvent, JobProgress
from himoya.core.policies import SystemActor
from himoya.core.workers import requeue_orphans
from himoya.imports.models import ImportJob
from himoya.imports.services import import_cases
from himoya.imports.tasks import import_run
from himoya.stats.report import yearly_stats
from tests.conftest import make_client, run_queued_tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# Jobs run as tasks: these tests commit (so the tasks are queued) and run the queue in
# this process; tests/imports/test_jobs.py runs them in a real `himoya worker`.
with_tasks = pytest.mark.django_db(transaction=True, databases=["default", "progress"])


def user(org: Any, role: str) -> Any:
    return UserFactory(organisation=org, role=role)


def upload(client: Any, data: bytes, name: str = "register.csv", kind: str = "cases") -> Any:
    return client.post(
        reverse("imports:index"),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


@with_tasks
def test_upload_check_confirm_import(org: Any) -> None:
    coordinator = user(org, Role.COORDINATOR)
    client = make_client(coordinator)
    assert client.get(reverse("imports:index")).status_code == 200
    response = upload(client, csv_bytes(register_rows(60, seed=8)))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJob.Status.VALIDATING  # queued for a worker
    waiting = client.get(reverse("imports:job_status", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Waiting for a background worker" in waiting.content.decode()
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID and job.rows == 60
    assert job.counts["created"] == 60
    assert Case.objects.count() == 0  # checked, not imported yet
    page = client.get(reverse("imports:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert reverse("imports:job_confirm", args=[job.pk]) in page.content.decode()
    response = client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and Case.objects.count() == 0
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.counts["created"] == 60
    assert not job.file  # the uploaded file is not kept
    assert not JobProgress.objects.exists()  # nor the progress of a finished job
    assert Case.objects.filter(organisation=org).count() == 60
    summary = AuditEvent.objects.get(action="register.import")
    assert summary.data["job"] == job.pk and summary.data["created"] == 60
    # As in the request: the uploader is the actor; the task is the request.
    assert summary.actor_id == coordinator.pk
    assert summary.request_id.startswith("task:")
    assert AuditEvent.objects.filter(action="register.upload", object_id=str(job.pk)).exists()
    # A second confirmation does nothing, nor does running the task again.
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert run_queued_tasks() == 0
    assert import_run.call(job.pk) == ImportJob.Status.DONE
    assert Case.objects.count() == 60


@with_tasks
def test_invalid_file_lists_each_problem_in_the_users_language(org: Any) -> None:
    client = make_client(user(org, Role.COORDINATOR))
    rows = list(register_rows(20, seed=8))
    rows[2]["channel"] = "pigeon"
    rows[6]["received_on"] = "2024-02-30"
    client.post(reverse("set_language"), {"language": "en"})
    upload(client, csv_bytes(rows))
    run_queued_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and job.error_count == 2
    assert job.errors == [
        [4, "channel", "Unknown value “pigeon”."],
        [8, "received_on", "Enter the date as YYYY-MM-DD."],
    ]
    assert not job.file
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "pigeon" in html and "received_on" in html
    assert reverse("imports:job_confirm", args=[job.pk]) not in html
    assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 302
    assert Case.objects.count() == 0


def test_running_job_is_polled_with_htmx(org: Any) -> None:
    coordinator = user(org, Role.COORDINATOR)
    job = ImportJob.objects.create(
        organisation=org, created_by=coordinator, status=ImportJob.Status.RUNNING
    )
    client = make_client(coordinator)
    html = client.get(reverse("imports:job_status", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("imports:job_status", args=[job.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "<script" not in html and "style=" not in html
    # No worker holds its liveness lock on this database: the page says so.
    assert (
        "No background worker is running"
        in client.get(
            reverse("imports:job_status", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    )
    job.status = ImportJob.Status.DONE
    job.save()
    html = client.get(reverse("imports:job_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in html


def test_oversize_upload_is_refused_before_storage(org: Any, settings: Any) -> None:
    settings.HIMOYA_MAX_UPLOAD_BYTES = 2000
    client = make_client(user(org, Role.COORDINATOR))
    response = upload(client, csv_bytes(register_rows(200, seed=1)))
    assert response.status_code in (400, 413)
    assert not ImportJob.objects.exists()


def test_lawyer_cannot_import(org: Any) -> None:
    client = make_client(user(org, Role.LAWYER))
    assert client.get(reverse("imports:index")).status_code == 403
    assert upload(client, csv_bytes(register_rows(3, seed=1))).status_code == 403
    assert not ImportJob.objects.exists()


@with_tasks
def test_other_organisations_jobs_answer_404(org: Any, other_org: Any) -> None:
    owner = user(org, Role.COORDINATOR)
    upload(make_client(owner), csv_bytes(register_rows(5, seed=1)))
    run_queued_tasks()
    job = ImportJob.objects.get()
    stranger = make_client(user(other_org, Role.COORDINATOR))
    for name in ("imports:job", "imports:job_status"):
        assert stranger.get(reverse(name, args=[job.pk])).status_code == 404
    for name in ("imports:job_confirm", "imports:job_cancel"):
        assert stranger.post(reverse(name, args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID
    assert Case.objects.count() == 0


def test_analyst_sees_only_own_organisation_statistics(org: Any, other_org: Any) -> None:
    system = SystemActor("test")

    import_cases(
        actor=system, organisation=org, source=io.BytesIO(csv_bytes(register_rows(30, seed=1)))
    )
    import_cases(
        actor=system,
        organisation=other_org,
        source=io.BytesIO(csv_bytes(register_rows(50, seed=2, prefix="B"))),
    )
    year = 2022
    own = yearly_stats(actor=system, year=year, organisation=org)
    # The page adds the appeals by place of detention and by office; the download is the
    # contract's.
    with_places = yearly_stats(actor=system, year=year, organisation=org, places=True, offices=True)
    analyst = make_client(user(org, Role.ANALYST))
    with translation.override("en"):
        page = analyst.get(reverse("stats:report"), {"year": year})
    assert page.status_code == 200
    assert page.context["report"] == with_places
    in_english = analyst.get(reverse("stats:report"), {"year": year}, HTTP_ACCEPT_LANGUAGE="en")
    assert "<td>Kazakhstan</td>" in in_english.content.decode()  # countries by name, not code
    download = analyst.get(reverse("stats:download", args=[year, "json"]))
    assert json.loads(download.content) == own
    assert own != yearly_stats(actor=system, year=year)  # org B's rows are not in it
    for fmt in ("csv", "xlsx"):
        response = analyst.get(reverse("stats:download", args=[year, fmt]))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert analyst.get(reverse("imports:index")).status_code == 403
    lawyer = make_client(user(org, Role.LAWYER))
    assert lawyer.get(reverse("stats:report")).status_code == 403


@with_tasks
def test_report_is_in_the_uploaders_language(org: Any) -> None:
    client = make_client(user(org, Role.COORDINATOR))
    rows = list(register_rows(5, seed=8))
    rows[1]["channel"] = "pigeon"
    client.post(reverse("set_language"), {"language": "ru"})
    upload(client, csv_bytes(rows))
    # The worker has no request: the language is the one recorded with the job.
    with translation.override("en"):
        run_queued_tasks()
    job = ImportJob.objects.get()
    assert job.language == "ru"
    [[line, column, reason]] = job.errors
    assert (line, column) == (3, "channel")
    with translation.override("ru"):
        assert reason == gettext("Unknown value “%(value)s”.") % {"value": "pigeon"}
    assert reason != "Unknown value “pigeon”."


@with_tasks
def test_a_queued_job_cancelled_never_runs(org: Any) -> None:
    client = make_client(user(org, Role.COORDINATOR))
    upload(client, csv_bytes(register_rows(5, seed=1)))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALIDATING and job.file
    client.post(reverse("imports:job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and not job.file
    assert run_queued_tasks() == 1  # the check runs, finds the job cancelled, does nothing
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and job.rows == 0


@with_tasks
def test_a_confirmed_import_cancelled_before_a_worker_takes_it_imports_nothing(
    org: Any,
) -> None:
    client = make_client(user(org, Role.COORDINATOR))
    upload(client, csv_bytes(register_rows(5, seed=1)))
    run_queued_tasks()
    job = ImportJob.objects.get()
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert reverse("imports:job_cancel", args=[job.pk]) in html
    client.post(reverse("imports:job_cancel", args=[job.pk]))
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert Case.objects.count() == 0
    assert AuditEvent.objects.filter(action="register.cancel", object_id=str(job.pk)).exists()
    assert not AuditEvent.objects.filter(action="register.import").exists()


@with_tasks
def test_an_import_given_up_after_its_workers_died_shows_as_failed(org: Any) -> None:
    coordinator = user(org, Role.COORDINATOR)
    client = make_client(coordinator)
    upload(client, csv_bytes(register_rows(5, seed=1)))
    job = ImportJob.objects.get()
    queued = DBTaskResult.objects.get()
    queued.claim("hw-gone-1")  # a himoya worker that no longer holds its lock
    assert requeue_orphans(backend_name="default", max_attempts=1) == [str(queued.id)]
    html = client.get(reverse("imports:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not job.file
    assert "The import failed and nothing was imported" in html.content.decode()
