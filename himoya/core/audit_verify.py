"""Checking the whole audit chain on request from the audit-log page, as background work.

Re-computing every hash reads the whole table, so a page does not do it: a coordinator's
request queues one task, and while a check is queued or running another request queues
nothing (the queue is looked at under a lock, so two requests at once queue one). The
task itself also runs alone (a session advisory lock), in case a check was queued some
other way. Its result is an audit event (``audit.verified``), which the page shows.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from himoya.core.audit import verify_chain
from himoya.core.events import record_event
from himoya.core.models import AuditEvent
from himoya.core.policies import require
from himoya.core.tasks import task, task_actor

_REQUEST_LOCK = 0x48594D56524551  # queueing a check
_RUN_LOCK = 0x48594D5652554E  # running one


@task()
def audit_verify() -> int:
    """Re-computes the chain and records the outcome; returns the number of events
    checked (0 when another check was running, which then records the outcome)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_RUN_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        try:
            report = verify_chain()
            data: dict[str, Any] = {"ok": report.ok, "checked": report.checked}
            data["head"] = report.head_seq if report.ok else None
            data["broken"] = report.broken_seq
            record_event(actor=task_actor(), action="audit.verified", data=data)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_RUN_LOCK])
    return report.checked


def verification_pending() -> bool:
    """Whether a check is queued or running."""
    return DBTaskResult.objects.filter(
        task_path=audit_verify.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()


def last_verification() -> AuditEvent | None:
    """The outcome of the latest check."""
    return AuditEvent.objects.filter(action="audit.verified").order_by("-seq").first()


def audit_verify_request(*, actor: Any, organisation: Any) -> bool:
    """Queues a check of the whole chain unless one is queued or running; True when
    this call queued it."""
    require(actor, "audit.view", organisation)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REQUEST_LOCK])
        if verification_pending():
            return False
        # Queued inside the transaction rather than on commit: the row must exist when
        # the lock is released, and no worker sees it before the commit anyway.
        audit_verify.enqueue()
        record_event(actor=actor, action="audit.verify_requested", organisation=organisation)
    return True
