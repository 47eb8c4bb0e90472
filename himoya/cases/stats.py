"""Yearly statistics (shared/interchange.md, "Statistics"): a selector that counts with SQL
aggregates and never loads appeals into Python.

On PostgreSQL the whole report is ONE statement: every breakdown of the year's appeals
comes from a single scan grouped by GROUPING SETS, one set per breakdown. Violations are
grouped by the appeal's ``violation_mask`` (at most 2^10 distinct masks), and the few
resulting groups are split into violation types here, bit by bit (``Term.bit``).
Rehabilitation reads the ``appeal_org_rehab`` index and publications ``pub_org_date``;
the vocabulary's codes come with the same round trip. Elsewhere (SQLite) the same numbers
come from one ORM aggregate per breakdown.

Semantics (the contract): appeals are counted by ``received_on``; ``by_agency``,
``by_channel``, ``by_country`` and ``by_sex`` partition ``total`` (an appeal without an
agency counts as "unknown"); an appeal counts once under each violation it names.
Rehabilitation counts distinct victims whose rehabilitation started in the year (an
appeal without a recorded victim person counts as one victim); their sex and minor status
are those recorded on the appeal. Keys whose count is zero are left out of the maps.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BigIntegerField, Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from himoya.accounts.models import Organisation
from himoya.cases import vocab
from himoya.cases.models import Appeal, Publication, Term
from himoya.core.policies import SystemActor, can, require

Report = dict[str, Any]


def stats_organisations(actor: Any, organisation: Organisation | None = None) -> list[int]:
    """Ids of the organisations whose numbers ``actor`` may see: the one asked for, or
    without one every organisation the caller may see (the CLI runs with full access)."""
    if organisation is not None:
        require(actor, "stats.view", organisation)
        return [organisation.pk]
    if isinstance(actor, SystemActor):
        return list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    own = getattr(actor, "organisation", None)
    if own is not None and can(actor, "stats.view", own):
        return [own.pk]
    raise PermissionDenied("stats.view")


def yearly_stats(*, actor: Any, year: int, organisation: Organisation | None = None) -> Report:
    """The yearly report for the organisations ``actor`` may see (see the module doc)."""
    org_ids = stats_organisations(actor, organisation)
    if connection.vendor == "postgresql":
        return _report_postgresql(year, org_ids)
    return report_portable(year, org_ids)


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _clean(counts: Iterable[tuple[Any, int]]) -> dict[str, int]:
    merged: Counter[str] = Counter()
    for key, count in counts:
        if count:
            merged[str(key)] += int(count)
    return {key: merged[key] for key in sorted(merged)}


def _split_masks(masks: Iterable[tuple[int, int]], codes_by_bit: dict[int, str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for mask, count in masks:
        for bit, code in codes_by_bit.items():
            if mask & (1 << bit):
                counts[code] += count
    return _clean(counts.items())


def _empty(year: int) -> Report:
    return {
        "year": year,
        "appeals": {
            "total": 0,
            "legal_aid": 0,
            "by_agency": {},
            "by_violation": {},
            "by_channel": {},
            "by_country": {},
            "by_sex": {},
            "minors": 0,
        },
        "rehabilitation": {"total": 0, "by_sex": {}, "minors": 0},
        "publications": {"total": 0, "by_language": {}},
    }


# The single statement. Sets: 1 agency, 2 channel, 3 country, 4 sex, 5 mask, 0 total.
_SQL = """
WITH appeals AS (
    SELECT
        CASE
            WHEN GROUPING(agency_id) = 0 THEN 1
            WHEN GROUPING(channel_id) = 0 THEN 2
            WHEN GROUPING(country) = 0 THEN 3
            WHEN GROUPING(victim_sex) = 0 THEN 4
            WHEN GROUPING(violation_mask) = 0 THEN 5
            ELSE 0
        END AS part,
        COALESCE(agency_id, channel_id, violation_mask) AS num_key,
        COALESCE(country, victim_sex) AS text_key,
        COUNT(*) AS n,
        COUNT(*) FILTER (WHERE legal_aid) AS n_legal,
        COUNT(*) FILTER (WHERE victim_minor) AS n_minor
    FROM cases_appeal
    WHERE organisation_id = ANY(%(orgs)s) AND received_on >= %(start)s AND received_on < %(end)s
    GROUP BY GROUPING SETS (
        (agency_id), (channel_id), (country), (victim_sex), (violation_mask), ()
    )
), rehab AS (
    SELECT
        victim_sex,
        victim_minor,
        COALESCE(victim_id, -id) AS victim
    FROM cases_appeal
    WHERE organisation_id = ANY(%(orgs)s)
      AND rehabilitation_started_on >= %(start)s AND rehabilitation_started_on < %(end)s
)
SELECT 'a', part, num_key, text_key, n, n_legal, n_minor FROM appeals
UNION ALL
SELECT 'r', 0, NULL, NULL,
       COUNT(DISTINCT victim), COUNT(DISTINCT victim) FILTER (WHERE victim_minor), 0
FROM rehab
UNION ALL
SELECT 's', 0, NULL, victim_sex, COUNT(DISTINCT victim), 0, 0 FROM rehab GROUP BY victim_sex
UNION ALL
SELECT 'p', 0, NULL, language, COUNT(*), 0, 0
FROM cases_publication
WHERE organisation_id = ANY(%(orgs)s) AND published_on >= %(start)s AND published_on < %(end)s
GROUP BY language
UNION ALL
SELECT 't', COALESCE(bit, -1), id, vocabulary || ':' || code, 0, 0, 0
FROM cases_term WHERE vocabulary IN (%(agency)s, %(channel)s, %(violation)s)
"""


def _report_postgresql(year: int, org_ids: Sequence[int]) -> Report:
    start, end = _bounds(year)
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            {
                "orgs": list(org_ids),
                "start": start,
                "end": end,
                "agency": vocab.AGENCY,
                "channel": vocab.CHANNEL,
                "violation": vocab.VIOLATION,
            },
        )
        rows = cursor.fetchall()
    codes: dict[int, str] = {}
    codes_by_bit: dict[int, str] = {}
    for section, part, num_key, text_key, *_rest in rows:
        if section == "t":
            vocabulary, _sep, code = text_key.partition(":")
            codes[num_key] = code
            if vocabulary == vocab.VIOLATION and part >= 0:
                codes_by_bit[part] = code
    report = _empty(year)
    appeals, rehab, pubs = report["appeals"], report["rehabilitation"], report["publications"]
    parts: dict[int, list[tuple[Any, int]]] = {k: [] for k in range(1, 6)}
    for section, part, num_key, text_key, n, n_legal, n_minor in rows:
        if section == "a" and part == 0:
            appeals.update(total=n, legal_aid=n_legal, minors=n_minor)
        elif section == "a":
            parts[part].append((num_key if part in (1, 2, 5) else text_key, n))
        elif section == "r":
            rehab.update(total=n, minors=n_legal)
        elif section == "s":
            rehab["by_sex"][text_key] = n
        elif section == "p":
            pubs["by_language"][text_key] = n
            pubs["total"] += n
    appeals["by_agency"] = _clean(
        (codes.get(k, "unknown") if k is not None else "unknown", n) for k, n in parts[1]
    )
    appeals["by_channel"] = _clean((codes.get(k, str(k)), n) for k, n in parts[2])
    appeals["by_country"] = _clean(parts[3])
    appeals["by_sex"] = _clean(parts[4])
    appeals["by_violation"] = _split_masks(parts[5], codes_by_bit)
    rehab["by_sex"] = _clean(rehab["by_sex"].items())
    pubs["by_language"] = _clean(pubs["by_language"].items())
    return report


def report_portable(year: int, org_ids: Sequence[int]) -> Report:
    """The same report with one ORM aggregate per breakdown (any database)."""
    start, end = _bounds(year)
    appeals_qs = Appeal.objects.filter(
        organisation_id__in=org_ids, received_on__gte=start, received_on__lt=end
    )
    report = _empty(year)
    appeals = report["appeals"]
    appeals.update(
        appeals_qs.aggregate(
            total=Count("pk"),
            legal_aid=Count("pk", filter=Q(legal_aid=True)),
            minors=Count("pk", filter=Q(victim_minor=True)),
        )
    )

    def by(qs: QuerySet[Any], key: str) -> list[tuple[Any, int]]:
        return list(qs.order_by().values_list(key).annotate(n=Count("pk")).values_list(key, "n"))

    appeals["by_agency"] = _clean(
        (code or "unknown", n) for code, n in by(appeals_qs, "agency__code")
    )
    appeals["by_channel"] = _clean(by(appeals_qs, "channel__code"))
    appeals["by_country"] = _clean(by(appeals_qs, "country"))
    appeals["by_sex"] = _clean(by(appeals_qs, "victim_sex"))
    codes_by_bit = dict(
        Term.objects.filter(vocabulary=vocab.VIOLATION, bit__isnull=False).values_list(
            "bit", "code"
        )
    )
    appeals["by_violation"] = _split_masks(by(appeals_qs, "violation_mask"), codes_by_bit)
    rehab_qs = Appeal.objects.filter(
        organisation_id__in=org_ids,
        rehabilitation_started_on__gte=start,
        rehabilitation_started_on__lt=end,
    ).annotate(person=Coalesce(F("victim_id"), -F("id"), output_field=BigIntegerField()))
    rehab = report["rehabilitation"]
    rehab.update(
        rehab_qs.aggregate(
            total=Count("person", distinct=True),
            minors=Count("person", distinct=True, filter=Q(victim_minor=True)),
        )
    )
    rehab["by_sex"] = _clean(
        rehab_qs.order_by()
        .values_list("victim_sex")
        .annotate(n=Count("person", distinct=True))
        .values_list("victim_sex", "n")
    )
    pubs_qs = Publication.objects.filter(
        organisation_id__in=org_ids, published_on__gte=start, published_on__lt=end
    )
    report["publications"]["by_language"] = _clean(by(pubs_qs, "language"))
    report["publications"]["total"] = sum(report["publications"]["by_language"].values())
    return report


# ---------------------------------------------------------------- other formats


def report_rows(report: Report) -> list[tuple[str, str, int]]:
    """The report as a flat table of (section, key, value)."""
    rows: list[tuple[str, str, int]] = [("year", "", report["year"])]
    for section in ("appeals", "rehabilitation", "publications"):
        for key, value in report[section].items():
            if isinstance(value, dict):
                rows += [(f"{section}.{key}", sub, n) for sub, n in value.items()]
            else:
                rows.append((section, key, value))
    return rows


def report_json(report: Report) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    writer.writerows(report_rows(report))
    return out.getvalue()


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(report["year"]))
    sheet.append(["section", "key", "value"])
    for row in report_rows(report):
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
