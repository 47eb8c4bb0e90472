"""Register benchmarks: the 100,000-row import and `himoya stats` against a raw GROUP BY."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import connection

from bench.generate import register_rows, write_csv
from bench.run import Context, benchmark, log, summary, timings
from himoya.accounts.models import Organisation
from himoya.cases.importing import import_cases
from himoya.cases.stats import stats_organisations, yearly_stats
from himoya.core.policies import SystemActor

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

    appeals = yearly_stats(actor=actor, year=year, organisation=org)["appeals"]["total"]
    figures: dict[str, Any] = {"cases": ctx.size, "appeals_in_year": appeals, **measure()}
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
