"""The case list in the register-import format (interchange.md, "Case register import"):
the columns ``himoya import-cases`` and the import page read, codes instead of labels, so
an export can be imported back or into another instance.

A case registered in Himoya has no register number of its own; its case number stands in
as ``external_id``. The appeal columns (received_on, channel, legal aid, rehabilitation)
come from the case's first appeal, the victim columns from its first victim.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from himoya.cases.models import Appeal, Case, CaseParty, PartyRole, Violation

# The import's columns in its order (himoya.imports.rules.CASE_COLUMNS, which this app
# may not import; tests/cases/test_export_interchange.py holds the two equal).
CASE_COLUMNS = (
    "external_id",
    "received_on",
    "channel",
    "country",
    "region",
    "victim_name",
    "victim_sex",
    "victim_birth_date",
    "victim_is_minor",
    "violations",
    "perpetrator_agency",
    "facility",
    "legal_aid",
    "rehabilitation",
    "rehabilitation_started_on",
    "summary",
)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def rows(cases: QuerySet[Case], ids: list[int]) -> Iterator[list[str]]:
    """One row per case in CASE_COLUMNS' order; each case's id is appended to ``ids``."""
    cases = cases.select_related("region", "facility", "agency").prefetch_related(
        Prefetch("violations", queryset=Violation.objects.select_related("type")),
        Prefetch(
            "parties",
            queryset=CaseParty.objects.filter(role=PartyRole.VICTIM)
            .select_related("person")
            .order_by("pk"),
            to_attr="victim_parties",
        ),
        Prefetch(
            "appeals",
            queryset=Appeal.objects.select_related("channel").order_by("received_on", "pk"),
            to_attr="appeals_in_order",
        ),
    )
    for case in cases.iterator(chunk_size=500):
        ids.append(case.pk)
        appeal = case.appeals_in_order[0] if case.appeals_in_order else None
        victims = case.victim_parties
        victim = victims[0] if victims else None
        values = {
            "external_id": case.external_id or case.number,
            "received_on": _date(appeal.received_on if appeal else case.opened_on),
            "channel": appeal.channel.code if appeal and appeal.channel else "",
            "country": case.country,
            "region": case.region.name_ru if case.region else "",
            "victim_name": victim.person.full_name if victim else "",
            "victim_sex": victim.person.sex if victim else "",
            "victim_birth_date": victim.person.birth_date if victim else "",
            "victim_is_minor": _yes_no(victim.is_minor) if victim else "",
            "violations": ";".join(sorted({v.type.code for v in case.violations.all()})),
            "perpetrator_agency": case.agency.code if case.agency else "unknown",
            "facility": case.facility.name if case.facility else "",
            "legal_aid": _yes_no(appeal.legal_aid) if appeal else "",
            "rehabilitation": appeal.rehabilitation if appeal else "",
            "rehabilitation_started_on": _date(
                appeal.rehabilitation_started_on if appeal else None
            ),
            "summary": case.summary,
        }
        yield [values[column] for column in CASE_COLUMNS]


def to_csv(table: list[list[str]], cell: Any) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(CASE_COLUMNS))
    for row in table:
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
