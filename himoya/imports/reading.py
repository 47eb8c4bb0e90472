"""Reading a register file: CSV (UTF-8) or XLSX, told apart by content and read within
limits by a child process (``imports.tables``); the header checked against the format's
columns (``shared/interchange.md``)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from himoya.imports import tables

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def as_list(self) -> list[Any]:
        return [self.line, self.column, self.reason]


class ImportInvalid(Exception):
    """The file has invalid rows; nothing was written."""

    def __init__(self, errors: list[RowError], rows: int = 0, count: int | None = None) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors
        self.rows = rows
        # All the problems found; ``errors`` may hold only the first of them.
        self.count = len(errors) if count is None else count


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    estimate: int
    # Ends the reader process, whether or not the rows were read to the end.
    close: Callable[[], None] = lambda: None


# What a refusal of ``tables`` says, by its code; the limits come with the refusal.
_MESSAGES: dict[str, Callable[[], str]] = {
    "not_utf8": lambda: _("The file is not UTF-8 text."),
    "not_utf8_from": lambda: _("The file is not UTF-8 text from this line on."),
    "not_csv": lambda: _("The file is not a CSV table."),
    "csv_line": lambda: _("This line is not valid CSV (check the quotes)."),
    "workbook": lambda: _("The workbook could not be read."),
    "archive_entries": lambda: _(
        "The workbook has more than %(max)s parts, as no register has: it was refused unread."
    ),
    "archive_ratio": lambda: _(
        "A part of the workbook is compressed more than %(max)s times over, as no register "
        "is: it was refused unread."
    ),
    "archive_size": lambda: _(
        "The workbook would expand to more than %(mb)s MB: split it into smaller files."
    ),
    "shared_strings": lambda: _(
        "The workbook's table of texts would expand to more than %(mb)s MB: split it into "
        "smaller files."
    ),
    "too_many_rows": lambda: _("The file has more than %(max)s rows: split it into smaller files."),
    "too_many_columns": lambda: _("The row has more than %(max)s columns."),
    "cell_too_long": lambda: _("The value is longer than %(max)s characters."),
    "memory": lambda: _(
        "Reading the file needs more memory than the server allows (%(mb)s MB): split it "
        "into smaller files."
    ),
}


def _refusal(message: dict[str, Any], header: list[str]) -> ImportInvalid:
    code = message.get("error", "workbook")
    text = _MESSAGES.get(code, _MESSAGES["workbook"])()
    params = {k: v for k, v in message.items() if k in ("max", "mb")}
    column = message.get("column", -1)
    name = header[column] if isinstance(column, int) and 0 <= column < len(header) else ""
    return ImportInvalid([RowError(int(message.get("line", 1)), name, text % params)])


def _feed(source: IO[bytes], sink: IO[bytes]) -> None:
    try:
        while chunk := source.read(1 << 20):
            sink.write(chunk)
    except (BrokenPipeError, OSError, ValueError):
        pass  # the child ended early: what it said (or its exit status) tells why
    finally:
        with contextlib.suppress(OSError):
            sink.close()


def read_table(source: IO[bytes]) -> Table:
    """A CSV (UTF-8, comma, header row) or XLSX (first sheet) table, told apart by
    content, never by the file name, read by a child process whose memory is capped at
    ``HIMOYA_IMPORT_READER_MEMORY_MB`` (``imports.tables``): a file built to exhaust
    memory ends that process, and the import is refused with a message."""
    megabytes = int(getattr(settings, "HIMOYA_IMPORT_READER_MEMORY_MB", 0))
    # -I: the child needs only the standard library and openpyxl, never the caller's
    # environment or current directory.
    proc = subprocess.Popen(  # noqa: S603  (our own module, no shell)
        [sys.executable, "-I", tables.__file__, str(megabytes)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    feeder = threading.Thread(target=_feed, args=(source, proc.stdin), daemon=True)
    feeder.start()
    output = proc.stdout

    def message() -> dict[str, Any] | None:
        line = output.readline()
        if not line:
            return None
        return dict(json.loads(line))

    def ended() -> ImportInvalid:
        """The child stopped without a word: out of memory, or a crash."""
        code = proc.wait()
        if code == tables.MEMORY_EXIT or code < 0:
            logger.warning("import reader ended with status %s (memory limit?)", code)
            return _refusal({"error": "memory", "mb": megabytes}, [])
        logger.warning("import reader ended with status %s", code)
        return _refusal({"error": "workbook"}, [])

    def close() -> None:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        output.close()
        # Before the caller closes the source the feeder reads.
        feeder.join()

    try:
        first = message()
    except BaseException:
        close()
        raise
    if first is None or "header" not in first:
        close()
        raise ended() if first is None else _refusal(first, [])
    header: list[str] = first["header"]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            while (item := message()) is not None:
                if "row" in item:
                    line, values = item["row"]
                    yield int(line), list(values)
                elif item.get("end"):
                    return
                else:
                    raise _refusal(item, header)
            raise ended()
        finally:
            close()

    return Table(header=header, rows=rows(), estimate=int(first.get("estimate", 0)), close=close)


def records(
    table: Table, columns: dict[str, bool], fail: Callable[[int, str, str], None]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Checks the header, then yields (line, {column: value}) for each non-empty row;
    problems go to ``fail(line, column, reason)``."""
    problems = 0

    def report(line: int, column: str, reason: str) -> None:
        nonlocal problems
        problems += 1
        fail(line, column, reason)

    if not table.header:
        report(1, "", _("The file is empty: it has no header row."))
        return
    names = [h.lower() for h in table.header]
    if len(names) == 1 and ";" in names[0]:
        # What Excel writes as "CSV" where the decimal separator is a comma.
        report(
            1,
            "",
            _(
                "The columns are separated by semicolons: save the file as CSV UTF-8 "
                "with commas, or upload the XLSX workbook."
            ),
        )
        return
    seen: set[str] = set()
    for name in names:
        if name and name not in columns:
            report(
                1,
                name,
                _("Unknown column “%(column)s”. The columns are: %(columns)s.")
                % {"column": name, "columns": ", ".join(columns)},
            )
        elif name in seen:
            report(1, name, _("The column “%(column)s” appears twice.") % {"column": name})
        seen.add(name)
    for name, required in columns.items():
        if required and name not in seen:
            report(1, name, _("The required column “%(column)s” is missing.") % {"column": name})
    if problems:
        return
    width = len(names)
    for line, values in table.rows:
        if not any(values):
            continue
        if len(values) > width and any(values[width:]):
            report(line, "", _("The row has more values than the header has columns."))
            continue
        yield line, dict(zip(names, values + [""] * (width - len(values)), strict=False))


# ---------------------------------------------------------------- row rules


def open_source(source: str | os.PathLike[str] | IO[bytes]) -> IO[bytes]:
    if isinstance(source, str | os.PathLike):
        return Path(source).open("rb")
    source.seek(0)
    return source
