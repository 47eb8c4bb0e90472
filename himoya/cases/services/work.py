"""The work on a case: violations recorded, notes, tasks, court hearings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import User
from himoya.cases.models import (
    Case,
    Hearing,
    Note,
    Task,
    Violation,
)
from himoya.cases.services.common import (
    not_in_future,
    user_of,
)
from himoya.cases.services.search import reindex_case
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.reference import vocab
from himoya.reference.models import Facility
from himoya.reference.services import retired_place, term_for

if TYPE_CHECKING:
    pass


def violation_add(
    *,
    actor: Any,
    case: Case,
    type_code: str,
    occurred_on: dt.date | None = None,
    facility: Facility | None = None,
    description: str = "",
) -> Violation:
    require(actor, "case.edit", case)
    term = term_for(vocab.VIOLATION, type_code, field_name="type")
    not_in_future(occurred_on, field_name="occurred_on")
    if facility is not None and not facility.active:
        raise ValidationError({"facility": retired_place()})
    with transaction.atomic():
        violation = Violation.objects.create(
            case=case,
            type=term,
            occurred_on=occurred_on,
            facility=facility,
            description=description,
        )
        record_event(
            actor=actor,
            action="violation.add",
            obj=violation,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "type": type_code},
        )
        if description:
            reindex_case(case)
    return violation


def note_add(*, actor: Any, case: Case, text: str) -> Note:
    require(actor, "case.note", case)
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    with transaction.atomic():
        note = Note.objects.create(case=case, text=text, author=user_of(actor))
        record_event(
            actor=actor,
            action="note.add",
            obj=note,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "note": note.pk},
        )
        reindex_case(case)
    return note


def task_add(
    *,
    actor: Any,
    case: Case,
    title: str,
    due_on: dt.date | None = None,
    remind_on: dt.date | None = None,
    assignee: User | None = None,
) -> Task:
    require(actor, "case.edit", case)
    if not title.strip():
        raise ValidationError({"title": _("Describe the task.")})
    if assignee is not None and assignee.organisation_id != case.organisation_id:
        raise ValidationError({"assignee": _("Choose a staff member of this organisation.")})
    if due_on and remind_on and remind_on > due_on:
        raise ValidationError({"remind_on": _("The reminder is after the due date.")})
    with transaction.atomic():
        task = Task.objects.create(
            case=case,
            title=title.strip(),
            due_on=due_on,
            remind_on=remind_on,
            assignee=assignee or case.lawyer,
            created_by=user_of(actor),
        )
        record_event(
            actor=actor,
            action="task.add",
            obj=task,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "task": task.pk, "due_on": str(due_on or "")},
        )
    return task


def task_complete(*, actor: Any, task: Task) -> Task:
    require(actor, "case.edit", task.case)
    if task.done_at:
        return task
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        record_event(
            actor=actor,
            action="task.done",
            obj=task,
            organisation=task.case.organisation,
            case=task.case,
            data={"case": task.case_id, "task": task.pk},
        )
    return task


def hearing_add(
    *,
    actor: Any,
    case: Case,
    court: str,
    starts_at: dt.datetime,
    attendees: Iterable[User] = (),
    note: str = "",
) -> Hearing:
    require(actor, "case.edit", case)
    if not court.strip():
        raise ValidationError({"court": _("Enter the court.")})
    attendees = list(attendees)
    if any(a.organisation_id != case.organisation_id for a in attendees):
        raise ValidationError({"attendees": _("Choose staff of this organisation.")})
    with transaction.atomic():
        hearing = Hearing.objects.create(
            case=case, court=court.strip(), starts_at=starts_at, note=note
        )
        hearing.attendees.set(attendees)
        record_event(
            actor=actor,
            action="hearing.add",
            obj=hearing,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "hearing": hearing.pk, "starts_at": starts_at.isoformat()},
        )
    return hearing
