"""Scheduled publication of public pages, run by ``himoya worker``.

Wagtail publishes a page whose approved go-live time has come (and unpublishes an
expired one) only when its ``publish_scheduled`` command runs. A timer on each host runs
``himoya publish-scheduled-pages --queue`` every few minutes; that queues one run unless
one is already waiting, and a worker runs it."""

from __future__ import annotations

import hashlib
import io

from django.core.management import call_command
from django.db import connection, transaction
from django_tasks import TaskResultStatus

from himoya.core.tasks import task


@task()
def scheduled_pages_publish() -> None:
    # Wagtail logs each publication with no user; cms_audit records it as this task.
    call_command("publish_scheduled", stdout=io.StringIO())


def scheduled_pages_enqueue() -> bool:
    """Queues a run unless one is waiting for a worker. Every host's timer may call it:
    an advisory lock makes the check and the insert one step. Returns whether it queued."""
    from django_tasks_db.models import DBTaskResult

    path = scheduled_pages_publish.module_path
    lock = int.from_bytes(hashlib.sha256(path.encode()).digest()[:7], "big")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        if DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).exists():
            return False
        scheduled_pages_publish.enqueue()
    return True
