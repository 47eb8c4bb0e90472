"""Request and response shapes of the API (they make the OpenAPI schema).

Responses are built field by field in ``serialize.py``; a field appears here only if
every caller who reaches the endpoint may see it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

# Bounded so that no value reaches the database that it cannot compare (a 64-bit key,
# a 32-bit version, a sane page offset): out of range is a 422, never a 500.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
Offset = Annotated[int, Field(ge=0, le=10_000_000)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
Code = Annotated[str, StringConstraints(max_length=40)]
TermCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
StatusCode = Literal["new", "in_review", "in_progress", "awaiting_answer", "closed"]
SexCode = Literal["male", "female", "other", "unknown"]


def _refuse_nul(value: Any) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("null_character", "null characters are not allowed")
    if isinstance(value, list | tuple):
        for item in value:
            _refuse_nul(item)


class CleanInput(Schema):
    """Any request input: no NUL characters in text (PostgreSQL refuses them, so they
    would otherwise end as a server error)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        _refuse_nul(value)
        return value


class InputSchema(CleanInput):
    """A request body: an unknown field is an error, so a misspelt field name is
    reported instead of being silently ignored."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- errors


class ErrorOut(Schema):
    detail: str
    code: str = ""
    action: str | None = Field(None, description="on 403: the rule that refused, e.g. case.manage")


class ValidationErrorOut(Schema):
    detail: str
    code: str = "invalid"
    errors: dict[str, list[str]]


class ConflictOut(Schema):
    detail: str
    code: str = "concurrent_edit"
    current_version: int
    changed_by: str
    changed_at: dt.datetime


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}


# ---------------------------------------------------------------- shared pieces


class StaffRef(Schema):
    id: int
    name: str


class TeamRef(Schema):
    id: int
    name: str


class OrganisationRef(Schema):
    id: int
    slug: str
    name: str


class TermRef(Schema):
    code: str
    label: str


class RegionRef(Schema):
    id: int
    name: str


class CaseRef(Schema):
    id: int
    number: str


class FacilityRef(Schema):
    id: int
    name: str


class PageMeta(Schema):
    total: int
    limit: int
    offset: int


# ---------------------------------------------------------------- who am I


class TokenInfo(Schema):
    prefix: str
    name: str
    expires_at: dt.datetime


class MeOut(Schema):
    id: int
    name: str
    email: str
    role: str
    language: str
    organisation: OrganisationRef | None
    authenticated_by: Literal["token", "session"]
    token: TokenInfo | None


# ---------------------------------------------------------------- reference data


class TermOut(Schema):
    code: str
    label: str
    label_ru: str
    label_kk: str
    label_tg: str
    label_en: str
    active: bool


class VocabularyOut(Schema):
    name: str
    terms: list[TermOut]


class RegionOut(Schema):
    id: int
    country: str
    code: str
    name: str
    name_ru: str
    name_kk: str
    name_tg: str
    name_en: str


class FacilityOut(Schema):
    id: int
    name: str
    country: str
    region: RegionRef | None
    type: TermRef | None
    agency: TermRef | None
    address: str
    source: str
    verified: bool


class FacilityPage(PageMeta):
    items: list[FacilityOut]


class FacilityIn(InputSchema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    country: Country
    region: Id | None = None
    type: Code = ""
    agency: Code = ""
    address: Annotated[str, StringConstraints(max_length=300)] = ""
    source: Annotated[str, StringConstraints(max_length=300)] = ""


# ---------------------------------------------------------------- persons


class PersonIn(InputSchema):
    full_name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    sex: SexCode = "unknown"
    birth_date: Annotated[str, StringConstraints(max_length=10)] = Field(
        "", description="YYYY-MM-DD, or the year alone as YYYY"
    )
    phone: Annotated[str, StringConstraints(max_length=60)] = ""
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    address: Annotated[str, StringConstraints(max_length=500)] = ""
    document_number: Annotated[str, StringConstraints(max_length=60)] = ""
    notes: str = ""


class PersonPatch(InputSchema):
    """Fields left out keep their value."""

    full_name: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    sex: SexCode | None = None
    birth_date: Annotated[str, StringConstraints(max_length=10)] | None = None
    phone: Annotated[str, StringConstraints(max_length=60)] | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = None
    document_number: Annotated[str, StringConstraints(max_length=60)] | None = None
    notes: str | None = None


class PersonBrief(Schema):
    id: int
    full_name: str
    sex: str


class PersonCaseOut(Schema):
    id: int
    number: str
    roles: list[str]


class PersonOut(Schema):
    id: int
    full_name: str
    sex: str
    birth_date: str
    phone: str
    email: str
    address: str
    document_number: str
    notes: str
    created_at: dt.datetime
    cases: list[PersonCaseOut]


class PersonPage(PageMeta):
    items: list[PersonBrief]


class DuplicateQuery(InputSchema):
    full_name: Annotated[str, StringConstraints(max_length=300)] = ""
    phone: Annotated[str, StringConstraints(max_length=60)] = ""
    document_number: Annotated[str, StringConstraints(max_length=60)] = ""


class DuplicateHintOut(Schema):
    field: str
    case_numbers: list[str]


# ---------------------------------------------------------------- appeals


class AppealIn(InputSchema):
    """Registers an appeal. Without ``case`` it opens a new case from the case facts
    given here; with ``case`` it joins that case (the case facts are then only the
    appeal's statistical snapshot)."""

    case: Id | None = Field(None, description="id of an existing case to join")
    received_on: dt.date
    channel: TermCode
    consent_processing: bool
    content: str = ""
    urgency: Literal["normal", "urgent", "emergency"] = "normal"
    consent_representation: bool = False
    victim: PersonIn | None = None
    victim_id: Id | None = None
    victim_is_minor: bool | None = None
    applicant: PersonIn | None = None
    applicant_id: Id | None = None
    applicant_relation: Annotated[str, StringConstraints(max_length=100)] = ""
    country: Annotated[str, StringConstraints(pattern=r"^([A-Za-z]{2})?$")] = ""
    region: Id | None = None
    facility: Id | None = None
    agency: TermCode = "unknown"
    violations: list[TermCode] = []
    events_from: dt.date | None = None
    events_to: dt.date | None = None
    summary: str = ""
    legal_aid: bool = False
    rehabilitation: Literal["none", "medical", "psychological", "both"] = "none"
    rehabilitation_started_on: dt.date | None = None
    team: Id | None = None
    lawyer: Id | None = None
    external_id: Annotated[str, StringConstraints(max_length=100)] | None = None


class AppealOut(Schema):
    id: int
    case: CaseRef
    received_on: dt.date
    channel: TermRef
    urgency: str
    content: str
    applicant: PersonBrief | None
    victim: PersonBrief | None
    consent_processing: bool
    consent_representation: bool
    legal_aid: bool
    rehabilitation: str
    rehabilitation_started_on: dt.date | None
    created_at: dt.datetime


# ---------------------------------------------------------------- cases


class CaseFilterIn(CleanInput):
    status: StatusCode | None = None
    violation: Code | None = None
    agency: Code | None = None
    facility: Id | None = None
    region: Id | None = None
    lawyer: Id | None = None
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    overdue: bool = False
    q: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="full-text search over names, numbers, summaries, appeals and notes"
    )
    limit: int = Field(50, ge=1, le=200)
    offset: Offset = 0


class CaseListItem(Schema):
    id: int
    number: str
    external_id: str | None
    status: str
    outcome: str
    opened_on: dt.date
    closed_on: dt.date | None
    country: str
    region: RegionRef | None
    facility: FacilityRef | None
    agency: TermRef | None
    team: TeamRef | None
    lawyer: StaffRef | None
    has_minor_victim: bool
    version: int
    updated_at: dt.datetime


class CasePage(PageMeta):
    items: list[CaseListItem]


class PartyOut(Schema):
    person: PersonBrief
    role: str
    is_minor: bool
    relation: str


class ViolationOut(Schema):
    id: int
    type: TermRef
    occurred_on: dt.date | None
    facility: int | None
    description: str


class CaseOut(CaseListItem):
    summary: str
    events_from: dt.date | None
    events_to: dt.date | None
    updated_by: StaffRef | None
    parties: list[PartyOut]
    violations: list[ViolationOut]


class CasePatch(InputSchema):
    """Fields left out keep their value; ``null`` clears the region or the facility.
    ``version`` is the version the client last read: an edit made against an older one
    is refused with 409."""

    version: Version
    summary: str | None = None
    country: Country | None = None
    region: Id | None = None
    facility: Id | None = None
    agency: TermCode | None = None
    events_from: dt.date | None = None
    events_to: dt.date | None = None


class StatusIn(InputSchema):
    version: Version
    status: StatusCode
    outcome: Code = Field("", description="required when closing")


class NoteIn(InputSchema):
    text: Annotated[str, StringConstraints(min_length=1, max_length=20000)]


class NoteOut(Schema):
    id: int
    text: str
    author: StaffRef | None
    created_at: dt.datetime


class TaskIn(InputSchema):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    due_on: dt.date | None = None
    remind_on: dt.date | None = None
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
