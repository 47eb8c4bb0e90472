"""Background tasks: Django's tasks API (the django-tasks backport until Django 6),
stored in the database by django-tasks-db and run by ``himoya worker``.

The conventions every task follows (docs/background-work.md):

- **Arguments are ids.** A task's arguments and return value are stored in the database
  in clear (``django_tasks_database_dbtaskresult``), so they carry ids and short codes,
  never model instances, names, text or anything personal. ``DatabaseBackend`` refuses
  any other argument at enqueue time (``check_task_arguments``); it cannot recognise a
  name typed as an identifier, so the rule stays the author's. Exception messages end up
  in the stored traceback: a task raises with ids, not values.
- **Tasks are idempotent.** A task may run again: after its worker died
  (``himoya worker`` puts the task back in the queue) or when someone enqueues it twice.
  It re-reads its rows, does what is still to be done, and writes in a transaction.
- **Enqueue on commit.** ``enqueue_on_commit(task, ...)`` queues the task when the
  surrounding transaction commits, so a worker never runs a task for rows that were
  rolled back, and never before they are visible.
- **System actor and audit context.** While a task runs, the audit context carries
  ``task:<result id>`` as its request id, so every audit event the task writes says which
  task wrote it, and ``task_actor()`` gives the ``SystemActor`` to pass to services.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ParamSpec, TypeVar

import django_tasks_db
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResult, task
from django_tasks.base import Task
from django_tasks.signals import task_finished, task_started

from himoya.core import context
from himoya.core.policies import SystemActor

__all__ = [
    "DatabaseBackend",
    "RunningTask",
    "TaskArgumentError",
    "check_task_arguments",
    "enqueue_on_commit",
    "running_task",
    "task",
    "task_actor",
]

P = ParamSpec("P")
T = TypeVar("T")

# Short lower-case codes ("ru", "cases.import", "xlsx"): what may stand beside ids.
_CODE = re.compile(r"[a-z][a-z0-9_.:-]{0,63}\Z")


class TaskArgumentError(TypeError):
    """A task was given an argument that is not an id or a short code."""


def _allowed(value: Any) -> bool:
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, str):
        if _CODE.match(value):
            return True
        try:
            uuid.UUID(value)
        except ValueError:
            return False
        return True
    if isinstance(value, list | tuple):
        return all(_allowed(item) for item in value)
    return False


def check_task_arguments(args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    """Refuse arguments other than ids (integers, UUID strings), short lower-case codes,
    booleans, None, and lists of these: they are stored in the database in clear."""
    for position, value in enumerate(args):
        if not _allowed(value):
            raise TaskArgumentError(
                f"task argument {position} is a {type(value).__name__} that is not an id "
                "or a short code; pass ids and let the task read its rows"
            )
    for name, value in kwargs.items():
        if not _allowed(value):
            raise TaskArgumentError(
                f"task argument {name!r} is a {type(value).__name__} that is not an id "
                "or a short code; pass ids and let the task read its rows"
            )


class DatabaseBackend(django_tasks_db.DatabaseBackend):
    """django-tasks-db's backend, refusing arguments that could carry personal data."""

    # Typed loosely: the stubs describe django.tasks (Django 6), the backport differs.
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        if _is_wagtail(task):
            return _wagtail_backend().enqueue(task, args, kwargs)
        check_task_arguments(args, kwargs)
        return super().enqueue(task, args, kwargs)

    async def aenqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        if _is_wagtail(task):
            return await _wagtail_backend().aenqueue(task, args, kwargs)
        check_task_arguments(args, kwargs)
        return await super().aenqueue(task, args, kwargs)


def _is_wagtail(task: Any) -> bool:
    """Wagtail's own housekeeping (the public site's content store: its reference index,
    its search index (modelsearch), image focal points, removing a deleted document's
    file). It passes content labels,
    string ids and storage paths, which our id-only rule refuses; it touches no case
    data, so it runs at once in the request, as Wagtail runs it without a task queue."""
    return str(getattr(task, "module_path", "")).startswith(("wagtail.", "modelsearch."))


def _wagtail_backend() -> Any:
    from django_tasks.backends.immediate import ImmediateBackend

    return ImmediateBackend("default", {"QUEUES": ["default"]})


def enqueue_once_a_day(task: Task[[], Any]) -> bool:
    """Queues ``task`` (one without arguments) unless it was queued since midnight, local
    time. Every machine's timer may call this: an advisory lock per task makes the check
    and the insert one step, so only the first caller of the day queues it. The row is
    inserted in the transaction (not on commit), so it exists before the lock goes.
    Returns whether it queued the task."""
    from django_tasks_db.models import DBTaskResult

    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    lock = int.from_bytes(hashlib.sha256(task.module_path.encode()).digest()[:7], "big")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        if DBTaskResult.objects.filter(
            task_path=task.module_path, enqueued_at__gte=midnight
        ).exists():
            return False
        task.enqueue()
    return True


def enqueue_on_commit(task: Task[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Queue ``task`` once the current transaction on the default database commits
    (at once outside a transaction). Arguments are checked now, so a mistake fails in
    the caller rather than after the commit."""
    check_task_arguments(args, kwargs)
    enqueue: Callable[[], Any] = partial(task.enqueue, *args, **kwargs)
    transaction.on_commit(enqueue, using=DEFAULT_DB_ALIAS, robust=False)


@dataclass(frozen=True)
class RunningTask:
    name: str
    result_id: str


_running: contextvars.ContextVar[RunningTask | None] = contextvars.ContextVar(
    "himoya_running_task", default=None
)
_tokens: dict[str, tuple[contextvars.Token[RunningTask | None], Any]] = {}


def running_task() -> RunningTask | None:
    """The task running in this thread, if any."""
    return _running.get()


def task_actor() -> SystemActor:
    """The actor for services a task calls, recorded in the audit log as ``task:<name>``."""
    current = _running.get()
    if current is None:
        raise RuntimeError("task_actor() is for code run by a task worker")
    return SystemActor(f"task:{current.name}")


@receiver(task_started, dispatch_uid="himoya.core.tasks.bind_task_context")
def _bind_task_context(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    running = RunningTask(name=task_result.task.name, result_id=str(task_result.id))
    task_token = _running.set(running)
    facts_token = context.bind(context.RequestFacts(request_id=f"task:{running.result_id}"))
    _tokens[running.result_id] = (task_token, facts_token)


@receiver(task_finished, dispatch_uid="himoya.core.tasks.unbind_task_context")
def _unbind_task_context(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    tokens = _tokens.pop(str(task_result.id), None)
    if tokens is None:
        return
    task_token, facts_token = tokens
    context.reset(facts_token)
    _running.reset(task_token)
