"""Closing a case with its open work decided: each open task is completed, kept open or
handed over to a colleague who may work on the case, each coming hearing cancelled or
kept. Closing refuses while anything is undecided, so nothing stays open unless someone
chose to keep it. Reassigning a case can move its lawyer's open tasks along with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import User
from himoya.cases.models import Case, CaseStatus, Task
from himoya.cases.selectors import open_work
from himoya.core.events import record_event
from himoya.core.policies import can, require
from himoya.reference import vocab
from himoya.reference.selectors import terms_for_country


@dataclass(frozen=True)
class TaskDecision:
    """What becomes of one open task: ``done``, ``keep`` (stays open with its
    assignee) or ``hand_over`` (stays open, assigned to ``to``)."""

    DONE = "done"
    KEEP = "keep"
    HAND_OVER = "hand_over"

    action: str
    to: User | None = None


class HearingDecision:
    CANCEL = "cancel"
    KEEP = "keep"


@dataclass
class Closing:
    """What one closing did, by id (what its audit event records)."""

    tasks_done: list[int] = field(default_factory=list)
    tasks_kept: list[int] = field(default_factory=list)
    tasks_handed: dict[int, int] = field(default_factory=dict)  # task -> new assignee
    hearings_cancelled: list[int] = field(default_factory=list)
    hearings_kept: list[int] = field(default_factory=list)


def _field(kind: str, pk: int) -> str:
    return f"{kind}_{pk}"


def case_close(
    *,
    actor: Any,
    case: Case,
    outcome: str,
    expected_version: int | None,
    tasks: Mapping[int, TaskDecision] | None = None,
    hearings: Mapping[int, str] | None = None,
) -> Closing:
    """Closes ``case`` with ``outcome`` and, in the same transaction, does what was
    decided for each of its open tasks (``tasks`` by task id) and coming hearings
    (``hearings`` by hearing id: ``cancel`` or ``keep``). Work without a decision is
    refused (``task_<id>`` / ``hearing_<id>`` errors); decisions about anything no
    longer open (done or past meanwhile, or not of this case) are ignored."""
    from himoya.cases.services.cases import bump  # cases.py delegates closing here

    require(actor, "case.edit", case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"status": _("The case is already closed.")})
    # The case's own outcome stays acceptable when retired since (as the form offers).
    own = [case.outcome.code] if case.outcome_id and case.outcome else []
    term = terms_for_country(vocab.OUTCOME, case.country, keep=own).filter(code=outcome).first()
    if term is None:
        raise ValidationError({"outcome": _("Choose the outcome to close the case.")})
    tasks = tasks or {}
    hearings = hearings or {}
    done = Closing()
    now = timezone.now()
    with transaction.atomic():
        # Locked, so work added or finished meanwhile is either seen here or waits.
        work = open_work(case, lock=True)
        errors: dict[str, list[str]] = {}
        for task in work.tasks:
            decision = tasks.get(task.pk)
            if decision is None or decision.action not in (
                TaskDecision.DONE,
                TaskDecision.KEEP,
                TaskDecision.HAND_OVER,
            ):
                errors[_field("task", task.pk)] = [
                    _("Choose whether to complete, keep or hand over this task.")
                ]
            elif decision.action == TaskDecision.HAND_OVER and not _may_take(decision.to, case):
                errors[_field("task", task.pk)] = [
                    _("Hand the task over to a staff member who may work on this case.")
                ]
        for hearing in work.hearings:
            if hearings.get(hearing.pk) not in (HearingDecision.CANCEL, HearingDecision.KEEP):
                errors[_field("hearing", hearing.pk)] = [
                    _("Choose whether to cancel or keep this hearing.")
                ]
        if errors:
            errors[NON_FIELD_ERRORS] = [
                _(
                    "Decide what becomes of each open task and coming hearing before "
                    "closing the case."
                )
            ]
            raise ValidationError(errors)
        for task in work.tasks:
            decision = tasks[task.pk]
            if decision.action == TaskDecision.DONE:
                task.done_at = now
                task.save(update_fields=["done_at"])
                done.tasks_done.append(task.pk)
                continue
            task.kept_after_closing = True
            if decision.action == TaskDecision.HAND_OVER and decision.to != task.assignee:
                assert decision.to is not None  # checked by _may_take
                task.assignee = decision.to
                done.tasks_handed[task.pk] = decision.to.pk
            else:
                done.tasks_kept.append(task.pk)
            task.save(update_fields=["kept_after_closing", "assignee"])
        for hearing in work.hearings:
            if hearings[hearing.pk] == HearingDecision.CANCEL:
                hearing.cancelled_at = now
                hearing.save(update_fields=["cancelled_at"])
                done.hearings_cancelled.append(hearing.pk)
            else:
                done.hearings_kept.append(hearing.pk)
        old = case.status
        case.status = CaseStatus.CLOSED
        case.outcome = term
        case.closed_on = timezone.localdate()
        bump(case, actor, expected_version, ["status", "outcome", "closed_on"])
        record_event(
            actor=actor,
            action="case.status",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"from": old, "to": CaseStatus.CLOSED, "outcome": term.code},
        )
        if work:
            record_event(
                actor=actor,
                action="case.close_work",
                obj=case,
                organisation=case.organisation,
                case=case,
                data={
                    "case": case.pk,
                    "tasks_done": done.tasks_done,
                    "tasks_kept": done.tasks_kept,
                    # Pairs, not a mapping: JSON would turn the task ids into strings.
                    "tasks_handed": [[t, u] for t, u in done.tasks_handed.items()],
                    "hearings_cancelled": done.hearings_cancelled,
                    "hearings_kept": done.hearings_kept,
                },
            )
        handed: dict[int, list[int]] = {}
        for task_pk, user_pk in done.tasks_handed.items():
            handed.setdefault(user_pk, []).append(task_pk)
        for user_pk, task_pks in sorted(handed.items()):
            record_event(
                actor=actor,
                action="task.reassign",
                obj=case,
                organisation=case.organisation,
                case=case,
                data={"case": case.pk, "tasks": task_pks, "to": user_pk},
            )
    return done


def _may_take(user: User | None, case: Case) -> bool:
    return bool(
        user is not None
        and user.is_active
        and user.organisation_id == case.organisation_id
        and can(user, "case.edit", case)
    )


def tasks_move(*, actor: Any, case: Case, previous: User | None, to: User) -> list[int]:
    """Moves the open tasks of ``previous`` (the case's former lawyer; with None, the
    tasks nobody has) on ``case`` to ``to``. Called by ``case_assign`` inside its
    transaction, after its permission check."""
    open_tasks = Task.objects.select_for_update().filter(case=case, done_at__isnull=True)
    if previous is None:
        open_tasks = open_tasks.filter(assignee__isnull=True)
    else:
        open_tasks = open_tasks.filter(assignee=previous)
    moved = sorted(open_tasks.values_list("pk", flat=True))
    if not moved:
        return []
    Task.objects.filter(pk__in=moved).update(assignee=to)
    record_event(
        actor=actor,
        action="task.reassign",
        obj=case,
        organisation=case.organisation,
        case=case,
        data={
            "case": case.pk,
            "tasks": moved,
            "from": previous.pk if previous else None,
            "to": to.pk,
        },
    )
    return moved


def closed_since(case: Case) -> dt.datetime | None:
    """When ``case`` was last closed (its last status change; the end of its closing
    day for a case imported closed), None if it is open."""
    if case.status != CaseStatus.CLOSED:
        return None
    last = case.events.filter(kind="case.status").order_by("-at", "-id").first()
    if last is not None:
        return last.at
    if case.closed_on is None:
        return None
    return timezone.make_aware(dt.datetime.combine(case.closed_on, dt.time.max))
