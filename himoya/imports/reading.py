"""Reading a register file: CSV (UTF-8) or XLSX, told apart by content; the header
checked against the format's columns (``shared/interchange.md``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def as_list(self) -> list[Any]:
        return [self.line, self.column, self.reason]


class ImportInvalid(Exception):
    """The file has invalid rows; nothing was written."""

    def __init__(self, errors: list[RowError], rows: int = 0) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors
        self.rows = rows


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    estimate: int


def _cell(value: Any) -> str:
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


def _read_csv(source: IO[bytes]) -> Table:
    estimate = 0
    while chunk := source.read(1 << 20):
        estimate += chunk.count(b"\n")
    source.seek(0)
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except UnicodeDecodeError:
        raise ImportInvalid([RowError(1, "", _("The file is not UTF-8 text."))]) from None
    except csv.Error:
        raise ImportInvalid([RowError(1, "", _("The file is not a CSV table."))]) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise ImportInvalid(
                    [RowError(line, "", _("The file is not UTF-8 text from this line on."))]
                ) from None
            except csv.Error:
                raise ImportInvalid(
                    [RowError(line, "", _("This line is not valid CSV (check the quotes)."))]
                ) from None
            yield line, [value.strip() for value in values]
            line = reader.line_num + 1

    return Table(header=[h.strip() for h in header or []], rows=rows(), estimate=estimate)


def _read_xlsx(source: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise ImportInvalid([RowError(1, "", _("The workbook could not be read."))]) from None
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    first = next(cells, None)
    header = [_cell(v) for v in first or ()]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, values in enumerate(cells, start=2):
            yield line, [_cell(v) for v in values]
        book.close()

    return Table(header=header, rows=rows(), estimate=max((sheet.max_row or 1) - 1, 0))


def read_table(source: IO[bytes]) -> Table:
    """A CSV (UTF-8, comma, header row) or XLSX (first sheet) table, told apart by
    content, never by the file name."""
    magic = source.read(4)
    source.seek(0)
    return _read_xlsx(source) if magic == b"PK\x03\x04" else _read_csv(source)


def records(
    table: Table, columns: dict[str, bool], errors: list[RowError]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Checks the header, then yields (line, {column: value}) for each non-empty row."""
    if not table.header:
        errors.append(RowError(1, "", _("The file is empty: it has no header row.")))
        return
    names = [h.lower() for h in table.header]
    if len(names) == 1 and ";" in names[0]:
        # What Excel writes as "CSV" where the decimal separator is a comma.
        errors.append(
            RowError(
                1,
                "",
                _(
                    "The columns are separated by semicolons: save the file as CSV UTF-8 "
                    "with commas, or upload the XLSX workbook."
                ),
            )
        )
        return
    seen: set[str] = set()
    for name in names:
        if name and name not in columns:
            errors.append(
                RowError(
                    1,
                    name,
                    _("Unknown column “%(column)s”. The columns are: %(columns)s.")
                    % {"column": name, "columns": ", ".join(columns)},
                )
            )
        elif name in seen:
            errors.append(
                RowError(1, name, _("The column “%(column)s” appears twice.") % {"column": name})
            )
        seen.add(name)
    for name, required in columns.items():
        if required and name not in seen:
            errors.append(
                RowError(
                    1, name, _("The required column “%(column)s” is missing.") % {"column": name}
                )
            )
    if errors:
        return
    width = len(names)
    for line, values in table.rows:
        if not any(values):
            continue
        if len(values) > width and any(values[width:]):
            errors.append(
                RowError(line, "", _("The row has more values than the header has columns."))
            )
            continue
        yield line, dict(zip(names, values + [""] * (width - len(values)), strict=False))


# ---------------------------------------------------------------- row rules


def open_source(source: str | os.PathLike[str] | IO[bytes]) -> IO[bytes]:
    if isinstance(source, str | os.PathLike):
        return Path(source).open("rb")
    source.seek(0)
    return source
