"""A batch's letters on a real ``himoya worker`` that is killed with SIGKILL in the middle
of the batch: after a new worker starts, every letter has both its files, none is
half-written, and each was made once."""

from __future__ import annotations

import io
import signal
import zipfile

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from himoya.core.models import AuditEvent
from himoya.core.workers import requeue_orphans
from himoya.letters import batches
from himoya.letters.models import Generation, Letter
from tests.conftest import until
from tests.letters.test_batches import COMMON, _case
from tests.letters.test_letters import _prosecutor, _statement

pytestmark = pytest.mark.django_db(transaction=True)

LETTERS = 8
TASK = "himoya.letters.generation.letter_generate"


def _done() -> int:
    return Letter.objects.filter(generation=Generation.DONE).count()


def test_a_worker_killed_mid_batch_loses_no_letter(staff, shipped, start_worker):
    cases = [_case(staff, f"Вымышленный Задержанный {n}") for n in range(LETTERS)]
    batch = batches.letter_batch_create(
        actor=staff.lawyer,
        recipient=_prosecutor(),
        template=_statement(),
        cases=cases,
        common=COMMON,
    )
    assert DBTaskResult.objects.filter(task_path=TASK).count() == LETTERS

    worker = start_worker()
    until(
        lambda: _done() >= 1 and DBTaskResult.objects.filter(task_path=TASK).running().exists(),
        "the worker made a letter and is making the next",
        timeout=240,
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    interrupted = _done()
    assert 1 <= interrupted < LETTERS
    # A letter is ready with both files, or pending with none: never in between.
    for letter in Letter.objects.filter(batch=batch):
        assert bool(letter.docx) == bool(letter.pdf) == (letter.generation == Generation.DONE)
    [running] = DBTaskResult.objects.filter(task_path=TASK).running()
    until(
        lambda: requeue_orphans(backend_name="default", max_attempts=3) == [str(running.id)],
        "the dead worker's letter is requeued",
    )

    start_worker()
    until(lambda: _done() == LETTERS, "a new worker made every letter", timeout=600)
    for letter in Letter.objects.filter(batch=batch):
        assert letter.generation == Generation.DONE and letter.generation_error == ""
        with letter.docx.open("rb") as f:
            assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(f.read())).namelist()
        with letter.pdf.open("rb") as f:
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages)
        assert "ЗАЯВЛЕНИЕ" in text
    assert batches.batch_progress(batch)["done"] == LETTERS
    # Each letter was made once: the retried job of the killed one wrote its only event.
    assert AuditEvent.objects.filter(action="letter.generate").count() == LETTERS
    results = DBTaskResult.objects.filter(task_path=TASK)
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in results)
    running.refresh_from_db()
    assert len(running.worker_ids) == 2
