"""Request and response shapes of the API: the OpenAPI schema, and the only definition
of what a response holds.

Endpoints return model instances (or small typed objects for composite responses) and
ninja builds each response from the ``...Out`` schema, reading the attributes of the same
names or calling the schema's ``resolve_<field>`` for the others. A field appears here
only if every caller who reaches the endpoint may see it.

Encrypted fields are decrypted only for records the endpoint reached through a selector
or access helper. So a schema reads only what the endpoint handed it: a foreign key to
staff or to reference data, a record of the same case that the endpoint joined
(``select_related``), or a list the endpoint prefetched for the caller (``Prefetch``
with ``to_attr``, read by a resolver). It never follows a relation of its own accord:
that would be a query per row, and could reach a record the caller may not see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints

from himoya.cases.limits import STORY_MAX_CHARS, SUMMARY_MAX_CHARS
from himoya.cases.models import Rehabilitation
from himoya.core.damage import DAMAGED, DamagedValue, report

if TYPE_CHECKING:
    from himoya.accounts.models import Organisation, User
    from himoya.api.auth import Caller
    from himoya.api.models import ApiToken
    from himoya.cases.models import Case, Violation
    from himoya.reference.models import Region, Term

from himoya.api.types import (  # noqa: F401 (the schemas' vocabulary, used as s.Id etc.)
    COUNTRY_DOC,
    CleanInput,
    Code,
    Country,
    CountryOrEmpty,
    Flag,
    Id,
    InputSchema,
    IsoDate,
    NotABoolean,
    Offset,
    SexCode,
    StatusCode,
    TermCode,
    Version,
)

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
    # code "damaged": the record holds a value that does not open (see api/errors.py)
    409: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}


# ---------------------------------------------------------------- shared pieces


class StaffRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(user: User) -> str:
        return str(user)


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

    @staticmethod
    def resolve_name(region: Region) -> str:
        # the name in the request's language
        return str(region)


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


@dataclass(frozen=True)
class Page:
    """What a paged endpoint returns: one page of ``items`` (model instances, read by
    the page schema's item schema) and where it lies in the whole."""

    total: int
    limit: int
    offset: int
    items: Sequence[Any]


# ---------------------------------------------------------------- who am I


class TokenInfo(Schema):
    prefix: str
    name: str
    expires_at: dt.datetime


class MeOut(Schema):
    # read from the request's Caller: the user, and the token if one was sent
    id: int
    name: str
    email: str
    role: str
    language: str
    organisation: OrganisationRef | None
    authenticated_by: Literal["token", "session"]
    token: TokenInfo | None

    @staticmethod
    def resolve_id(who: Caller) -> int:
        return who.user.pk

    @staticmethod
    def resolve_name(who: Caller) -> str:
        return str(who.user)

    @staticmethod
    def resolve_email(who: Caller) -> str:
        return who.user.email

    @staticmethod
    def resolve_role(who: Caller) -> str:
        return who.user.role

    @staticmethod
    def resolve_language(who: Caller) -> str:
        return who.user.language

    @staticmethod
    def resolve_organisation(who: Caller) -> Organisation | None:
        return who.user.organisation

    @staticmethod
    def resolve_authenticated_by(who: Caller) -> str:
        return who.method

    @staticmethod
    def resolve_token(who: Caller) -> ApiToken | None:
        return who.token


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


@dataclass(frozen=True)
class Vocabulary:
    """A vocabulary's name and its terms, as ``VocabularyOut`` reads them."""

    name: str
    terms: Sequence[Term]


class RegionOut(Schema):
    id: int
    country: str
    code: str
    name: str
    name_ru: str
    name_kk: str
    name_tg: str
    name_en: str
    active: bool

    @staticmethod
    def resolve_name(region: Region) -> str:
        return str(region)


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
    active: bool


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
    """A person a response mentions. A name that does not open (moved or altered in the
    database) does not fail the response: ``damaged`` is true and ``full_name`` is the
    sentence the staff pages show, as the staff case list does."""

    id: int
    full_name: str
    sex: str
    damaged: bool = False

    @staticmethod
    def resolve_full_name(person: Any, context: Any) -> str:
        name = _open_name(person, context)
        return str(DAMAGED) if name is None else name

    @staticmethod
    def resolve_damaged(person: Any, context: Any) -> bool:
        return _open_name(person, context) is None


_DAMAGED_SEEN = "_api_damaged_name"


def _open_name(person: Any, context: Any) -> str | None:
    """The person's name, or None when it does not open (reported once per person)."""
    if person.__dict__.get(_DAMAGED_SEEN):
        return None
    try:
        return str(person.full_name)
    except DamagedValue as exc:
        person.__dict__[_DAMAGED_SEEN] = True
        auth = getattr((context or {}).get("request"), "auth", None)
        report(getattr(auth, "user", None), exc)
        return None


class PersonCaseOut(Schema):
    id: int
    number: str
    roles: list[str]


# The attribute a person's endpoint prefetches the person's parties into: only those in
# cases the caller sees (a case the caller may not see is not mentioned), in the order
# of ``cases`` (newest case first, then by role).
VISIBLE_PARTIES = "visible_parties"


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

    @staticmethod
    def resolve_cases(person: Any) -> list[dict[str, Any]]:
        # From the prefetched parties only, never person.parties itself (which holds
        # the person's cases in every organisation): without the prefetch this fails.
        cases: dict[int, dict[str, Any]] = {}
        for party in getattr(person, VISIBLE_PARTIES):
            entry = cases.setdefault(
                party.case_id, {"id": party.case_id, "number": party.case.number, "roles": []}
            )
            entry["roles"].append(party.role)
        return list(cases.values())


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
    received_on: IsoDate
    channel: TermCode
    consent_processing: Flag
    content: Annotated[str, StringConstraints(max_length=STORY_MAX_CHARS)] = ""
    urgency: Literal["normal", "urgent", "emergency"] = "normal"
    consent_representation: Flag = False
    victim: PersonIn | None = None
    victim_id: Id | None = None
    victim_is_minor: Flag | None = None
    applicant: PersonIn | None = None
    applicant_id: Id | None = None
    applicant_relation: Annotated[str, StringConstraints(max_length=100)] = ""
    country: CountryOrEmpty = ""
    region: Id | None = None
    facility: Id | None = None
    agency: TermCode = "unknown"
    violations: list[TermCode] = []
    events_from: IsoDate | None = None
    events_to: IsoDate | None = None
    summary: Annotated[str, StringConstraints(max_length=SUMMARY_MAX_CHARS)] = ""
    legal_aid: Flag = False
    rehabilitation: Rehabilitation = Rehabilitation.NONE
    rehabilitation_started_on: IsoDate | None = None
    team: Id | None = None
    lawyer: Id | None = None
    external_id: Annotated[str, StringConstraints(max_length=100)] | None = None
    office: Id | None = Field(
        None, description="id of the organisation's open office that received the appeal"
    )


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
    office: int | None = Field(None, description="id of the office that received it")
    created_at: dt.datetime

    @staticmethod
    def resolve_office(obj: Any) -> int | None:
        return obj.office_id


# ---------------------------------------------------------------- cases


class CaseFilterIn(CleanInput):
    status: StatusCode | None = None
    violation: Code | None = None
    agency: Code | None = None
    facility: Id | None = None
    region: Id | None = None
    lawyer: Id | None = None
    opened_from: IsoDate | None = None
    opened_to: IsoDate | None = None
    overdue: Flag = False
    limit: Annotated[int, Field(ge=1, le=200), NotABoolean] = 50
    offset: Offset = 0


class CaseSearchIn(CaseFilterIn):
    """The list's filters and the words of a full-text search, in a request body: words
    in a URL would reach access logs and browser history, so ``GET /cases/`` takes none."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, StringConstraints(max_length=200)] = Field(
        "", description="full-text search over names, numbers, summaries, appeals and notes"
    )


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

    @staticmethod
    def resolve_outcome(case: Case) -> str:
        # The code of the outcome term: the API's shape from before outcomes were data.
        return case.outcome.code if case.outcome else ""


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

    @staticmethod
    def resolve_facility(violation: Violation) -> int | None:
        # the id only (reading violation.facility would load the row, one query each)
        return violation.facility_id


# The attributes a case's endpoint prefetches its parties (persons joined, by role) and
# its violations (types joined, in the order entered) into.
CASE_PARTIES = "listed_parties"
CASE_VIOLATIONS = "listed_violations"


class CaseOut(CaseListItem):
    summary: str
    events_from: dt.date | None
    events_to: dt.date | None
    updated_by: StaffRef | None
    parties: list[PartyOut]
    violations: list[ViolationOut]

    @staticmethod
    def resolve_parties(case: Case) -> Any:
        return getattr(case, CASE_PARTIES)

    @staticmethod
    def resolve_violations(case: Case) -> Any:
        return getattr(case, CASE_VIOLATIONS)


class CasePatch(InputSchema):
    """Fields left out keep their value; ``null`` clears the region or the facility.
    ``version`` is the version the client last read: an edit made against an older one
    is refused with 409."""

    version: Version
    summary: Annotated[str, StringConstraints(max_length=SUMMARY_MAX_CHARS)] | None = None
    country: Country | None = None
    region: Id | None = None
    facility: Id | None = None
    agency: TermCode | None = None
    events_from: IsoDate | None = None
    events_to: IsoDate | None = None


class StatusIn(InputSchema):
    version: Version
    status: StatusCode
    outcome: Code = Field("", description="required when closing")
    # Closing refuses while a task is open or a hearing is coming, unless told what
    # becomes of them (all alike; the staff page decides one by one).
    open_tasks: Literal["done", "keep"] | None = Field(
        None, description="when closing: complete every open task, or keep them open"
    )
    coming_hearings: Literal["cancel", "keep"] | None = Field(
        None, description="when closing: cancel every coming hearing, or keep them"
    )
