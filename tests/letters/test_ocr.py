"""Answers read by OCR: a real tesseract, a real worker, the case found by a word of the
scan. The scans are generated: text drawn with Pillow in DejaVu Sans (which carries the
Kazakh and Tajik letters) at a size tesseract reads."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import signal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image, ImageDraw, ImageFont

from himoya.cases.models import Case
from himoya.cases.selectors import CaseFilters, case_list
from himoya.core.audit import _LOCK_KEY
from himoya.core.models import AuditEvent
from himoya.core.workers import requeue_orphans
from himoya.letters import ocr, services
from himoya.letters.models import AnswerReading, Letter
from tests.conftest import make_client, run_queued_tasks, until
from tests.letters.test_letters import _letter

# Transactional: the worker runs in its own process and sees only what was committed.
pytestmark = pytest.mark.django_db(transaction=True)

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract is not installed (system-deps.sh)"
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# Fictional answer: Russian, Kazakh and Tajik lines with words found nowhere else.
LINES = [
    "Прокуратура рассмотрела заявление и отказала",
    "Жауап: өтініш қаралды, Құрманғалиұлы хабарланды",
    "Ҷавоб: шикоят баррасӣ шуд, Раҳимов огоҳ карда шуд",
]


def scan(lines: list[str] = LINES) -> Image.Image:
    font = ImageFont.truetype(FONT, 36)
    image = Image.new("L", (1500, 120 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((50, 50 + 80 * i), line, font=font, fill=0)
    return image


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def pdf(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PDF", resolution=150)
    return out.getvalue()


def _sent(staff: Any) -> Letter:
    letter = _letter(staff)
    letter = services.letter_sign(actor=staff.lawyer, letter=letter)
    return services.letter_dispatch(
        actor=staff.lawyer, letter=letter, sent_on=dt.date(2025, 3, 19), channel="post"
    )


def _answer(staff: Any, letter: Letter, content: bytes, name: str) -> Letter:
    return services.letter_answer(
        actor=staff.lawyer,
        letter=letter,
        answered_on=dt.date(2025, 4, 1),
        outcome="refused",
        answer=SimpleUploadedFile(name, content),
    )


def found(user: Any, query: str) -> list[int]:
    return sorted(case_list(user, CaseFilters(q=query)).values_list("pk", flat=True))


@needs_tesseract
def test_a_pdf_scan_is_read_by_the_worker_and_its_case_found_by_a_word(
    staff, shipped, start_worker, english
):
    letter = _sent(staff)
    assert found(staff.lawyer, "Құрманғалиұлы") == []
    _answer(staff, letter, pdf(scan()), "answer.pdf")
    letter.refresh_from_db()
    assert letter.answer_reading == AnswerReading.PENDING
    page = (
        make_client(staff.lawyer)
        .get(f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "is being read by OCR in the background" in page

    start_worker()
    until(
        lambda: Letter.objects.get(pk=letter.pk).answer_reading == AnswerReading.DONE,
        "the worker read the answer",
        timeout=120,
    )
    letter.refresh_from_db()
    assert "Құрманғалиұлы" in letter.answer_text
    # Russian, Kazakh and Tajik words of the scan find the case; another org's staff
    # finds nothing (its key, its cases).
    for word in ("отказала", "Құрманғалиұлы", "шикоят", "Раҳимов"):
        assert found(staff.lawyer, word) == [staff.case.pk], word
    assert found(staff.b_coordinator, "Құрманғалиұлы") == []
    # Sealed at rest, bound to its row.
    raw = Letter.objects.filter(pk=letter.pk).values_list("answer_text", flat=True)[0]
    assert "Құрманғалиұлы" not in str(raw)
    event = AuditEvent.objects.get(action="letter.answer.read")
    assert event.data["reading"] == "done" and event.request_id.startswith("task:")
    page = (
        make_client(staff.lawyer)
        .get(f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Text of the answer (read by OCR" in page


@needs_tesseract
def test_an_unreadable_scan_is_stored_with_a_note(staff, shipped, english):
    letter = _sent(staff)
    blank = Image.new("L", (800, 600), 255)
    ImageDraw.Draw(blank).ellipse((100, 100, 500, 400), outline=0, width=8)
    _answer(staff, letter, png(blank), "photo.png")
    assert run_queued_tasks() == 1
    letter.refresh_from_db()
    assert letter.answer_reading == AnswerReading.UNREADABLE and letter.answer_text == ""
    assert letter.answer  # the file is kept
    page = (
        make_client(staff.lawyer)
        .get(f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "OCR could not read any text" in page


def test_without_tesseract_the_job_notes_it_and_the_page_says_so(
    staff, shipped, english, monkeypatch
):
    letter = _sent(staff)
    _answer(staff, letter, png(scan()), "answer.png")
    # The program is looked up on PATH: an empty PATH is a server without it.
    monkeypatch.setenv("PATH", "")
    assert run_queued_tasks() == 1
    monkeypatch.undo()
    letter.refresh_from_db()
    assert letter.answer_reading == AnswerReading.NOT_INSTALLED
    page = (
        make_client(staff.lawyer)
        .get(f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "OCR is not installed on this server" in page
    assert found(staff.lawyer, "Құрманғалиұлы") == []


def test_a_word_answer_is_read_without_ocr(staff, shipped):
    from tests.letters.test_letters import _docx

    letter = _sent(staff)
    _answer(staff, letter, _docx("Ответ: Выдумкинский районный суд"), "answer.docx")
    run_queued_tasks()
    letter.refresh_from_db()
    assert letter.answer_reading == AnswerReading.DONE
    assert found(staff.lawyer, "Выдумкинский") == [staff.case.pk]
    # The answer's text survives a rebuild of the index from the cases.
    from himoya.search.services import rebuild_index

    rebuild_index(owner_type=Case)
    assert found(staff.lawyer, "Выдумкинский") == [staff.case.pk]


@needs_tesseract
@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_a_worker_killed_while_reading_leaves_nothing_half_written_and_it_is_retried(
    staff, shipped, start_worker
):
    letter = _sent(staff)
    _answer(staff, letter, png(scan()), "answer.png")
    # Holding the audit chain stops the job at its last step, inside its transaction.
    with transaction.atomic(using="progress"), connections["progress"].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        worker = start_worker()

        def waiting() -> bool:
            with connection.cursor() as c:
                c.execute("SELECT count(*) FROM pg_locks WHERE locktype='advisory' AND NOT granted")
                return bool(c.fetchone()[0])

        until(waiting, "the job waits to write its audit event", timeout=120)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    letter.refresh_from_db()
    assert letter.answer_reading == AnswerReading.PENDING and letter.answer_text is None
    [run] = DBTaskResult.objects.filter(task_path="himoya.letters.ocr.letter_answer_read")
    until(
        lambda: requeue_orphans(backend_name="default", max_attempts=3) == [str(run.id)],
        "the dead worker's job is requeued",
    )
    start_worker()
    until(
        lambda: Letter.objects.get(pk=letter.pk).answer_reading == AnswerReading.DONE,
        "a second worker read it",
        timeout=120,
    )
    run.refresh_from_db()
    assert run.status == TaskResultStatus.SUCCESSFUL and len(run.worker_ids) == 2
    assert AuditEvent.objects.filter(action="letter.answer.read").count() == 1
    assert found(staff.lawyer, "шикоят") == [staff.case.pk]


def test_page_images_refuses_what_is_not_a_document() -> None:
    with pytest.raises(ocr.Unreadable):
        list(ocr.page_images(b"%PDF-1.4 broken", ocr.uploads.PDF))
