"""The trainings register through the staff import page: the same upload, the same
background job and the same service as `himoya import-trainings`, so the page and the
CLI accept, refuse and report a file identically (shared/interchange.md, "Trainings
import"); and who may not use it."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from himoya.imports.importers import IMPORTERS
from himoya.imports.management.commands import import_trainings as cli
from himoya.imports.models import ImportJob
from himoya.imports.reading import ImportInvalid
from himoya.imports.trainings import import_trainings
from himoya.imports.views import UploadForm
from himoya.outreach.models import Training
from tests.conftest import make_client, run_queued_tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
with_tasks = pytest.mark.django_db(transaction=True, databases=["default", "progress"])

HEADER = ["external_id", "held_on", "topic", "audience", "participants", "language", "place"]
GOOD = [
    ["S-1", "2024-03-14", "Ролевая игра: документирование пыток", "penitentiary_staff", "50", "ru"],
    ["S-2", "2024-05-20", "Адвокаттарға арналған тренинг", "lawyers;prosecutors", "18", "kk"],
    ["S-3", "2024-06-02", "Протоколи Истанбул барои табибон", "medical_staff", "12", "tg"],
]
# Three problems on two rows; the good first row must not be written either.
BAD = [
    GOOD[0],
    ["S-2", "2024-02-30", "Семинар", "wardens", "18", "kk"],
    ["S-3", "2024-06-02", "Семинар", "lawyers", "двадцать", "tg"],
]


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Any, data: bytes, name: str = "trainings.csv") -> Any:
    return client.post(
        reverse("imports:index"),
        {"kind": "trainings", "file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def coordinator_client(org: Any) -> tuple[Any, Any]:
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    client = make_client(coordinator)
    client.post(reverse("set_language"), {"language": "en"})
    return coordinator, client


def test_the_page_and_the_cli_run_one_definition() -> None:
    assert IMPORTERS[ImportJob.Kind.TRAININGS] is import_trainings
    assert cli.import_trainings is import_trainings
    # The upload form offers every kind a job can run, trainings among them.
    offered = [value for value, _label in UploadForm().fields["kind"].choices]  # type: ignore[attr-defined]
    assert offered == list(IMPORTERS) and "trainings" in offered


@with_tasks
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_upload_check_confirm_import_trainings(org: Any, fmt: str) -> None:
    coordinator, client = coordinator_client(org)
    data = csv_bytes(GOOD) if fmt == "csv" else xlsx_bytes(GOOD)
    response = upload(client, data, name=f"seminars.{fmt}")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == ImportJob.Kind.TRAININGS
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID and job.rows == 3
    assert job.counts["created"] == 3
    assert not Training.objects.exists()  # checked, not imported yet
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and not job.file
    trainings = {t.external_id: t for t in Training.objects.filter(organisation=org)}
    assert trainings["S-2"].audiences == ["lawyers", "prosecutors"]
    assert trainings["S-2"].topic == "Адвокаттарға арналған тренинг"
    assert trainings["S-3"].participants == 12 and trainings["S-3"].language == "tg"
    # The uploader is the actor of every event, as in the request.
    summary = AuditEvent.objects.get(action="register.import")
    assert summary.actor_id == coordinator.pk
    assert summary.data["kind"] == "trainings" and summary.data["job"] == job.pk
    assert AuditEvent.objects.filter(action="training.import").count() == 3
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert reverse("outreach:trainings") in page
    listed = client.get(reverse("outreach:trainings")).content.decode()
    assert "Протоколи Истанбул барои табибон" in listed

    # The same file again updates nothing; a changed row updates that training.
    changed = [row[:] for row in GOOD]
    changed[0][4] = "55"
    upload(client, csv_bytes(changed))
    run_queued_tasks()
    again = ImportJob.objects.order_by("-pk").first()
    assert again is not None and again.counts == {**again.counts, "created": 0, "updated": 1}


@with_tasks
def test_a_bad_row_imports_nothing_and_names_each_row_as_the_cli_does(
    org: Any, tmp_path: Path
) -> None:
    _coordinator, client = coordinator_client(org)
    upload(client, csv_bytes(BAD))
    run_queued_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and job.error_count == 3
    assert job.errors == [
        [3, "held_on", "Enter the date as YYYY-MM-DD."],
        [3, "audience", "Unknown value “wardens”."],
        [4, "participants", "Enter a whole number, 0 or more."],
    ]
    assert not Training.objects.exists() and not job.file
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "wardens" in html and reverse("imports:job_confirm", args=[job.pk]) not in html

    # The service the CLI calls reports exactly the same, and writes nothing either.
    with pytest.raises(ImportInvalid) as raised:
        import_trainings(
            actor=SystemActor("test"), organisation=org, source=io.BytesIO(csv_bytes(BAD))
        )
    assert [e.as_list() for e in raised.value.errors] == job.errors
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(BAD))
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_trainings", str(path), "--org", org.slug, stderr=err)
    for line, column, reason in job.errors:
        assert f"line {line}, column {column}: {reason}" in err.getvalue()
    assert not Training.objects.exists()


@pytest.mark.parametrize("role", [Role.LAWYER, Role.ANALYST, Role.INTAKE, Role.MONITOR])
def test_only_importers_may_upload_trainings(org: Any, role: str) -> None:
    client = make_client(UserFactory(organisation=org, role=role))
    assert upload(client, csv_bytes(GOOD)).status_code == 403
    assert not ImportJob.objects.exists() and not Training.objects.exists()


@with_tasks
def test_another_organisations_trainings_job_answers_404(org: Any, other_org: Any) -> None:
    _coordinator, client = coordinator_client(org)
    upload(client, csv_bytes(GOOD))
    run_queued_tasks()
    job = ImportJob.objects.get()
    stranger = make_client(UserFactory(organisation=other_org, role=Role.COORDINATOR))
    assert stranger.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert stranger.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID
    assert run_queued_tasks() == 0 and not Training.objects.exists()
