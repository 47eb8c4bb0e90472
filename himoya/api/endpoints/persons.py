"""Persons the caller may see: those in their visible cases, or entered by them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from himoya.accounts.models import User
from himoya.api import schemas as s
from himoya.api.common import audit_list, current_user, page, require_casework
from himoya.cases import selectors, services
from himoya.cases.limits import BirthOutOfRange
from himoya.cases.models import CaseParty, Person

router = Router(tags=["persons"])

PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "phone",
    "email",
    "address",
    "document_number",
    "notes",
)


def _with_visible_cases(user: User, person: Person) -> Person:
    """The person with what ``PersonOut`` lists as their cases: their parties in cases
    the caller sees (cases the caller may not see are not mentioned), newest case first."""
    prefetch_related_objects(
        [person],
        Prefetch(
            "parties",
            CaseParty.objects.filter(case__in=selectors.visible_cases(user))
            .select_related("case")
            .order_by("-case__opened_on", "case_id", "role"),
            to_attr=s.VISIBLE_PARTIES,
        ),
    )
    return person


@router.get("/persons/", response={200: s.PersonPage, **s.ERRORS}, operation_id="persons_list")
def persons_list(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> s.Page:
    """Persons the caller may see, newest first. Names are found by exact match with
    POST /persons/duplicates (no plaintext index of names exists)."""
    user = current_user(request)
    require_casework(user)
    persons = page(selectors.visible_persons(user).order_by("-id"), limit=limit, offset=offset)
    audit_list(user, "person.list", persons.items, persons.total)
    return persons


@router.get(
    "/persons/{int:person_id}", response={200: s.PersonOut, **s.ERRORS}, operation_id="person_get"
)
def person_get(request: HttpRequest, person_id: int) -> Person:
    user = current_user(request)
    return _with_visible_cases(user, selectors.access_person(user, person_id))


@router.patch(
    "/persons/{int:person_id}",
    response={200: s.PersonOut, **s.ERRORS},
    operation_id="person_update",
)
def person_update(request: HttpRequest, person_id: int, payload: s.PersonPatch) -> Person:
    """Changes the fields given; the caller must be able to edit a case the person is in."""
    user = current_user(request)
    person = selectors.access_person(user, person_id)
    given = payload.model_dump(exclude_unset=True)
    errors: dict[str, list[str]] = {}
    if given.get("full_name") is not None and not given["full_name"].strip():
        errors["full_name"] = [_("Enter the person's name.")]
    if given.get("birth_date"):
        try:
            services.parse_birth(given["birth_date"])
        except BirthOutOfRange as exc:
            errors["birth_date"] = [str(exc)]
        except ValueError:
            errors["birth_date"] = [_("Enter the date of birth as YYYY-MM-DD or the year as YYYY.")]
    if errors:
        raise ValidationError(errors)
    data = services.PersonInput(
        **{
            name: given[name] if given.get(name) is not None else getattr(person, name)
            for name in PERSON_FIELDS
        }
    )
    person = services.person_update(actor=user, person=person, data=data)
    return _with_visible_cases(user, person)


@router.post(
    "/persons/duplicates",
    response={200: list[s.DuplicateHintOut], **s.ERRORS},
    operation_id="person_duplicates",
)
def person_duplicates(
    request: HttpRequest, payload: s.DuplicateQuery
) -> list[selectors.DuplicateHint]:
    """Cases the caller sees in which a person with the same name, phone or document
    number already appears. A POST so that names never travel in a URL (URLs end up
    in proxy and server logs)."""
    user = current_user(request)
    require_casework(user)
    return selectors.person_duplicates(
        user,
        full_name=payload.full_name,
        phone=payload.phone,
        document_number=payload.document_number,
    )
