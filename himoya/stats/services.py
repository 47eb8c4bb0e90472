"""Write services of the statistics: rebuilding the appeal count table."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from himoya.core.audit import audit_record
from himoya.core.policies import require
from himoya.stats import report


def appeal_counts_rebuild(*, actor: Any) -> tuple[int, int]:
    """Recomputes the appeal count table from the appeals (after a data-only restore, or
    SQL run with triggers disabled). Returns (groups, groups that were wrong)."""
    require(actor, "stats.rebuild")
    with transaction.atomic():
        # The chain's lock first, then the folds' lock: committing writers take them in
        # that order too, so the two waits never cross.
        audit_record(actor=actor, action="stats.rebuild")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [report.FOLD_LOCK])
            cursor.execute(report.DIFFERENCES_SQL)
            groups, wrong = (int(v) for v in cursor.fetchone())
            if wrong:
                # This transaction's own deltas are in the appeals counted here already.
                cursor.execute(
                    "DELETE FROM cases_appealcount_pending WHERE xid = txid_current_if_assigned()"
                )
                cursor.execute("DELETE FROM cases_appealcount")
                cursor.execute(
                    f"INSERT INTO cases_appealcount ({report.COUNT_KEY}, n) "  # noqa: S608
                    f"SELECT * FROM ({report.APPEAL_COUNTS_SQL}) AS counts "
                    f"ORDER BY {report.COUNT_KEY}"
                )
    return groups, wrong
