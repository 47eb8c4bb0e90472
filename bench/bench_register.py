"""Register benchmarks: the 100,000-row import and `himoya stats` against a raw GROUP BY."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from bench.generate import register_rows, write_csv
from bench.run import Context, benchmark, log, summary, timings
from himoya.accounts.models import Organisation
from himoya.cases.importing import import_cases
from himoya.cases.models import Appeal
from himoya.cases.stats import stats_organisations, yearly_stats
from himoya.core.policies import SystemActor
from tests.stats_oracle import report_by_orm

IMPORT_ROWS = 100_000


@benchmark("register_import")
def register_import(ctx: Context) -> dict[str, Any]:
    """Imports min(scale, 100,000) generated rows into a fresh organisation (one
    transaction, encryption, search index and audit included), then imports the same
    file again (nothing changes)."""
    rows = min(ctx.size, IMPORT_ROWS)
    org, _created = Organisation.objects.get_or_create(
        slug=f"import-{ctx.scale}-{int(time.time())}", defaults={"name": "Import bench"}
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "register.csv", register_rows(rows, seed=3))
        size = path.stat().st_size
        actor = SystemActor("bench")
        started = time.perf_counter()
        result = import_cases(actor=actor, organisation=org, source=path)
        first = time.perf_counter() - started
        log(f"imported {rows:,} rows in {first:.1f} s")
        started = time.perf_counter()
        again = import_cases(actor=actor, organisation=org, source=path)
        second = time.perf_counter() - started
    assert result.created == rows and again.unchanged == rows
    return {
        "rows": rows,
        "file_mb": round(size / 1e6, 1),
        "import_s": round(first, 2),
        "rows_per_s": round(rows / first),
        "reimport_unchanged_s": round(second, 2),
        "target": "100,000 rows < 120 s",
    }


RAW = """
SELECT agency_id, COUNT(*) FROM cases_appeal
WHERE organisation_id = ANY(%s) AND received_on >= %s AND received_on < %s
GROUP BY agency_id
"""


@benchmark("stats_vs_group_by")
def stats_vs_group_by(ctx: Context) -> dict[str, Any]:
    """`yearly_stats` (the whole report) against one raw GROUP BY over the same rows."""
    import datetime as dt

    org = ctx.dataset()
    year = 2023
    actor = SystemActor("bench")
    orgs = stats_organisations(actor, org)
    # The report reads the count table: first make sure it says what the appeals say.
    report_now = yearly_stats(actor=actor, year=year, organisation=org)
    assert report_now == report_by_orm(year, orgs), "count table out of step with appeals"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM cases_appealcount WHERE organisation_id = ANY(%s) AND year = %s",
            [orgs, year],
        )
        count_rows = cursor.fetchone()[0]

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW, [orgs, dt.date(year, 1, 1), dt.date(year + 1, 1, 1)])
            cursor.fetchall()

    def report() -> None:
        yearly_stats(actor=actor, year=year, organisation=org)

    def plan() -> str:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + RAW, [orgs, dt.date(year, 1, 1), dt.date(year + 1, 1, 1)])
            return " / ".join(row[0].strip() for row in cursor.fetchall()[:3])

    def measure() -> dict[str, Any]:
        # Interleaved rounds, so that both see the same cache and machine state.
        raw_t: list[float] = []
        stats_t: list[float] = []
        for _ in range(ctx.runs):
            raw_t += timings(raw, 1, warmup=0 if raw_t else 2)
            stats_t += timings(report, 1, warmup=0 if stats_t else 2)
        raw_s, stats_s = summary(raw_t), summary(stats_t)
        return {
            "raw_plan": plan(),
            "raw_group_by": raw_s,
            "stats": stats_s,
            "ratio_p50": round(stats_s["p50_ms"] / raw_s["p50_ms"], 2),
            "ratio_p95": round(stats_s["p95_ms"] / raw_s["p95_ms"], 2),
        }

    figures: dict[str, Any] = {
        "cases": ctx.size,
        "appeals_in_year": report_now["appeals"]["total"],
        "count_rows_in_year": count_rows,
        **measure(),
    }
    # GROUPING SETS cannot be aggregated in parallel; a plain GROUP BY can. The same
    # comparison with parallel query off shows what is due to that.
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        figures["serial"] = measure()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
    figures["target"] = "ratio <= 1.5 at 1m"
    return figures


TRIGGER_ROWS = 100_000
APPEAL_COUNT_TRIGGERS = ("appealcount_insert", "appealcount_update", "appealcount_delete")


@benchmark("appeal_count_trigger")
def appeal_count_trigger(ctx: Context) -> dict[str, Any]:
    """What the count table's triggers cost writes: min(scale, 100,000) appeals written
    by COPY (in one statement, and in statements of 2,000 rows like the import) and 500
    appeals by single-row INSERTs, each up to the end of the transaction (the deferred
    foreign-key checks and the fold, forced by SET CONSTRAINTS ALL IMMEDIATE), then
    rolled back; with the triggers, and with them disabled in the same transaction."""
    org = ctx.dataset()
    rows = min(ctx.size, TRIGGER_ROWS)
    columns = ", ".join(f.column for f in Appeal._meta.concrete_fields if not f.primary_key)
    source = (
        f"SELECT {columns} FROM cases_appeal WHERE organisation_id = {int(org.pk)} "  # noqa: S608
        f"ORDER BY id LIMIT {rows}"
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({source}) TO STDOUT") as copy,
    ):
        data = b"".join(bytes(block) for block in copy)
    # Text format: one line per row (newlines inside values are escaped).
    lines = data.splitlines(keepends=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM cases_appeal WHERE organisation_id = %s ORDER BY id LIMIT 500",
            [org.pk],
        )
        single = [pk for (pk,) in cursor.fetchall()]

    def copy(cursor: Any, chunk: bytes) -> None:
        with cursor.cursor.copy(f"COPY cases_appeal ({columns}) FROM STDIN") as into:
            into.write(chunk)

    def copy_all(cursor: Any) -> None:
        copy(cursor, data)

    def copy_batches(cursor: Any) -> None:
        # As the import writes them: one COPY per 2,000 rows.
        for start in range(0, len(lines), 2000):
            copy(cursor, b"".join(lines[start : start + 2000]))

    def inserts(cursor: Any) -> None:
        for pk in single:
            cursor.execute(
                f"INSERT INTO cases_appeal ({columns}) SELECT {columns} FROM cases_appeal "  # noqa: S608
                "WHERE id = %s",
                [pk],
            )

    def timed(write: Any, triggers: bool) -> float:
        with transaction.atomic(), connection.cursor() as cursor:
            if not triggers:
                for name in APPEAL_COUNT_TRIGGERS:
                    cursor.execute(f"ALTER TABLE cases_appeal DISABLE TRIGGER {name}")
            started = time.perf_counter()
            write(cursor)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        return seconds

    figures: dict[str, Any] = {"rows": rows, "single_row_inserts": len(single)}
    runs = max(3, min(ctx.runs, 7))
    for name, write in (
        ("copy", copy_all),
        ("statements_of_2000", copy_batches),
        ("inserts", inserts),
    ):
        with_t: list[float] = []
        without_t: list[float] = []
        timed(write, True)  # warm-up
        for _ in range(runs):  # interleaved, as above
            with_t.append(timed(write, True))
            without_t.append(timed(write, False))
        on, off = summary(with_t), summary(without_t)
        figures[name] = {
            "with_triggers": on,
            "without": off,
            "ratio_p50": round(on["p50_ms"] / off["p50_ms"], 3),
        }
        log(f"{name}: {on['p50_ms']:.0f} ms with triggers, {off['p50_ms']:.0f} ms without")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM cases_appeal, cases_appealcount_pending")  # the rolled-back rows
    return figures
