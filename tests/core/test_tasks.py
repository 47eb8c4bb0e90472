"""Background tasks through a real ``himoya worker`` process on PostgreSQL.

The worker runs as a subprocess pointed at the test database, so these tests use
``transactional_db``: the worker only sees rows the test committed.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import pytest
from django.db import connections, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from himoya.core.models import AuditEvent, JobProgress
from himoya.core.progress import progress_get, progress_set
from himoya.core.tasks import TaskArgumentError, check_task_arguments, enqueue_on_commit
from himoya.core.workers import WORKER_PREFIX, live_workers, requeue_orphans
from tests.conftest import finish as _finish
from tests.conftest import until as _until
from tests.testapp import tasks

BOTH = ["default", "progress"]


def worker_test(test: Callable[..., None]) -> Callable[..., None]:
    marked = pytest.mark.django_db(transaction=True, databases=BOTH)(test)
    return marked


def _status(result_id: str) -> str:
    return str(DBTaskResult.objects.get(id=result_id).status)


@pytest.mark.parametrize(
    "args",
    [
        ("Aziz Karimov",),  # a name
        ("+7 701 000 00 00",),  # a phone number
        ({"person": 1},),
        (1.5,),
        (AuditEvent(),),
    ],
)
def test_arguments_other_than_ids_and_codes_are_refused(args: tuple[object, ...]) -> None:
    with pytest.raises(TaskArgumentError):
        check_task_arguments(args, {})
    with pytest.raises(TaskArgumentError):
        check_task_arguments((), {"value": args[0]})


def test_ids_codes_and_lists_of_them_are_accepted() -> None:
    check_task_arguments(
        (42, "5b0f3a1c-7d2e-4c44-9a65-0f1f0c1d2e3f", "ru", None, True), {"rows": [1, 2, 3]}
    )


@pytest.mark.django_db(transaction=True)
def test_refused_arguments_enqueue_nothing() -> None:
    with pytest.raises(TaskArgumentError), transaction.atomic():
        enqueue_on_commit(tasks.record, "Aziz Karimov")  # type: ignore[arg-type]
    with pytest.raises(TaskArgumentError):
        tasks.record.enqueue("Aziz Karimov")  # type: ignore[arg-type]
    assert not DBTaskResult.objects.exists()


@worker_test
def test_worker_runs_a_task_enqueued_on_commit_as_the_system_actor(start_worker) -> None:
    with transaction.atomic():
        enqueue_on_commit(tasks.record, 7)
        assert not DBTaskResult.objects.exists(), "enqueued before the commit"
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(tasks.record, 8)
        raise RuntimeError("rolled back")
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs == {"args": [7], "kwargs": {}}

    code, out = _finish(start_worker("--batch"))

    assert code == 0, out
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL, queued.traceback
    assert queued.return_value == str(queued.id)
    assert queued.worker_ids[0].startswith(WORKER_PREFIX)
    event = AuditEvent.objects.get(action="test.task_ran")
    assert event.actor_label == "task:record"
    assert event.request_id == f"task:{queued.id}"
    assert event.data == {"n": 7}


@worker_test
def test_progress_of_a_running_task_is_visible_before_its_transaction_commits(
    start_worker,
) -> None:
    result = tasks.hold.enqueue(1)
    worker = start_worker("--max-tasks", "1")

    _until(lambda: progress_get(tasks.wait_key(1)) is not None, "progress shows")
    progress = progress_get(tasks.wait_key(1))
    assert progress is not None and (progress.done, progress.total) == (3, 10)
    assert progress.fraction == pytest.approx(0.3)
    # The task's own writes are still uncommitted: this is why progress needs a
    # connection of its own.
    assert not AuditEvent.objects.filter(action="test.task_held").exists()
    assert _status(result.id) == TaskResultStatus.RUNNING

    progress_set(tasks.release_key(1), done=1, total=1)
    code, out = _finish(worker)

    assert code == 0, out
    assert _status(result.id) == TaskResultStatus.SUCCESSFUL
    progress = progress_get(tasks.wait_key(1))
    assert progress is not None and (progress.done, progress.total) == (10, 10)
    assert AuditEvent.objects.filter(action="test.task_held").count() == 1


@worker_test
def test_sigterm_lets_the_running_task_finish_then_stops(start_worker) -> None:
    result = tasks.hold.enqueue(2)
    worker = start_worker()
    _until(lambda: _status(result.id) == TaskResultStatus.RUNNING, "the task runs")
    _until(lambda: progress_get(tasks.wait_key(2)) is not None, "the task made progress")

    worker.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert worker.poll() is None, "stopped in the middle of a task"
    progress_set(tasks.release_key(2), done=1, total=1)
    code, out = _finish(worker)

    assert code == 0, out
    assert _status(result.id) == TaskResultStatus.SUCCESSFUL


@worker_test
def test_second_signal_stops_the_task_rolls_it_back_and_fails_it(start_worker) -> None:
    result = tasks.hold.enqueue(6)
    worker = start_worker()
    _until(lambda: progress_get(tasks.wait_key(6)) is not None, "the task made progress")

    worker.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    worker.send_signal(signal.SIGINT)
    code, out = _finish(worker)

    assert code == 0, out
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "builtins.SystemExit"
    assert not AuditEvent.objects.filter(action="test.task_held").exists()


@worker_test
def test_idle_worker_stops_at_once_on_sigterm(start_worker) -> None:
    worker = start_worker()
    # Started: it holds its liveness lock (a session other than ours) before polling.
    _until(
        lambda: _advisory_locks() > 0,
        "the worker holds its liveness lock",
    )
    assert live_workers() == 1
    worker.send_signal(signal.SIGTERM)
    code, out = _finish(worker, timeout=10)
    assert code == 0, out
    _until(lambda: _advisory_locks() == 0, "the lock is released")
    assert live_workers() == 0


def _advisory_locks() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid <> pg_backend_pid() "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@worker_test
def test_task_of_a_killed_worker_is_run_again_by_another(start_worker) -> None:
    result = tasks.hold.enqueue(3)
    first = start_worker("--sweep-interval", "0")
    _until(lambda: _status(result.id) == TaskResultStatus.RUNNING, "the task runs")
    # While its worker lives, nobody takes the task away from it.
    assert requeue_orphans(backend_name="default", max_attempts=3) == []

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    # django-tasks-db alone would leave the row RUNNING for ever.
    assert _status(result.id) == TaskResultStatus.RUNNING
    # PostgreSQL ends the dead worker's session (and releases its lock) on its own time.
    _until(
        lambda: requeue_orphans(backend_name="default", max_attempts=3) == [str(result.id)],
        "the dead worker's task is requeued",
    )
    assert _status(result.id) == TaskResultStatus.READY

    progress_set(tasks.release_key(3), done=1, total=1)
    code, out = _finish(start_worker("--batch"))

    assert code == 0, out
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(row.worker_ids) == 2 and row.worker_ids[0] != row.worker_ids[1]


@worker_test
def test_task_whose_workers_keep_dying_fails_after_max_attempts(start_worker) -> None:
    result = tasks.hold.enqueue(4)
    worker = start_worker("--sweep-interval", "0")
    _until(lambda: _status(result.id) == TaskResultStatus.RUNNING, "the task runs")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)

    _until(
        lambda: requeue_orphans(backend_name="default", max_attempts=1) == [str(result.id)],
        "the dead worker's task is failed",
    )
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "himoya.core.workers.WorkerLost"
    assert row.worker_ids[0] in row.traceback


@worker_test
def test_a_running_worker_sweeps_up_after_a_dead_one(start_worker) -> None:
    result = tasks.hold.enqueue(5)
    doomed = start_worker("--sweep-interval", "0")
    _until(lambda: _status(result.id) == TaskResultStatus.RUNNING, "the task runs")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    progress_set(tasks.release_key(5), done=1, total=1)

    sweeper = start_worker("--sweep-interval", "0.2", "--max-tasks", "1")
    code, out = _finish(sweeper)

    assert code == 0, out
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(row.worker_ids) == 2


@worker_test
def test_progress_rows_are_readable_by_key() -> None:
    assert progress_get("tests.none:1") is None
    progress_set("tests.some:1", done=2, total=None)
    first = progress_get("tests.some:1")
    assert first is not None and first.fraction is None
    progress_set("tests.some:1", done=4, total=8)
    assert JobProgress.objects.filter(key="tests.some:1").count() == 1
    again = progress_get("tests.some:1")
    assert again is not None and again.fraction == 0.5
