"""Yearly statistics (shared/interchange.md, "Statistics"): a selector that counts with SQL
aggregates and never loads appeals into Python.

On PostgreSQL the whole report is ONE statement. The appeals part reads the count table
``cases_appealcount`` (model ``AppealCount``): per organisation and year, the counts of
(agency, channel, country) and of (violation mask, legal aid, minor, sex), a few thousand
rows however many appeals the year has. Triggers on ``cases_appeal`` keep it exact
(migration 0005, which says how): each statement's net changes wait in
``cases_appealcount_pending`` under the transaction's id and are folded into the counts
when it commits; the report adds its own transaction's pending changes, so it reads its
own writes. Violations are counted per ``violation_mask`` and split into types here, bit
by bit (``Term.bit``). Rehabilitation counts distinct victims, which do not add up across
groups, so it still reads the appeals, through a covering index (migration 0004, an
index-only scan); publications read ``pub_org_date``; the vocabulary's codes come with the
same round trip. ``himoya stats-rebuild [--check]`` compares the counts with the appeals
and recomputes them (after a data-only restore or SQL run with triggers disabled).

Trainings and the optional appeals by place of detention and by office are counted by
their own small statements (``breakdowns.py``).

The tests compare it with an independent oracle: one ORM aggregate per breakdown over the
appeals (``tests/stats/oracle.py``).

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

from himoya.accounts.models import Organisation
from himoya.core.policies import SystemActor, can, require
from himoya.reference import vocab
from himoya.stats.breakdowns import offices_block, places_block, trainings_block

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


def yearly_stats(
    *,
    actor: Any,
    year: int,
    organisation: Organisation | None = None,
    places: bool = False,
    offices: bool = False,
) -> Report:
    """The yearly report for the organisations ``actor`` may see (see the module doc);
    ``places`` adds the appeals by place of detention (``breakdowns.places_block``),
    ``offices`` those by office and region (``breakdowns.offices_block``)."""
    org_ids = stats_organisations(actor, organisation)
    report = _report(year, org_ids)
    report["trainings"] = trainings_block(org_ids, *_bounds(year))
    if places:
        report["places"] = places_block(org_ids, *_bounds(year))
    if offices:
        report["offices"] = offices_block(org_ids, *_bounds(year))
    return report


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
        "trainings": {"total": 0, "participants": 0, "by_audience": {}},
    }


# The single statement. The appeals part reads the count table (``AppealCount``, kept by
# triggers, migration 0005): at most a few thousand rows per organisation and year,
# however many appeals there are, plus this transaction's own deltas, which are folded
# into the counts only when it commits. Rows of part 0 carry (agency, channel, country),
# rows of part 1 (violation mask, sex, legal aid, minor); they are summed up here.
_SQL = """
WITH appeals AS (
    SELECT part, agency_id, channel_id, country, violation_mask, legal_aid, victim_minor,
           victim_sex, n
    FROM cases_appealcount
    WHERE organisation_id = ANY(%(orgs)s) AND year = %(year)s
    UNION ALL
    SELECT part, agency_id, channel_id, country, violation_mask, legal_aid, victim_minor,
           victim_sex, n
    FROM cases_appealcount_pending
    WHERE xid = txid_current_if_assigned()
      AND organisation_id = ANY(%(orgs)s) AND year = %(year)s
), rehab AS (
    SELECT victim_sex, victim_minor, COALESCE(victim_id, -id) AS victim
    FROM cases_appeal
    WHERE organisation_id = ANY(%(orgs)s)
      AND rehabilitation_started_on >= %(start)s AND rehabilitation_started_on < %(end)s
)
SELECT 'a' || part,
       CASE WHEN part = 0 THEN NULLIF(agency_id, 0) ELSE violation_mask END, channel_id,
       CASE WHEN part = 0 THEN country ELSE victim_sex END, legal_aid, victim_minor, n
FROM appeals
UNION ALL
SELECT 'r', COUNT(DISTINCT victim) FILTER (WHERE victim_minor), NULL, NULL, NULL, NULL,
       COUNT(DISTINCT victim)
FROM rehab
UNION ALL
SELECT 's', NULL, NULL, victim_sex, NULL, NULL, COUNT(DISTINCT victim)
FROM rehab GROUP BY victim_sex
UNION ALL
SELECT 'p', NULL, NULL, language, NULL, NULL, COUNT(*)
FROM cases_publication
WHERE organisation_id = ANY(%(orgs)s) AND published_on >= %(start)s AND published_on < %(end)s
GROUP BY language
UNION ALL
SELECT 't', id, COALESCE(bit, -1), vocabulary || ':' || code, NULL, NULL, 0
FROM cases_term WHERE vocabulary IN (%(agency)s, %(channel)s, %(violation)s)
"""


def _report(year: int, org_ids: Sequence[int]) -> Report:
    start, end = _bounds(year)
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            {
                "orgs": list(org_ids),
                "year": year,
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
    for section, num, bit, text, *_rest in rows:
        if section == "t":
            vocabulary, _sep, code = text.partition(":")
            codes[num] = code
            if vocabulary == vocab.VIOLATION and bit >= 0:
                codes_by_bit[bit] = code
    report = _empty(year)
    appeals, rehab, pubs = report["appeals"], report["rehabilitation"], report["publications"]
    agency: Counter[str] = Counter()
    channel: Counter[str] = Counter()
    country: Counter[str] = Counter()
    sex: Counter[str] = Counter()
    masks: Counter[int] = Counter()
    for section, num, other, text, legal, minor, n in rows:
        if section == "a0":
            agency[codes.get(num, "unknown") if num is not None else "unknown"] += n
            channel[codes.get(other, str(other))] += n
            country[text] += n
            appeals["total"] += n
        elif section == "a1":
            masks[num] += n
            sex[text] += n
            appeals["legal_aid"] += n if legal else 0
            appeals["minors"] += n if minor else 0
        elif section == "r":
            rehab.update(total=n, minors=num)
        elif section == "s":
            rehab["by_sex"][text] = n
        elif section == "p":
            pubs["by_language"][text] = n
            pubs["total"] += n
    appeals["by_agency"] = _clean(agency.items())
    appeals["by_channel"] = _clean(channel.items())
    appeals["by_country"] = _clean(country.items())
    appeals["by_sex"] = _clean(sex.items())
    appeals["by_violation"] = _split_masks(masks.items(), codes_by_bit)
    rehab["by_sex"] = _clean(rehab["by_sex"].items())
    pubs["by_language"] = _clean(pubs["by_language"].items())
    return report


# ---------------------------------------------------------------- the count table

# The grouping the triggers keep (migration 0005 holds its own frozen copy): the appeals'
# counts per organisation, year and part; a part's absent columns hold their defaults.
COUNT_KEY = (
    "organisation_id, year, part, agency_id, channel_id, country, "
    "violation_mask, legal_aid, victim_minor, victim_sex"
)
APPEAL_COUNTS_SQL = """
SELECT organisation_id, year, GROUPING(agency)::smallint AS part,
       COALESCE(agency, 0) AS agency_id, COALESCE(channel_id, 0) AS channel_id,
       COALESCE(country, '') AS country, COALESCE(violation_mask, 0) AS violation_mask,
       COALESCE(legal_aid, false) AS legal_aid, COALESCE(victim_minor, false) AS victim_minor,
       COALESCE(victim_sex, '') AS victim_sex, COUNT(*) AS n
FROM (
    SELECT organisation_id, EXTRACT(YEAR FROM received_on)::int AS year,
           COALESCE(agency_id, 0) AS agency, channel_id, country, violation_mask, legal_aid,
           victim_minor, victim_sex
    FROM cases_appeal
) AS appeals
GROUP BY organisation_id, year, GROUPING SETS (
    (agency, channel_id, country), (violation_mask, legal_aid, victim_minor, victim_sex)
)
"""
# Taken shared by every fold of deltas into the counts, exclusively by the rebuild.
FOLD_LOCK = 0x48494D4F5943

# One statement, so one snapshot: the appeals and the counts committed with them.
DIFFERENCES_SQL = f"""
WITH expected AS ({APPEAL_COUNTS_SQL}), stored AS (
    SELECT {COUNT_KEY}, SUM(n) AS n FROM (
        SELECT {COUNT_KEY}, n FROM cases_appealcount
        UNION ALL
        SELECT {COUNT_KEY}, n FROM cases_appealcount_pending
        WHERE xid = txid_current_if_assigned()
    ) AS counts GROUP BY {COUNT_KEY} HAVING SUM(n) <> 0
)
SELECT (SELECT COUNT(*) FROM expected), COUNT(*)
FROM expected FULL JOIN stored USING ({COUNT_KEY})
WHERE expected.n IS DISTINCT FROM stored.n
"""  # noqa: S608


def appeal_counts_differences() -> tuple[int, int]:
    """(groups the appeals make, groups whose stored count is wrong or missing or left
    over)."""
    with connection.cursor() as cursor:
        cursor.execute(DIFFERENCES_SQL)
        groups, wrong = cursor.fetchone()
    return int(groups), int(wrong)


# ---------------------------------------------------------------- other formats


def report_rows(report: Report) -> list[tuple[str, str, int]]:
    """The report as a flat table of (section, key, value)."""
    rows: list[tuple[str, str, int]] = [("year", "", report["year"])]
    for section in ("appeals", "rehabilitation", "publications", "trainings", "places", "offices"):
        for key, value in report.get(section, {}).items():
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
