"""Reading the scan of an answer (OCR), so that what the authorities wrote back is found
by the case's search.

The answer is read by the background worker (``letter_answer_read``), queued by
``services.letter_answer`` when a file comes with the answer. A PDF is rasterised page by
page with pypdfium2, an image is normalised with Pillow, and each page goes to the
``tesseract`` program (Debian's tesseract-ocr with its Russian, Kazakh and Tajik data,
``scripts/system-deps.sh``) through a pipe: the page goes in on stdin and the text comes
back on stdout, so no decrypted scan or text is ever written to a temporary file. That is
also why this calls the program directly rather than through pytesseract, which writes
both to temporary files and would add a dependency for a one-line command. A Word
answer has its text already: it is read with python-docx.

The text is sealed on the letter (``Letter.answer_text``) and added to its case's search
document (``answer_texts_by_case``, registered with ``cases.services.register_case_texts``).
What went wrong is kept as the letter's ``answer_reading``, shown on its page: an answer
OCR cannot read is still stored, and a server without tesseract says so.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import transaction

from himoya.core import uploads
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.core.tasks import task, task_actor
from himoya.letters.models import AnswerReading, Letter

logger = logging.getLogger(__name__)

# Tesseract's names of the languages answers come in; those installed are used together.
LANGUAGES = ("rus", "kaz", "tgk", "eng")
# 300 dpi is what tesseract's documentation recommends for printed text.
DPI = 300
# A bound on the work one answer can cause (an answer is a few pages; a 500-page PDF is
# not an answer and would hold a worker for an hour).
MAX_PAGES = 30
PAGE_TIMEOUT = 180
# Fewer letters than this and the scan is taken as unread (a photo, a blank page, noise).
MIN_LETTERS = 3
IMAGES = frozenset({uploads.PNG, uploads.JPEG, uploads.TIFF, uploads.WEBP})


class NotInstalled(Exception):  # noqa: N818
    """The server has no tesseract program, or none of its languages."""


class Unreadable(Exception):  # noqa: N818
    """The file could not be opened as a document or picture."""


def tesseract() -> tuple[str, list[str]]:
    """The program and the languages of ``LANGUAGES`` it has."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise NotInstalled("tesseract")
    listed = subprocess.run(  # noqa: S603  (a fixed command, no shell)
        [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    have = set(listed.stdout.split())
    langs = [lang for lang in LANGUAGES if lang in have]
    if not langs:
        raise NotInstalled("tesseract languages")
    return binary, langs


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.convert("L").save(out, format="PNG")
    return out.getvalue()


def page_images(content: bytes, kind: uploads.FileKind | None) -> Iterator[bytes]:
    """The pages of a PDF or the picture, as greyscale PNGs for tesseract."""
    if kind == uploads.PDF:
        import pypdfium2

        try:
            pdf = pypdfium2.PdfDocument(content)
        except pypdfium2.PdfiumError as e:
            raise Unreadable("pdf") from e
        try:
            for index in range(min(len(pdf), MAX_PAGES)):
                page = pdf[index]
                bitmap = page.render(scale=DPI / 72, grayscale=True)
                yield _png(bitmap.to_pil())
                page.close()
        finally:
            pdf.close()
        return
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            frames = getattr(image, "n_frames", 1)
            for index in range(min(frames, MAX_PAGES)):
                image.seek(index)
                yield _png(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise Unreadable("image") from e


def recognise(png: bytes, binary: str, langs: list[str]) -> str:
    """One page through tesseract, by pipe."""
    env = {"PATH": os.environ.get("PATH", ""), "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(  # noqa: S603  (a fixed command, no shell)
        [binary, "stdin", "stdout", "-l", "+".join(langs)],
        input=png,
        capture_output=True,
        timeout=PAGE_TIMEOUT,
        check=True,
        env=env,
    )
    return done.stdout.decode("utf-8", errors="replace")


def _docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


_LETTER = re.compile(r"[^\W\d_]")


def read_answer(content: bytes) -> tuple[str, str]:
    """(``AnswerReading`` state, text) of an answer's file."""
    kind = uploads.sniff(io.BytesIO(content))
    text = ""
    try:
        if kind == uploads.DOCX:
            text = _docx_text(content)
        elif kind == uploads.PDF or kind in IMAGES:
            binary, langs = tesseract()
            text = "\n".join(recognise(png, binary, langs) for png in page_images(content, kind))
    except NotInstalled:
        return AnswerReading.NOT_INSTALLED, ""
    except Unreadable:
        return AnswerReading.UNREADABLE, ""
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        logger.warning("tesseract failed: %s", type(e).__name__)
        return AnswerReading.FAILED, ""
    text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    if len(_LETTER.findall(text)) < MIN_LETTERS:
        return AnswerReading.UNREADABLE, ""
    return AnswerReading.DONE, text


def answer_read(*, actor: Any, letter_id: int) -> str:
    """Reads a letter's answer and stores the text, re-indexing its case. Idempotent: run
    again (after its worker died) it reads again and writes the same. An answer replaced
    while it was read is left to the job the new one queued."""
    from himoya.cases.services import reindex_case

    letter = Letter.objects.select_related("case").filter(pk=letter_id).first()
    if letter is None or not letter.answer:
        return "gone"
    case = letter.case
    require(actor, "case.edit", case)
    name = letter.answer.name
    with letter.answer.open("rb") as f:
        content = f.read()  # bounded by the upload policy's size
    state, text = read_answer(content)
    with transaction.atomic():
        locked = Letter.objects.select_for_update().filter(pk=letter_id).first()
        if locked is None or locked.answer.name != name:
            return "replaced"
        locked.answer_text = text
        locked.answer_reading = state
        locked.save(update_fields=["answer_text", "answer_reading"])
        reindex_case(case)
        record_event(
            actor=actor,
            action="letter.answer.read",
            obj=locked,
            organisation=case.organisation,
            data={
                "case": case.pk,
                "letter": locked.pk,
                "reading": state,
                "characters": len(text),
            },
        )
    return state


@task()
def letter_answer_read(letter_id: int) -> str:
    return answer_read(actor=task_actor(), letter_id=letter_id)


def answer_texts_by_case(case_ids: list[int]) -> Mapping[int, list[str]]:
    """The read answers of these cases' letters, for their search documents."""
    found: dict[int, list[str]] = {}
    letters = Letter.objects.filter(case_id__in=case_ids, answer_reading=AnswerReading.DONE).only(
        "id", "case_id", "answer_text"
    )
    for letter in letters:
        found.setdefault(letter.case_id, []).append(letter.answer_text or "")
    return found
