"""Parts of the yearly report kept apart from its one statement (``report.py``):
trainings, appeals by place of detention, and appeals by office and its region.

Trainings (``shared/interchange.md``: the ``trainings`` block) are counted by ``held_on``
through the ``training_org_date`` index; a training counts once under each audience it
names. One statement, a handful of rows.

Places of detention are not part of the contract's JSON: ``places_block`` is given on
the statistics page and by ``himoya stats --places`` (an added top-level key, as the
contract allows), never in the default output. An appeal's statistical snapshot does not
record a place, so these figures read the appeals of the year (``appeal_org_received``)
joined to their case's place as it is now: a place corrected on the case moves its
appeals. Grouped per place in SQL, so Python sees one row per place, not per appeal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import connection

_TRAININGS_SQL = """
SELECT NULL, COUNT(*), COALESCE(SUM(participants), 0)
FROM outreach_training
WHERE organisation_id = ANY(%(orgs)s) AND held_on >= %(start)s AND held_on < %(end)s
UNION ALL
SELECT audience, COUNT(*), 0
FROM outreach_training CROSS JOIN LATERAL unnest(audiences) AS audience
WHERE organisation_id = ANY(%(orgs)s) AND held_on >= %(start)s AND held_on < %(end)s
GROUP BY audience
"""

_PLACES_SQL = """
SELECT f.name, f.country, t.code, f.holds_men, f.holds_women, f.holds_minors, COUNT(*)
FROM cases_appeal a
JOIN cases_case c ON c.id = a.case_id
JOIN cases_facility f ON f.id = c.facility_id
LEFT JOIN cases_term t ON t.id = f.type_id
WHERE a.organisation_id = ANY(%(orgs)s) AND a.received_on >= %(start)s
  AND a.received_on < %(end)s
GROUP BY f.id, f.name, f.country, t.code, f.holds_men, f.holds_women, f.holds_minors
"""

# Offices: one row per (office, its region), the appeals without an office as the row
# whose office is NULL. Read through ``appeal_org_received`` like the places.
_OFFICES_SQL = """
SELECT a.office_id, o.region_id, COUNT(*)
FROM cases_appeal a
LEFT JOIN outreach_office o ON o.id = a.office_id
WHERE a.organisation_id = ANY(%(orgs)s) AND a.received_on >= %(start)s
  AND a.received_on < %(end)s
GROUP BY a.office_id, o.region_id
"""

HELD = ("men", "women", "minors")


def _sorted(counts: Counter[str]) -> dict[str, int]:
    return {key: counts[key] for key in sorted(counts) if counts[key]}


def trainings_block(org_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[str, Any]:
    """``{"total", "participants", "by_audience"}`` for trainings held in [start, end)."""
    with connection.cursor() as cursor:
        cursor.execute(_TRAININGS_SQL, {"orgs": list(org_ids), "start": start, "end": end})
        rows = cursor.fetchall()
    block: dict[str, Any] = {"total": 0, "participants": 0, "by_audience": {}}
    audiences: Counter[str] = Counter()
    for audience, count, participants in rows:
        if audience is None:
            block["total"], block["participants"] = int(count), int(participants)
        else:
            audiences[audience] += int(count)
    block["by_audience"] = _sorted(audiences)
    return block


def place_key(name: str, country: str) -> str:
    """A place's key in ``by_place``: names are unique within a country only."""
    return f"{name} ({country})"


def places_block(org_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[str, Any]:
    """Appeals received in [start, end) by their case's place of detention:
    ``by_type`` (facility type code), ``by_held`` (an appeal counts under each group its
    place holds: men, women, minors), ``by_type_held`` ("colony:women", the question of
    women's colonies), ``by_place`` ("name (CC)"); ``with_place`` is how many appeals
    have a place at all (the maps count only those)."""
    with connection.cursor() as cursor:
        cursor.execute(_PLACES_SQL, {"orgs": list(org_ids), "start": start, "end": end})
        rows = cursor.fetchall()
    by_type: Counter[str] = Counter()
    by_held: Counter[str] = Counter()
    by_type_held: Counter[str] = Counter()
    by_place: Counter[str] = Counter()
    total = 0
    for name, country, type_code, men, women, minors, count in rows:
        total += count
        kind = type_code or "unknown"
        by_type[kind] += count
        by_place[place_key(name, country)] += count
        for group, held in zip(HELD, (men, women, minors), strict=True):
            if held:
                by_held[group] += count
                by_type_held[f"{kind}:{group}"] += count
    return {
        "with_place": total,
        "by_type": _sorted(by_type),
        "by_held": _sorted(by_held),
        "by_type_held": _sorted(by_type_held),
        "by_place": _sorted(by_place),
    }


# The keys of ``offices_block`` for the rows without an office or without a region.
NO_OFFICE = "none"
NO_REGION = "no-region"


def offices_block(org_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[str, Any]:
    """Appeals received in [start, end) by the office that received them (``by_office``,
    office id -> count) and by that office's region as it is now (``by_region``, region
    id -> count); the appeals with no office recorded count under ``NO_OFFICE`` in both,
    an office without a region under ``NO_REGION`` in ``by_region`` apart from them, so
    each map partitions the year's appeals. Keyed by id (names are the page's to show in
    its reader's language); on the page and outside the contract's JSON, like places."""
    with connection.cursor() as cursor:
        cursor.execute(_OFFICES_SQL, {"orgs": list(org_ids), "start": start, "end": end})
        rows = cursor.fetchall()
    by_office: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    for office_id, region_id, count in rows:
        if office_id is None:
            by_office[NO_OFFICE] += count
            by_region[NO_OFFICE] += count
            continue
        by_office[str(office_id)] += count
        by_region[NO_REGION if region_id is None else str(region_id)] += count
    return {
        "total": sum(by_office.values()),
        "by_office": _sorted(by_office),
        "by_region": _sorted(by_region),
    }
