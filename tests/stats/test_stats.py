"""`himoya stats` against counts computed independently from the imported file itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from openpyxl import load_workbook

from bench.generate import publication_rows, register_rows, write_csv
from himoya.accounts.models import Role
from himoya.cases.models import Appeal
from himoya.cases.services import AppealInput, PersonInput, appeal_register
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from himoya.imports.rules import PUBLICATION_COLUMNS
from himoya.stats.models import AppealCount
from himoya.stats.report import appeal_counts_differences, yearly_stats
from tests.factories import UserFactory
from tests.stats.oracle import report_by_orm

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
        "trainings": {"total": 0, "participants": 0, "by_audience": {}},
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
    assert list(report) == ["year", "appeals", "rehabilitation", "publications", "trainings"]
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
    assert list(report["trainings"]) == ["total", "participants", "by_audience"]
    assert report["year"] == 2024 and report["appeals"]["total"] == 0


def test_partitions_and_the_orm_oracle_agree(small: Any, org: Any) -> None:
    for year in YEARS:
        report = yearly_stats(actor=SystemActor("test"), year=year)
        appeals = report["appeals"]
        for key in ("by_agency", "by_channel", "by_country", "by_sex"):
            assert sum(appeals[key].values()) == appeals["total"]
        # The single GROUPING SETS statement against the ORM oracle.
        assert report_by_orm(year, [org.pk]) == report


def test_csv_and_xlsx_formats(small: Any, org: Any, tmp_path: Path) -> None:
    report = json.loads(stats("--year", "2022"))
    table = list(csv.reader(io.StringIO(stats("--year", "2022", "--format", "csv"))))
    assert table[0] == ["section", "key", "value"]
    flat = {(s, k): int(v) for s, k, v in table[1:]}
    expected_flat = {("year", ""): 2022}
    for section in ("appeals", "rehabilitation", "publications", "trainings"):
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


# ---------------------------------------------------------------- the count table
# On PostgreSQL the appeals part of the report reads AppealCount, kept by triggers on
# cases_appeal (migration 0005); each test below compares the report with the portable
# ORM path, which counts the appeals themselves. On SQLite both are the ORM path.


def agree(*orgs: Any, years: range = YEARS) -> None:
    """The report equals the one counted from the appeals, for each organisation and
    for all of them, in every year."""
    actor = SystemActor("test")
    for year in years:
        for org in orgs:
            report = yearly_stats(actor=actor, year=year, organisation=org)
            assert report == report_by_orm(year, [org.pk]), (year, org.slug)
        everyone = yearly_stats(actor=actor, year=year)
        assert everyone == report_by_orm(year, [o.pk for o in orgs]), year


def fold() -> None:
    """Runs the commit-time fold of this transaction's deltas now (the tests never
    commit), so that the counts themselves can be looked at."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def pending() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_appealcount_pending")
        return int(cursor.fetchone()[0])


def counts_are_exact() -> int:
    found = appeal_counts_differences()
    assert found is not None
    groups, wrong = found
    assert wrong == 0
    return groups


def appeal_input(received_on: dt.date, **facts: Any) -> AppealInput:
    victim = facts.pop("victim", None)
    values: dict[str, Any] = {
        "received_on": received_on,
        "channel": "phone",
        "consent_processing": True,
        "country": "KZ",
        "agency": "police",
        "violations": ["torture"],
        **facts,
    }
    if victim is not None:
        values["victim"] = PersonInput(full_name="Примеров Арман (вымышленный)", **victim)
    return AppealInput(**values)


@pytest.fixture
def registered(org: Any, other_org: Any) -> list[Any]:
    """Appeals registered by hand in two organisations: new cases and appeals joining
    them, across years, agencies, channels, violations, sexes, minors, legal aid."""
    actor = SystemActor("test")
    appeals = []
    for i, (org_, year) in enumerate(
        [(org, 2021), (org, 2022), (org, 2022), (other_org, 2022), (org, 2023), (org, 2024)]
    ):
        first = appeal_register(
            actor=actor,
            organisation=org_,
            data=appeal_input(
                dt.date(year, 1 + i, 10),
                channel=["phone", "letter", "telegram"][i % 3],
                country=["KZ", "TJ"][i % 2],
                agency=["police", "penitentiary", "national_security"][i % 3],
                violations=[["torture"], ["threats", "torture"], ["parole", "reprisal"]][i % 3],
                legal_aid=i % 2 == 0,
                victim={"sex": ["male", "female", "other"][i % 3], "birth_date": str(year - 15)}
                if i % 2
                else None,
                rehabilitation="medical" if i % 2 else "none",
                rehabilitation_started_on=dt.date(year, 11, 1) if i % 2 else None,
            ),
        )
        appeals.append(first)
        appeals.append(
            appeal_register(
                actor=actor,
                organisation=org_,
                case=first.case,
                data=appeal_input(dt.date(year, 12, 1), channel="email", agency="customs"),
            )
        )
    return appeals


def test_report_after_registering_by_hand(registered: Any, org: Any, other_org: Any) -> None:
    agree(org, other_org)
    report = yearly_stats(actor=SystemActor("test"), year=2022, organisation=org)["appeals"]
    assert report["total"] == 4 and report["by_agency"]["customs"] == 2
    # Not committed yet: the deltas wait in the pending table; the report adds them.
    assert pending() > 0 and not AppealCount.objects.exists()
    fold()
    assert pending() == 0 and AppealCount.objects.exists()
    assert counts_are_exact() == AppealCount.objects.count()
    agree(org, other_org)


def test_import_writes_appeals_by_copy_and_the_triggers_count_them(
    org: Any, tmp_path: Path
) -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows, pubs = _import(org, tmp_path, 1500)
    # The importer's COPY goes past Django's cursor wrapper; no INSERT wrote the appeals.
    assert not [q for q in queries if 'INSERT INTO "cases_appeal"' in q["sql"]]
    assert Appeal.objects.count() == 1500 and pending() > 0
    for year in YEARS:
        assert yearly_stats(actor=SystemActor("test"), year=year) == expected(rows, pubs, year)
    agree(org)
    fold()
    assert counts_are_exact() == AppealCount.objects.count() > 0
    agree(org)


def test_updates_move_appeals_between_groups(small: Any, org: Any, tmp_path: Path) -> None:
    rows, pubs = small
    fold()
    changed = rows[:40]
    for i, row in enumerate(changed):
        row["received_on"] = f"{2019 + (int(row['received_on'][:4]) - 2018) % 6}-06-15"
        row["perpetrator_agency"] = ["customs", "military", "prosecutor"][i % 3]
        row["channel"] = "whatsapp"
        row["violations"] = "death_in_custody" if i % 2 else "torture;medical_care"
        row["legal_aid"] = "no" if row["legal_aid"] == "yes" else "yes"
        row["country"] = "TJ" if row["country"].upper() == "KZ" else "KZ"
        if i % 4 == 0:
            row["victim_sex"] = "other"
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("import_cases", str(write_csv(tmp_path / "r.csv", rows)), org=org.slug, **quiet)
    assert "40 updated" in quiet["stdout"].getvalue()
    for year in YEARS:
        assert yearly_stats(actor=SystemActor("test"), year=year) == expected(rows, pubs, year)
    agree(org)
    fold()
    counts_are_exact()
    assert not AppealCount.objects.filter(n__lte=0).exists()


def test_sql_updates_and_deletions(registered: Any, small: Any, org: Any, other_org: Any) -> None:
    """What an operator's SQL may do, and ORM writes the services do not make."""
    fold()
    with connection.cursor() as cursor:
        # An appeal without an agency counts as "unknown"; moved to another year.
        cursor.execute(
            "UPDATE cases_appeal SET agency_id = NULL, received_on = received_on - 366 "
            "WHERE id = ANY(%s)",
            [[a.pk for a in registered[:3]]],
        )
        cursor.execute("UPDATE cases_appeal SET victim_sex = 'female' WHERE victim_sex = 'male'")
        cursor.execute("UPDATE cases_appeal SET id = id WHERE organisation_id = %s", [other_org.pk])
    agree(org, other_org, years=range(2018, 2025))
    Appeal.objects.filter(pk__in=[a.pk for a in registered[3:6]]).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM cases_importedcase WHERE case_id IN "
            "(SELECT case_id FROM cases_appeal WHERE received_on < '2021-01-01')"
        )
        cursor.execute("DELETE FROM cases_appeal WHERE received_on < '2021-01-01'")
    agree(org, other_org, years=range(2018, 2025))
    fold()
    counts_are_exact()
    # Groups that reached zero are gone: a year without appeals has no rows at all.
    assert not AppealCount.objects.filter(year__lt=2021).exists()
    assert not AppealCount.objects.filter(n__lte=0).exists()
    agree(org, other_org, years=range(2018, 2025))


def test_triggers_work_with_an_empty_search_path(small: Any, org: Any) -> None:
    """pg_restore, for one, writes with an empty search path."""
    fold()
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = ''")
        try:
            cursor.execute(
                "UPDATE public.cases_appeal SET received_on = received_on + 365 "
                "WHERE received_on < '2022-01-01'"
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        finally:
            cursor.execute("RESET search_path")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert pending() == 0
    counts_are_exact()
    agree(org)


@pytest.mark.django_db(transaction=True)
def test_truncate_empties_the_counts(small: Any, org: Any) -> None:
    assert AppealCount.objects.exists() and pending() == 0  # the import committed
    with transaction.atomic():
        Appeal.objects.filter(received_on__year=2022).update(legal_aid=True)
        assert pending() > 0
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cases_appeal CASCADE")
        assert not AppealCount.objects.exists() and pending() == 0
    assert not AppealCount.objects.exists() and pending() == 0
    agree(org)


def test_stats_rebuild(small: Any, org: Any) -> None:
    out = io.StringIO()
    fold()
    groups = counts_are_exact()
    call_command("stats_rebuild", "--check", stdout=out)
    assert f"appeal counts match the appeals: {groups} groups" in out.getvalue()
    with connection.cursor() as cursor:
        # As after a data-only restore, or SQL run with the triggers disabled.
        cursor.execute(
            "UPDATE cases_appealcount SET n = n + 5 "
            "WHERE id = (SELECT MIN(id) FROM cases_appealcount)"
        )
        cursor.execute(
            "DELETE FROM cases_appealcount WHERE id = (SELECT MAX(id) FROM cases_appealcount)"
        )
        cursor.execute(
            "INSERT INTO cases_appealcount (organisation_id, year, part, agency_id, channel_id, "
            "country, violation_mask, legal_aid, victim_minor, victim_sex, n) "
            "VALUES (%s, 2030, 0, 0, 0, 'KZ', 0, false, false, '', 7)",
            [org.pk],
        )
    assert yearly_stats(actor=SystemActor("test"), year=2030)["appeals"]["total"] == 7
    with pytest.raises(CommandError, match=rf"3 of {groups} groups are wrong"):
        call_command("stats_rebuild", "--check", stdout=io.StringIO())
    # This transaction's own delta, not folded yet, must not be counted twice.
    appeal_register(
        actor=SystemActor("test"), organisation=org, data=appeal_input(dt.date(2022, 5, 5))
    )
    assert pending() > 0
    found = appeal_counts_differences()
    assert found is not None and found[1] == 3
    call_command("stats_rebuild", stdout=out)
    assert f"appeal counts rebuilt: {found[0]} groups, 3 were wrong" in out.getvalue()
    fold()
    counts_are_exact()
    agree(org, years=range(2019, 2031))
    assert AuditEvent.objects.filter(action="stats.rebuild", actor_label="cli:stats-rebuild")


@pytest.mark.django_db(transaction=True)
def test_a_registration_does_not_wait_for_an_import_in_progress(org: Any, tmp_path: Path) -> None:
    """An import holds its deltas uncommitted until the end; a registration of the same
    groups meanwhile (it takes the audit chain's lock before writing its appeal) must not
    wait for them: the import takes that lock last, so waiting would be a deadlock."""
    from himoya.imports.services import import_cases

    rows = list(register_rows(300, seed=8))
    import_cases(
        actor=SystemActor("test"), organisation=org, source=write_csv(tmp_path / "a.csv", rows)
    )
    for row in rows:
        row["legal_aid"] = "no" if row["legal_aid"] == "yes" else "yes"
    path = write_csv(tmp_path / "b.csv", rows)
    paused, registered = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def pause(stage: str, done: int, total: int) -> None:
        if stage == "write" and not paused.is_set():
            paused.set()
            registered.wait(60)

    def importer() -> None:
        try:
            result = import_cases(
                actor=SystemActor("test"), organisation=org, source=path, progress=pause
            )
            assert result.updated == 300
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=importer)
    thread.start()
    try:
        assert paused.wait(60)
        row = rows[0]
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '10s'")
            appeal_register(
                actor=SystemActor("test"),
                organisation=org,
                data=appeal_input(
                    dt.date.fromisoformat(row["received_on"]),
                    channel=row["channel"],
                    country=row["country"].upper(),
                    agency=row["perpetrator_agency"],
                    violations=row["violations"].split(";"),
                    legal_aid=row["legal_aid"] == "yes",
                ),
            )
    finally:
        registered.set()
        thread.join()
    assert errors == []
    assert pending() == 0
    counts_are_exact()
    agree(org)


@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_of_the_same_groups(small: Any, org: Any) -> None:
    """Writers committing deltas of the same groups at the same moment, each written in
    its own order: the folds upsert in key order, so none deadlocks and none is lost."""
    ids = list(Appeal.objects.values_list("pk", flat=True))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []
    columns = [f.column for f in Appeal._meta.concrete_fields if not f.primary_key]

    def writer(n: int) -> None:
        order = ids[n::4] + ids[: n * 50]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for start in range(0, len(order), 100):
                    cursor.execute(
                        f"INSERT INTO cases_appeal ({', '.join(columns)}) "  # noqa: S608
                        f"SELECT {', '.join(columns)} FROM cases_appeal WHERE id = ANY(%s) "
                        "ORDER BY random()",
                        [order[start : start + 100]],
                    )
                barrier.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Appeal.objects.count() == len(ids) * 2 + 50 * (0 + 1 + 2 + 3)
    assert pending() == 0
    counts_are_exact()
    agree(org)
