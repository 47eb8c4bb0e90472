"""`himoya import-trainings` and the `trainings` block of `himoya stats`, exactly as
shared/interchange.md says, with the contract's own examples (seed 001: role play with
50 penitentiary staff; seed 002: training for lawyers)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from himoya.core.models import AuditEvent
from himoya.outreach.models import Training
from himoya.stats.report import report_csv
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = [
    "external_id",
    "held_on",
    "topic",
    "audience",
    "participants",
    "language",
    "place",
    "url",
]
ROWS = [
    [
        "T-001",
        "2024-03-14",
        "Ролевая игра: документирование пыток",
        "penitentiary_staff",
        "50",
        "ru",
        "Караганда",
        "",
    ],
    ["T-002", "2024-05-20", "Тренинг для адвокатов", "lawyers", "18", "kk", "", ""],
    [
        "T-003",
        "2024-11-02",
        "Стамбульский протокол",
        "lawyers; medical_staff;prosecutors",
        "25",
        "",
        "",
        "https://example.org/materials",
    ],
    ["T-004", "2023-12-31", "Семинар прошлого года", "ngo", "12", "tg", "", ""],
]


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stats(*args: str) -> dict[str, Any]:
    out, _err = run("stats", "--format", "json", *args)
    result: dict[str, Any] = json.loads(out)
    return result


def test_import_then_stats_count_the_year(org: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", ROWS)
    out, _err = run("import_trainings", str(path), "--org", org.slug)
    assert "4 created" in out
    lawyers = Training.objects.get(organisation=org, external_id="T-003")
    # Canonical order, repeats and spaces gone.
    assert lawyers.audiences == ["lawyers", "prosecutors", "medical_staff"]
    assert lawyers.url == "https://example.org/materials"
    assert stats("--year", "2024", "--org", org.slug)["trainings"] == {
        "total": 3,
        "participants": 93,
        "by_audience": {
            "lawyers": 2,
            "medical_staff": 1,
            "penitentiary_staff": 1,
            "prosecutors": 1,
        },
    }
    assert stats("--year", "2023")["trainings"] == {
        "total": 1,
        "participants": 12,
        "by_audience": {"ngo": 1},
    }
    assert stats("--year", "2022")["trainings"] == {
        "total": 0,
        "participants": 0,
        "by_audience": {},
    }
    assert AuditEvent.objects.filter(action="training.import").count() == 4


def test_reimport_updates_and_changes_nothing_else(org: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", ROWS)
    run("import_trainings", str(path), "--org", org.slug)
    out, _err = run("import_trainings", str(path), "--org", org.slug)
    assert "0 created, 0 updated, 4 unchanged" in out
    changed = [list(r) for r in ROWS]
    changed[0][4] = "55"
    write(path, changed)
    out, _err = run("import_trainings", str(path), "--org", org.slug)
    assert "0 created, 1 updated, 3 unchanged" in out
    assert Training.objects.get(organisation=org, external_id="T-001").participants == 55
    assert stats("--year", "2024")["trainings"]["participants"] == 98


def test_bad_rows_are_all_reported_and_nothing_is_written(org: Any, tmp_path: Path) -> None:
    bad = [
        ["T-1", "2024-02-30", "Тема", "lawyers", "10", "", "", ""],
        ["T-2", "2024-02-01", "", "jurors", "-3", "xx", "", "ftp://x"],
        ["T-1", "2024-02-01", "Тема", "", "ten", "", "", ""],
        ["T-4", "2024-02-01", "Тема", "police", "7", "", "", ""],
    ]
    path = write(tmp_path / "t.csv", bad)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_trainings", str(path), org=org.slug, stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    for where in (
        "line 2, column held_on",
        "line 3, column topic",
        "line 3, column audience",
        "line 3, column participants",
        "line 3, column language",
        "line 3, column url",
        "line 4, column external_id",
        "line 4, column audience",
        "line 4, column participants",
    ):
        assert where in text, where
    assert "line 5" not in text
    assert not Training.objects.exists()


def test_unknown_column_and_missing_column_are_errors(org: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", [[*ROWS[0], "x"]], [*HEADER, "trainer"])
    with pytest.raises(CommandError):
        run("import_trainings", str(path), "--org", org.slug)
    path = write(tmp_path / "t.csv", [r[:4] + r[5:] for r in ROWS], HEADER[:4] + HEADER[5:])
    with pytest.raises(CommandError):
        run("import_trainings", str(path), "--org", org.slug)
    assert not Training.objects.exists()


def test_organisations_are_counted_apart(org: Any, tmp_path: Path) -> None:
    other = OrganisationFactory(slug="gamma", country="TJ")
    run("import_trainings", str(write(tmp_path / "a.csv", ROWS[:1])), "--org", org.slug)
    run("import_trainings", str(write(tmp_path / "b.csv", ROWS[1:2])), "--org", other.slug)
    assert stats("--year", "2024", "--org", org.slug)["trainings"]["by_audience"] == {
        "penitentiary_staff": 1
    }
    assert stats("--year", "2024", "--org", "gamma")["trainings"]["by_audience"] == {"lawyers": 1}
    assert stats("--year", "2024")["trainings"]["total"] == 2


def test_csv_report_carries_the_trainings(org: Any, tmp_path: Path) -> None:
    run("import_trainings", str(write(tmp_path / "t.csv", ROWS)), "--org", org.slug)
    out, _err = run("stats", "--year", "2024", "--format", "csv")
    assert "trainings,participants,93\n" in out
    assert "trainings.by_audience,lawyers,2\n" in out
    assert report_csv(stats("--year", "2024")) == out
