"""The daily sweep of ``.part`` files a killed process left: queued once a day, run by a
worker, deleting only leftovers older than a day (a write under way is younger)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from himoya.evidence import files
from himoya.evidence.tasks import stale_parts_sweep
from tests.conftest import run_queued_tasks

with_tasks = pytest.mark.django_db(transaction=True, databases=["default", "progress"])


def _part(media: Path, name: str, age_hours: float) -> Path:
    path = media / "evidence" / "7" / f"{name}.hmy.part"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"HMYF half written")
    then = time.time() - age_hours * 3600
    os.utime(path, (then, then))
    return path


def test_only_parts_older_than_a_day_are_deleted(media: Path) -> None:
    old = _part(media, "old", 25)
    fresh = _part(media, "fresh", 2)
    finished = media / "evidence" / "7" / "done.hmy"
    finished.write_bytes(b"HMYF complete")
    os.utime(finished, (0, 0))
    assert list(files.stale_parts()) == [old]
    assert files.sweep_stale_parts() == 1
    assert not old.exists()
    assert fresh.exists() and finished.exists()
    assert files.sweep_stale_parts() == 0


def test_the_command_sweeps_without_a_worker(media: Path, capsys: Any) -> None:
    _part(media, "a", 48)
    _part(media, "b", 30)
    call_command("sweep_evidence_parts")
    assert "deleted 2 stale part file(s)" in capsys.readouterr().out
    assert not list(media.rglob("*.part"))


@with_tasks
def test_the_daily_sweep_is_queued_once_a_day_and_run_by_a_worker(media: Path, capsys: Any) -> None:
    old = _part(media, "old", 26)
    fresh = _part(media, "fresh", 1)
    call_command("sweep_evidence_parts", "--enqueue")
    call_command("sweep_evidence_parts", "--enqueue")
    assert capsys.readouterr().out.split() == ["queued", "already", "queued", "today"]
    assert DBTaskResult.objects.filter(task_path=stale_parts_sweep.module_path).count() == 1
    assert run_queued_tasks() == 1
    assert not old.exists()
    assert fresh.exists()
