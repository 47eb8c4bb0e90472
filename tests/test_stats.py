"""`himoya stats` against counts computed independently from the imported file itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import load_workbook

from bench.generate import publication_rows, register_rows, write_csv
from himoya.accounts.models import Role
from himoya.cases.importing import PUBLICATION_COLUMNS
from himoya.cases.stats import report_portable, yearly_stats
from himoya.core.policies import SystemActor
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
YEARS = range(2019, 2025)


def stats(*args: str) -> str:
    out = io.StringIO()
    call_command("stats", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _minor(row: dict[str, str]) -> bool:
    """The contract's rule, written again here from the text of interchange.md."""
    if row["victim_is_minor"]:
        return row["victim_is_minor"] == "yes"
    birth = row["victim_birth_date"]
    on = dt.date.fromisoformat(row["received_on"])
    if not birth:
        return False
    if len(birth) == 4:
        return on.year - int(birth) < 18
    born = dt.date.fromisoformat(birth)
    return (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) < 18


def expected(rows: list[dict[str, str]], pubs: list[dict[str, str]], year: int) -> dict[str, Any]:
    mine = [r for r in rows if r["received_on"].startswith(str(year))]
    rehab = [r for r in rows if r["rehabilitation_started_on"].startswith(str(year))]

    def tally(values: Any) -> dict[str, int]:
        return dict(sorted(Counter(values).items()))

    year_pubs = [p for p in pubs if p["published_on"].startswith(str(year))]
    return {
        "year": year,
        "appeals": {
            "total": len(mine),
            "legal_aid": sum(r["legal_aid"] == "yes" for r in mine),
            "by_agency": tally(r["perpetrator_agency"] for r in mine),
            "by_violation": tally(v for r in mine for v in set(r["violations"].split(";"))),
            "by_channel": tally(r["channel"] for r in mine),
            "by_country": tally(r["country"].upper() for r in mine),
            "by_sex": tally(r["victim_sex"] or "unknown" for r in mine),
            "minors": sum(_minor(r) for r in mine),
        },
        # Each row's victim is a person of its own: the import never merges people.
        "rehabilitation": {
            "total": len(rehab),
            "by_sex": tally(r["victim_sex"] or "unknown" for r in rehab),
            "minors": sum(_minor(r) for r in rehab),
        },
        "publications": {
            "total": len(year_pubs),
            "by_language": tally(p["language"] for p in year_pubs),
        },
    }


def _import(org: Any, tmp_path: Path, rows: int) -> tuple[list[dict[str, str]], list[Any]]:
    cases = list(register_rows(rows, seed=21))
    pubs = list(publication_rows(rows // 15, seed=21))
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("import_cases", str(write_csv(tmp_path / "r.csv", cases)), org=org.slug, **quiet)
    call_command(
        "import_publications",
        str(write_csv(tmp_path / "p.csv", pubs, PUBLICATION_COLUMNS)),
        org=org.slug,
        **quiet,
    )
    return cases, pubs


@pytest.fixture
def imported(org: Any, tmp_path: Path) -> tuple[list[dict[str, str]], list[Any]]:
    """A generated register of 3,000 rows and 200 publications, imported."""
    return _import(org, tmp_path, 3000)


@pytest.fixture
def small(org: Any, tmp_path: Path) -> tuple[list[dict[str, str]], list[Any]]:
    return _import(org, tmp_path, 600)


def test_json_counts_equal_counts_from_the_file(imported: Any, org: Any) -> None:
    rows, pubs = imported
    for year in YEARS:
        report = json.loads(stats("--year", str(year), "--org", org.slug, "--format", "json"))
        assert report == expected(rows, pubs, year), year
        # Without --org: every organisation (there is one here).
        assert json.loads(stats("--year", str(year))) == report
    assert sum(json.loads(stats("--year", str(y)))["appeals"]["total"] for y in YEARS) == 3000


def test_keys_are_exactly_the_contract(db: Any) -> None:
    report = json.loads(stats("--year", "2024"))
    assert list(report) == ["year", "appeals", "rehabilitation", "publications"]
    assert list(report["appeals"]) == [
        "total",
        "legal_aid",
        "by_agency",
        "by_violation",
        "by_channel",
        "by_country",
        "by_sex",
        "minors",
    ]
    assert list(report["rehabilitation"]) == ["total", "by_sex", "minors"]
    assert list(report["publications"]) == ["total", "by_language"]
    assert report["year"] == 2024 and report["appeals"]["total"] == 0


def test_partitions_and_portable_path_agree(small: Any, org: Any) -> None:
    for year in YEARS:
        report = yearly_stats(actor=SystemActor("test"), year=year)
        appeals = report["appeals"]
        for key in ("by_agency", "by_channel", "by_country", "by_sex"):
            assert sum(appeals[key].values()) == appeals["total"]
        # On PostgreSQL this compares the single GROUPING SETS statement with the ORM path.
        assert report_portable(year, [org.pk]) == report, connection.vendor


def test_csv_and_xlsx_formats(small: Any, org: Any, tmp_path: Path) -> None:
    report = json.loads(stats("--year", "2022"))
    table = list(csv.reader(io.StringIO(stats("--year", "2022", "--format", "csv"))))
    assert table[0] == ["section", "key", "value"]
    flat = {(s, k): int(v) for s, k, v in table[1:]}
    expected_flat = {("year", ""): 2022}
    for section in ("appeals", "rehabilitation", "publications"):
        for key, value in report[section].items():
            if isinstance(value, dict):
                expected_flat.update({(f"{section}.{key}", k): n for k, n in value.items()})
            else:
                expected_flat[(section, key)] = value
    assert flat == expected_flat
    assert flat[("appeals", "total")] > 0
    target = tmp_path / "s.xlsx"
    call_command("stats", year=2022, format="xlsx", output=str(target), stdout=io.StringIO())
    sheet = load_workbook(target, read_only=True).worksheets[0]
    cells = [tuple("" if c is None else c for c in r) for r in sheet.iter_rows(values_only=True)]
    assert cells[0] == ("section", "key", "value")
    assert {(s, k): v for s, k, v in cells[1:]} == flat
    with pytest.raises(CommandError, match="later release"):
        stats("--year", "2022", "--format", "pdf")


def test_who_sees_which_statistics(org: Any, other_org: Any) -> None:
    analyst = UserFactory(organisation=org, role=Role.ANALYST, totp=False)
    assert yearly_stats(actor=analyst, year=2024)["year"] == 2024
    with pytest.raises(PermissionDenied):
        yearly_stats(actor=analyst, year=2024, organisation=other_org)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    with pytest.raises(PermissionDenied):
        yearly_stats(actor=lawyer, year=2024)
