"""Reading an untrusted table (CSV or XLSX) within fixed limits, outside Django.

This module runs in a child process (``python -m himoya.imports.tables``, started by
``reading.read_table``) whose address space is capped, so a workbook built to exhaust
memory ends that process, never the worker or the web process. It imports nothing of
Django and writes nothing: it reads the file from stdin and writes one JSON object per
line to stdout (``{"header": [...], "estimate": n}``, then ``{"row": [line, values]}``
for each row, then ``{"end": true}``), or stops at the first ``{"error": code, ...}``;
the parent turns codes into messages in the user's language.

An XLSX workbook is a ZIP archive whose parts may expand a thousand times: before
openpyxl opens it, its central directory (declared sizes, never the contents) is checked
against the limits below. ``zipfile`` stops reading an entry at its declared size, so the
declared sizes bound what openpyxl can inflate. Rows are then streamed (read-only mode,
values only), except the shared-strings table, which
openpyxl loads whole: its own, smaller limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
import zipfile
from collections.abc import Iterator
from typing import IO, Any

# Excel's own limit for a cell: no genuine workbook holds a longer value.
MAX_CELL = 32767
# The formats have at most 16 columns; 64 leaves room for extra columns that the header
# check reports by name.
MAX_COLUMNS = 64
# Data rows (the interchange contract asks for 100,000).
MAX_ROWS = 1_000_000
# The archive: a workbook has a dozen parts; its sheets and strings expand about ten
# times (100,000 register rows are 88 MB of sheet XML from a 10 MB file); a ZIP bomb
# a thousand times.
MAX_ENTRIES = 1000
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_SHARED_STRINGS = 128 * 1024 * 1024
MAX_RATIO = 100
# Smaller parts are not judged by their ratio: a few kilobytes of repetitive XML may
# compress a hundred times and expand to nothing much.
RATIO_FLOOR = 1024 * 1024
# What the child writes when its memory ran out, when even the message cannot be written.
MEMORY_EXIT = 75


class Refused(Exception):  # noqa: N818  (a verdict on the file, not a bug)
    """The file breaks a limit or cannot be read; ``code`` names which, for the parent."""

    def __init__(self, code: str, line: int = 1, column: int = -1, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.line = line
        self.column = column
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, "line": self.line, "column": self.column, **self.params}


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _checked(line: int, values: list[str]) -> list[str]:
    """The row without its trailing empty cells, refused past the column and cell limits."""
    while values and not values[-1]:
        values.pop()
    if len(values) > MAX_COLUMNS:
        raise Refused("too_many_columns", line, max=MAX_COLUMNS)
    for column, value in enumerate(values):
        if len(value) > MAX_CELL:
            raise Refused("cell_too_long", line, column, max=MAX_CELL)
    if line > MAX_ROWS + 1 and values:
        raise Refused("too_many_rows", line, max=MAX_ROWS)
    return values


def check_archive(source: IO[bytes]) -> None:
    """Refuses a workbook whose declared contents exceed the limits, from its central
    directory alone (nothing is inflated)."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Refused("workbook") from None
    if len(entries) > MAX_ENTRIES:
        raise Refused("archive_entries", max=MAX_ENTRIES)
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise Refused("archive_ratio", max=MAX_RATIO)
        if entry.filename.lower().endswith("sharedstrings.xml") and (
            entry.file_size > MAX_SHARED_STRINGS
        ):
            raise Refused("shared_strings", mb=MAX_SHARED_STRINGS // (1024 * 1024))
    if total > MAX_UNCOMPRESSED:
        raise Refused("archive_size", mb=MAX_UNCOMPRESSED // (1024 * 1024))
    source.seek(0)


def _out_of_memory(exc: BaseException) -> bool:
    """Whether a library's error is really the memory limit (lxml and zlib report it as
    their own errors, "Memory allocation failed" or a MemoryError underneath)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError) or "memory" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def read_xlsx(source: IO[bytes]) -> tuple[list[str], int, Iterator[tuple[int, list[str]]]]:
    """(header, estimated rows, rows) of the first sheet, streamed."""
    check_archive(source)
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        estimate = max((sheet.max_row or 1) - 1, 0)
        # The declared dimension may be anything: each row is as wide as the cells it
        # holds (a row's cells are in memory anyway), so a stray value far to the right
        # is seen and refused rather than cut off.
        sheet.reset_dimensions()
        cells = sheet.iter_rows(values_only=True)
        first = next(cells, None)
    except Refused:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        if _out_of_memory(exc):
            raise MemoryError from exc
        raise Refused("workbook") from None
    header = _checked(1, [cell_text(v) for v in first or ()])

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(cells, start=2):
                yield line, _checked(line, [cell_text(v) for v in values])
        except (Refused, MemoryError):
            raise
        except Exception as exc:
            if _out_of_memory(exc):
                raise MemoryError from exc
            raise Refused("workbook") from None
        finally:
            book.close()

    return header, estimate, rows()


def read_csv(source: IO[bytes]) -> tuple[list[str], int, Iterator[tuple[int, list[str]]]]:
    """(header, estimated rows, rows) of a UTF-8 CSV file, streamed; ``source`` is
    read once for the estimate, so it must be seekable."""
    estimate = 0
    while chunk := source.read(1 << 20):
        estimate += chunk.count(b"\n")
    source.seek(0)
    # Past the cell limit, a field is reported with its column (below); far past it,
    # as too long at its line, before it is read whole.
    csv.field_size_limit(16 * MAX_CELL)
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)

    def record(line: int) -> list[str] | None:
        try:
            values = next(reader)
        except StopIteration:
            return None
        except UnicodeDecodeError:
            raise Refused("not_utf8" if line == 1 else "not_utf8_from", line) from None
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise Refused("cell_too_long", line, max=MAX_CELL) from None
            raise Refused("not_csv" if line == 1 else "csv_line", line) from None
        return _checked(line, [value.strip() for value in values])

    header = record(1) or []

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        while (values := record(line)) is not None:
            yield line, values
            line = reader.line_num + 1

    return header, max(estimate - 1, 0), rows()


def read_any(source: IO[bytes]) -> tuple[list[str], int, Iterator[tuple[int, list[str]]]]:
    """A CSV or XLSX table, told apart by content, never by the file name."""
    magic = source.read(4)
    source.seek(0)
    return read_xlsx(source) if magic == b"PK\x03\x04" else read_csv(source)


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource
    except ImportError:  # not a POSIX system: no limit can be set
        return
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main() -> int:
    """The child: ``python -m himoya.imports.tables MEGABYTES``; the file on stdin."""
    out = sys.stdout
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    # Before the limit: openpyxl's imports, including the modules it loads lazily while
    # opening a workbook, are the same whatever the file (and compiling them under the
    # limit, on a first run without bytecode caches, could exhaust it by itself).
    import openpyxl  # noqa: F401
    import openpyxl.reader.excel  # noqa: F401
    import openpyxl.worksheet._read_only  # noqa: F401

    _limit_memory(megabytes)
    try:
        data = io.BytesIO(sys.stdin.buffer.read())
        header, estimate, rows = read_any(data)
        out.write(json.dumps({"header": header, "estimate": estimate}) + "\n")
        for line, values in rows:
            out.write(json.dumps({"row": [line, values]}, ensure_ascii=False) + "\n")
        out.write('{"end": true}\n')
    except Refused as exc:
        out.write(json.dumps(exc.as_dict()) + "\n")
    except MemoryError:
        try:
            out.write(json.dumps({"error": "memory", "mb": megabytes}) + "\n")
            out.flush()
        except MemoryError:
            os._exit(MEMORY_EXIT)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.exit(main())
