"""Reads of case data. Every one starts from what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases.models import (
    Appeal,
    Case,
    CaseEvent,
    CaseParty,
    CaseShare,
    Facility,
    Person,
    Task,
    Term,
    Violation,
)
from himoya.core.access import access_object
from himoya.core.fields import blind_lookup


def visible_cases(user: Any) -> QuerySet[Case]:
    """Cases ``user`` may see (see policies.py for the rule in words)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    org_id = user.organisation_id
    if org_id is None or user.role in (Role.ANALYST, Role.ADMIN):
        return Case.objects.none()
    if user.role == Role.COORDINATOR:
        own = Q(organisation_id=org_id)
        shared = Exists(CaseShare.objects.filter(case=OuterRef("pk"), organisation_id=org_id))
    else:
        team_ids = list(user.teams.values_list("pk", flat=True))
        own = Q(organisation_id=org_id) & (
            Q(team_id__in=team_ids) | Q(lawyer_id=user.pk) | Q(created_by_id=user.pk)
        )
        shared = Exists(
            CaseShare.objects.filter(
                case=OuterRef("pk"), organisation_id=org_id, team_id__in=team_ids
            )
        )
    return Case.objects.filter(own | Q(shared))


def access_case(user: Any, pk: Any, *, audit: bool = True) -> Case:
    """The case with ``pk`` if ``user`` may see it; 404 for missing and forbidden alike.
    Each successful access is an audit event ("case.view")."""
    return access_object(
        visible_cases(user).select_related(
            "organisation", "region", "facility", "agency", "team", "lawyer", "updated_by"
        ),
        pk,
        user=user,
        audit_action="case.view" if audit else None,
    )


def access_case_by_number(user: Any, number: str) -> Case:
    case = visible_cases(user).filter(number=number).only("pk").first()
    return access_case(user, case.pk if case else None)


@dataclass
class CaseFilters:
    status: str = ""
    violation: str = ""
    agency: str = ""
    facility: int | None = None
    region: int | None = None
    lawyer: int | None = None
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    overdue: bool = False
    q: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def case_list(user: Any, filters: CaseFilters) -> QuerySet[Case]:
    """The user's visible cases narrowed by ``filters``, newest first."""
    qs = visible_cases(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.violation:
        qs = qs.filter(
            Exists(Violation.objects.filter(case=OuterRef("pk"), type__code=filters.violation))
        )
    if filters.agency:
        qs = qs.filter(agency__code=filters.agency)
    if filters.facility:
        qs = qs.filter(facility_id=filters.facility)
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    if filters.lawyer:
        qs = qs.filter(lawyer_id=filters.lawyer)
    if filters.opened_from:
        qs = qs.filter(opened_on__gte=filters.opened_from)
    if filters.opened_to:
        qs = qs.filter(opened_on__lte=filters.opened_to)
    if filters.overdue:
        today = timezone.localdate()
        qs = qs.filter(
            Exists(Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today))
        )
    if filters.q:
        from himoya.search.selectors import filter_queryset

        qs = filter_queryset(qs, filters.q)
    return qs.select_related("agency", "facility", "region", "lawyer").order_by("-opened_on", "-id")


def visible_persons(user: Any) -> QuerySet[Person]:
    """Persons linked to a case the user sees, or that the user entered."""
    cases = visible_cases(user)
    return Person.objects.filter(
        Q(parties__case__in=cases)
        | Q(appeals_made__case__in=cases)
        | Q(appeals_about__case__in=cases)
        | Q(created_by_id=user.pk, organisation_id=user.organisation_id)
    ).distinct()


def access_person(user: Any, pk: Any) -> Person:
    return access_object(visible_persons(user), pk, user=user, audit_action="person.view")


@dataclass(frozen=True)
class DuplicateHint:
    field: str
    case_numbers: list[str]


def person_duplicates(
    user: Any, *, full_name: str = "", phone: str = "", document_number: str = ""
) -> list[DuplicateHint]:
    """Cases the user may see in which a person with the same name, phone or document
    number already appears. Matches in cases the user may not see are not mentioned."""
    hints = []
    org = user.organisation_id
    visible = visible_cases(user)
    for field_name, index, value in (
        ("full_name", "name_index", full_name),
        ("phone", "phone_index", phone),
        ("document_number", "document_index", document_number),
    ):
        if not value.strip():
            continue
        people = Person.objects.filter(organisation_id=org, **blind_lookup(Person, index, value))
        numbers = sorted(
            set(
                visible.filter(
                    Q(parties__person__in=people)
                    | Q(appeals__victim__in=people)
                    | Q(appeals__applicant__in=people)
                ).values_list("number", flat=True)
            )
        )
        if numbers:
            hints.append(DuplicateHint(field=field_name, case_numbers=numbers))
    return hints


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("-at", "-id")


def case_appeals(case: Case) -> QuerySet[Appeal]:
    return case.appeals.select_related("channel", "applicant", "victim").order_by("-received_on")


def case_parties(case: Case) -> QuerySet[CaseParty]:
    return case.parties.select_related("person").order_by("role", "id")


def terms(vocabulary: str, *, active_only: bool = True) -> QuerySet[Term]:
    qs = Term.objects.filter(vocabulary=vocabulary)
    return qs.filter(active=True) if active_only else qs


def facilities(country: str = "") -> QuerySet[Facility]:
    qs = Facility.objects.select_related("region", "type", "agency")
    return qs.filter(country=country) if country else qs
