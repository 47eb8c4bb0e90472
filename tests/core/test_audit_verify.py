"""Checking the whole chain from the audit-log page: a background task, one at a time,
never work done inside the request."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from himoya.accounts.models import Role
from himoya.core.audit_verify import _RUN_LOCK, audit_verify
from himoya.core.models import AuditEvent
from tests.conftest import finish as _finish
from tests.conftest import make_client
from tests.factories import OrganisationFactory, UserFactory

INTACT = "The chain is intact"


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=audit_verify.module_path))


@pytest.fixture
def coordinator(db: Any) -> Any:
    org = OrganisationFactory(slug="verify-org")
    return UserFactory(organisation=org, role=Role.COORDINATOR)


def test_the_page_never_checks_the_chain_itself(coordinator: Any) -> None:
    client = make_client(coordinator)
    page = client.get("/staff/audit/?verify=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert INTACT not in page
    assert not AuditEvent.objects.filter(action="audit.verified").exists()
    assert _queued() == []


def test_a_request_queues_one_check_at_a_time(coordinator: Any) -> None:
    client = make_client(coordinator)
    assert client.get("/staff/audit/verify/").status_code == 405
    response = client.post("/staff/audit/verify/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "is queued" in response.content.decode()
    (queued,) = _queued()
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs == {"args": [], "kwargs": {}}
    again = client.post("/staff/audit/verify/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = again.content.decode()
    assert "already queued or running" in page and " disabled>" in page
    assert len(_queued()) == 1
    requested = AuditEvent.objects.filter(action="audit.verify_requested")
    assert requested.count() == 1
    assert requested.get().organisation_id == coordinator.organisation_id
    # Once the check has finished, a new one may be queued.
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    client.post("/staff/audit/verify/")
    assert len(_queued()) == 2


def test_only_who_reads_the_audit_log_may_ask(coordinator: Any) -> None:
    lawyer = UserFactory(organisation=coordinator.organisation, role=Role.LAWYER)
    assert make_client(lawyer).post("/staff/audit/verify/").status_code == 403
    assert _queued() == []


@pytest.mark.django_db(transaction=True, databases=["default", "progress"])
def test_the_worker_checks_the_chain_and_the_page_shows_the_result(start_worker: Any) -> None:  # noqa: F811
    coordinator = UserFactory(
        organisation=OrganisationFactory(slug="verify-org"), role=Role.COORDINATOR
    )
    client = make_client(coordinator)
    client.post("/staff/audit/verify/")
    code, out = _finish(start_worker("--batch"))
    assert code == 0, out
    (done,) = _queued()
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    event = AuditEvent.objects.get(action="audit.verified")
    assert event.actor_label == "task:audit_verify"
    assert event.data["ok"] is True and event.data["checked"] == done.return_value > 0
    page = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Last check (" in page and INTACT in page

    # A check started while another runs does nothing and records nothing.
    client.post("/staff/audit/verify/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_RUN_LOCK])
        try:
            code, out = _finish(start_worker("--batch"))
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_RUN_LOCK])
    assert code == 0, out
    assert sorted(r.return_value for r in _queued()) == [0, done.return_value]
    assert AuditEvent.objects.filter(action="audit.verified").count() == 1
