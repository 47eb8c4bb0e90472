"""Shapes of a case's day-to-day work in the API: its notes, tasks and timeline events
(kept apart from ``schemas.py``, which holds the register's own shapes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import StringConstraints

from himoya.api.schemas import StaffRef
from himoya.api.types import Id, InputSchema, IsoDate


class NoteIn(InputSchema):
    text: Annotated[str, StringConstraints(min_length=1, max_length=20000)]


class NoteOut(Schema):
    id: int
    text: str
    author: StaffRef | None
    created_at: dt.datetime


class TaskIn(InputSchema):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    due_on: IsoDate | None = None
    remind_on: IsoDate | None = None
    assignee: Id | None = None


class TaskOut(Schema):
    id: int
    title: str
    due_on: dt.date | None
    remind_on: dt.date | None
    assignee: StaffRef | None
    done_at: dt.datetime | None
    created_at: dt.datetime


class EventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    actor: StaffRef | None
    data: dict[str, object]
