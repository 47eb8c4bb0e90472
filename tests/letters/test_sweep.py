"""Letter files no row refers to (a worker killed before its commit) are found after an
hour and removed only when asked; every file a letter holds stays."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from himoya.core.models import AuditEvent
from himoya.core.schedule import schedule
from himoya.letters import sweep, tasks
from tests.conftest import run_queued_tasks
from tests.letters.test_letters import _letter

pytestmark = pytest.mark.django_db

HOUR = 3600


def _stray(name: str, age: float) -> Path:
    """An encrypted file written as the worker writes a letter's, with no row."""
    stored = default_storage.save(name, ContentFile(b"%PDF-1.7 fictional"))
    path = Path(default_storage.path(stored))
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_only_old_files_no_letter_refers_to_are_swept(staff, shipped, capsys, settings, tmp_path):
    # A media root of its own: other tests' letters leave files their rolled-back rows
    # no longer name.
    settings.MEDIA_ROOT = tmp_path
    letter = _letter(staff)
    kept = [
        Path(settings.MEDIA_ROOT) / letter.docx.name,
        Path(settings.MEDIA_ROOT) / letter.pdf.name,
    ]
    for path in kept:
        then = time.time() - 10 * HOUR
        os.utime(path, (then, then))
    old = _stray("letters/2026/deadbeef.pdf", 2 * HOUR)
    young = _stray("letters/2026/cafebabe.docx", 60)

    assert sorted(sweep.orphan_files()) == [old.relative_to(settings.MEDIA_ROOT).as_posix()]
    # Dry run by default: listed, counted in the audit, nothing removed.
    call_command("sweep_letter_files")
    out = capsys.readouterr().out
    assert "found 1 orphan letter file(s)" in out and old.name in out
    assert old.exists() and young.exists()
    event = AuditEvent.objects.get(action="letter.files.sweep")
    assert event.data == {"found": 1, "deleted": 0}

    call_command("sweep_letter_files", "--delete")
    assert "deleted 1 orphan letter file(s)" in capsys.readouterr().out
    assert not old.exists() and young.exists()
    assert all(path.exists() for path in kept)
    assert AuditEvent.objects.filter(action="letter.files.sweep").order_by("seq").last().data == {
        "found": 1,
        "deleted": 1,
    }
    # The letter's files still open.
    letter.refresh_from_db()
    assert letter.pdf.open("rb").read(5) == b"%PDF-"
    # An hour later the young one is an orphan too.
    assert list(sweep.orphan_files(now=time.time() + 2 * HOUR)) == [
        young.relative_to(settings.MEDIA_ROOT).as_posix()
    ]


def test_the_scheduled_sweep_removes_old_orphans(staff, shipped, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    letter = _letter(staff)
    old = _stray("letters/2026/0badf00d.pdf", 2 * HOUR)
    young = _stray("letters/2026/facefeed.pdf", 60)
    assert {job.name for job in schedule.jobs()} >= {"letters.orphan_files"}
    # Queued as the schedule queues it, run by the worker's own code in this process.
    assert tasks.letter_files_sweep_enqueue_daily()
    run_queued_tasks()
    assert not old.exists() and young.exists()
    letter.refresh_from_db()
    assert letter.pdf.open("rb").read(5) == b"%PDF-"
    event = AuditEvent.objects.filter(action="letter.files.sweep").order_by("seq").last()
    assert event is not None and event.data == {"found": 1, "deleted": 1}
