"""Export of the case list (CSV and XLSX).

An export is a read of protected data in bulk: it needs the ``case.export`` policy,
contains only the cases ``selectors.case_list`` gives the user (what they may see), and
is written to the audit chain before its content is handed out: the filters, the row
count and which cases left (their ids; past ``AUDIT_IDS`` of them, the count, the first
and last id and a SHA-256 of the whole list, so an event stays small and still confirms
a list reconstructed later). The free-text query may be a person's name: the record
keeps only its keyed fingerprint (``himoya.core.searches.query_fingerprint``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.cases import interchange_export, selectors
from himoya.cases.models import Case, CaseParty, PartyRole, Violation
from himoya.core.audit import audit_record
from himoya.core.policies import require
from himoya.core.searches import query_fingerprint

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    # The import's own columns and codes (himoya.cases.interchange_export).
    "interchange": "text/csv; charset=utf-8",
}
# An export's event lists up to this many case ids (about 8 bytes each in the chain);
# a larger one records their count, first and last id and digest.
AUDIT_IDS = 2000
# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    rows: int


def _headers() -> list[str]:
    return [
        _("Case number"),
        _("Register number"),
        _("Opened"),
        _("Status"),
        _("Outcome"),
        _("Closed"),
        _("Country"),
        _("Region"),
        _("Place of detention"),
        _("Alleged perpetrator agency"),
        _("Violations"),
        _("Victims"),
        _("Minor victim"),
        _("Lawyer"),
        _("Team"),
    ]


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def _rows(cases: QuerySet[Case], ids: list[int]) -> Iterator[list[str]]:
    """The export's rows; the id of each case exported is appended to ``ids``."""
    yes, no = _("yes"), _("no")
    cases = cases.select_related("team", "outcome").prefetch_related(
        Prefetch("violations", queryset=Violation.objects.select_related("type")),
        Prefetch(
            "parties",
            queryset=CaseParty.objects.filter(role=PartyRole.VICTIM).select_related("person"),
            to_attr="victim_parties",
        ),
    )
    for case in cases.iterator(chunk_size=500):
        ids.append(case.pk)
        yield [
            case.number,
            case.external_id or "",
            _date(case.opened_on),
            case.get_status_display(),
            case.outcome.label if case.outcome else "",
            _date(case.closed_on),
            case.country,
            str(case.region) if case.region else "",
            str(case.facility) if case.facility else "",
            str(case.agency) if case.agency else "",
            "; ".join(sorted({v.type.label for v in case.violations.all()})),
            "; ".join(p.person.full_name for p in case.victim_parties),
            yes if case.has_minor_victim else no,
            str(case.lawyer) if case.lawyer else "",
            str(case.team) if case.team else "",
        ]


def _cell(value: str) -> str:
    """A value a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headers())
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    # With a byte-order mark, spreadsheet programs read the Cyrillic text as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


# Columns of _headers() that hold dates: a spreadsheet gets them as dates, to sort and count.
_DATE_COLUMNS = frozenset({2, 5})
# Column widths in characters: fitted to the longest value, within these bounds.
_WIDTH_MIN, _WIDTH_MAX = 8, 60


def _widths(headers: list[str], rows: list[list[str]]) -> list[float]:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    return [min(max(w + 2, _WIDTH_MIN), _WIDTH_MAX) for w in widths]


def _xlsx(rows: list[list[str]]) -> bytes:
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    headers = _headers()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    # Before the first row: a write-only sheet takes its layout up front.
    for i, width in enumerate(_widths(headers, rows), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    last = f"{get_column_letter(len(headers))}{len(rows) + 1}"
    sheet.auto_filter.ref = f"A1:{last}"
    bold = Font(bold=True)
    header = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if i in _DATE_COLUMNS and value:
                cell = WriteOnlyCell(sheet, value=dt.date.fromisoformat(value))
                cell.number_format = "yyyy-mm-dd"
            else:
                cell = WriteOnlyCell(sheet, value=value)
                # openpyxl makes "=..." a formula; everything else exported is text.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def describe_filters(filters: selectors.CaseFilters, *, organisation_id: Any) -> dict[str, Any]:
    """The filters as the audit record keeps them: codes, ids and dates, and for a
    free-text query only its keyed fingerprint (its words may name a person)."""
    described = {
        key: (value.isoformat() if hasattr(value, "isoformat") else value)
        for key, value in asdict(filters).items()
        if value not in ("", None, False, {}) and key not in ("q", "extra")
    }
    if filters.q:
        described["text_query"] = query_fingerprint(organisation_id, filters.q)
    return described


def ids_digest(ids: list[int]) -> str:
    """SHA-256 of the ids in export order, as decimal numbers joined by commas."""
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()


def _exported(ids: list[int]) -> list[int] | dict[str, Any]:
    if len(ids) <= AUDIT_IDS:
        return ids
    return {"count": len(ids), "first": ids[0], "last": ids[-1], "sha256": ids_digest(ids)}


def case_export(
    *, actor: Any, filters: selectors.CaseFilters, fmt: str, order: str = "-opened"
) -> ExportFile:
    """The cases of the user's filtered list, as CSV or XLSX. Needs ``case.export``;
    contains only what ``selectors.case_list`` lets the user see; audit-logged."""
    organisation = getattr(actor, "organisation", None)
    require(actor, "case.export", organisation)
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Unknown export format.")})
    cases = selectors.case_list(actor, filters)
    if order == "opened":
        cases = cases.order_by("opened_on", "id")
    ids: list[int] = []
    if fmt == "interchange":
        rows = list(interchange_export.rows(cases, ids))
        content = interchange_export.to_csv(rows, _cell)
    else:
        rows = list(_rows(cases, ids))
        content = _csv(rows) if fmt == "csv" else _xlsx(rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="case.export",
            organisation=organisation,
            data={
                "format": fmt,
                "filters": describe_filters(
                    filters, organisation_id=getattr(organisation, "pk", None)
                ),
                "rows": len(rows),
                "cases": _exported(ids),
            },
        )
    return ExportFile(
        content=content,
        filename=f"cases-{stamp}.{fmt}" if fmt != "interchange" else f"cases-import-{stamp}.csv",
        content_type=FORMATS[fmt],
        rows=len(rows),
    )
