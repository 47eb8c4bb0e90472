"""Reading a register within limits (issue 7, finding 7): a workbook is judged by its
archive's central directory before anything is inflated, rows are streamed and capped in
columns, cell length and count, and the reader runs in a child process whose memory is
capped, so a file built to exhaust memory is refused instead of taking the worker down.

The workbooks are made here with zipfile (no stored binaries): a ZIP bomb is a sheet of
one empty row repeated, which deflate shrinks about 340 times."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bench.generate import CASE_COLUMNS, csv_bytes, register_rows, write_xlsx
from himoya.accounts.models import Role
from himoya.cases.models import Case
from himoya.core.policies import SystemActor
from himoya.imports import tables
from himoya.imports.models import ImportJob
from himoya.imports.reading import ImportInvalid, RowError
from himoya.imports.services import import_cases
from tests.conftest import make_client, run_queued_tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    "schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    '" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="register" sheetId="1" '
    'r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
    '"worksheets/sheet1.xml"/></Relationships>'
)


def _row(values: list[str]) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{cells}</row>".encode()


def workbook(header: list[str], repeated: list[str], times: int, extra: int = 0) -> bytes:
    """A workbook whose sheet is ``header`` then ``times`` copies of the row
    ``repeated``, written in blocks so the test never holds the expanded sheet;
    ``extra`` adds that many tiny parts to the archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for n in range(extra):
            archive.writestr(f"customXml/item{n}.xml", "<x/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(_row(header))
            block = _row(repeated) * 1000
            for _ in range(times // 1000):
                sheet.write(block)
            sheet.write(_row(repeated) * (times % 1000))
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def refusal(data: bytes, org: Any) -> list[RowError]:
    with translation.override("en"), pytest.raises(ImportInvalid) as caught:
        import_cases(actor=SystemActor("test"), organisation=org, source=io.BytesIO(data))
    return caught.value.errors


def test_a_zip_bomb_is_refused_before_it_is_read(org: Any) -> None:
    data = workbook(list(CASE_COLUMNS), [""], 400_000)
    sheet = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    assert len(data) < 100_000 and sheet.file_size > 19_000_000  # 19 MB from 60 KB
    assert refusal(data, org) == [
        RowError(
            1,
            "",
            "A part of the workbook is compressed more than 100 times over, as no register "
            "is: it was refused unread.",
        )
    ]


def test_a_workbook_of_too_many_parts_is_refused(org: Any) -> None:
    data = workbook(list(CASE_COLUMNS), ["x"], 1, extra=tables.MAX_ENTRIES)
    [error] = refusal(data, org)
    assert error.line == 1 and "more than 1000 parts" in error.reason


def test_too_many_columns_are_refused_naming_the_row(org: Any) -> None:
    rows = list(register_rows(3, seed=2))
    wide = [rows[0][c] for c in CASE_COLUMNS] + [""] * 60 + ["stray"]
    data = workbook(list(CASE_COLUMNS), wide, 1)
    assert refusal(data, org) == [RowError(2, "", "The row has more than 64 columns.")]
    # The header too, before any row is read.
    data = workbook([*CASE_COLUMNS, *(f"c{n}" for n in range(60))], ["x"], 1)
    assert refusal(data, org) == [RowError(1, "", "The row has more than 64 columns.")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_over_long_cell_is_refused_naming_row_and_column(
    org: Any, tmp_path: Path, fmt: str
) -> None:
    rows = list(register_rows(4, seed=3))
    rows[2]["summary"] = "Очень длинное описание. " * 1500  # 36,000 characters
    if fmt == "xlsx":
        # Written by hand: openpyxl, like Excel, cuts a cell to 32,767 characters.
        data = workbook(list(CASE_COLUMNS), [rows[2][c] for c in CASE_COLUMNS], 1)
        line = 2
    else:
        data = csv_bytes(rows)
        line = 4
    assert refusal(data, org) == [
        RowError(line, "summary", "The value is longer than 32767 characters.")
    ]


def test_a_full_length_cell_is_still_read(org: Any, tmp_path: Path) -> None:
    rows = list(register_rows(2, seed=4))
    rows[1]["summary"] = "ж" * tables.MAX_CELL
    data = write_xlsx(tmp_path / "full.xlsx", rows).read_bytes()
    result = import_cases(
        actor=SystemActor("test"), organisation=org, source=io.BytesIO(data), dry_run=True
    )
    assert result.rows == 2


def test_reading_streams_the_rows(tmp_path: Path) -> None:
    """What the reader process holds for a 20,000-row workbook: rows pass through."""
    path = write_xlsx(tmp_path / "r.xlsx", register_rows(20_000, seed=6))
    size = path.stat().st_size
    with path.open("rb") as source:
        tracemalloc.start()
        try:
            header, _estimate, rows = tables.read_any(source)
            count = sum(1 for _ in rows)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert header == list(CASE_COLUMNS) and count == 20_000
    assert peak < 50 * 1024 * 1024, f"peak {peak // 1024} KiB for a {size // 1024} KiB file"


with_tasks = pytest.mark.django_db(transaction=True, databases=["default", "progress"])


@with_tasks
def test_a_reader_out_of_memory_ends_the_job_with_a_message(org: Any, settings: Any) -> None:
    """The reader process gets too little memory for any workbook: its MemoryError ends
    the job with a message for the user, and the worker (this process) runs on."""
    settings.HIMOYA_IMPORT_READER_MEMORY_MB = 16
    client = make_client(UserFactory(organisation=org, role=Role.COORDINATOR))
    data = workbook(list(CASE_COLUMNS), ["x"], 2000)
    client.post(
        reverse("imports:index"),
        {"kind": "cases", "file": SimpleUploadedFile("r.xlsx", data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert run_queued_tasks() == 1
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    message = (
        "Reading the file needs more memory than the server allows (16 MB): split it into "
        "smaller files."
    )
    # Where the limit strikes depends on the machine (while openpyxl opens the archive,
    # or while lxml parses it, which reports its own error); either way the job ends with
    # a message for the user and nothing is imported.
    unreadable = "The workbook could not be read."
    assert job.errors in ([[1, "", message]], [[1, "", unreadable]])
    assert not Case.objects.exists()
    page = client.get(reverse("imports:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert job.errors[0][2] in page.content.decode()
