"""Reads of case data. Every one starts from what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import cached_property

from himoya.accounts.models import Organisation, Role, User
from himoya.cases.clinicians import CLINICAL_ROLES, CaseClinician
from himoya.cases.models import (
    Appeal,
    Case,
    CaseEvent,
    CaseParty,
    CaseShare,
    CaseStatus,
    Hearing,
    PartyRole,
    Person,
    Task,
    Urgency,
    Violation,
)
from himoya.cases.policies import CASE_WORKERS
from himoya.core import damage
from himoya.core.access import access_object
from himoya.core.crypto import DecryptionError
from himoya.core.fields import EncryptedMixin, blind_lookup
from himoya.core.policies import can
from himoya.duty.selectors import duty_cover
from himoya.reference.models import Term

# Appeals at these levels put a case without a lawyer in the queue of the dashboard;
# an emergency also alerts the lawyers on duty (services.urgent).
URGENT_LEVELS = (Urgency.URGENT, Urgency.EMERGENCY)


def awaiting_lawyer() -> Q:
    """The urgent queue's rule: an open case nobody has taken (no lawyer) with an
    urgent or emergency appeal. Taking the case (a lawyer assigned) takes it out."""
    urgent = Appeal.objects.filter(case=OuterRef("pk"), urgency__in=URGENT_LEVELS)
    return Q(lawyer__isnull=True) & ~Q(status=CaseStatus.CLOSED) & Q(Exists(urgent))


def _on_duty(user: Any, org_id: int) -> Q | None:
    """What a lawyer on duty sees besides their own cases: the urgent queue of their
    organisation, for the regions their running shifts cover (and the cases without a
    region), or all of it on a duty for the whole organisation. None off duty."""
    cover = duty_cover(user)
    if cover is None:
        return None
    rule = Q(organisation_id=org_id) & awaiting_lawyer()
    if not cover.whole_organisation:
        rule &= Q(region_id__in=sorted(cover.region_ids)) | Q(region__isnull=True)
    return rule


def assigned_case_ids(user: Any) -> set[int]:
    """The cases ``user`` is assigned to as a doctor or psychologist right now."""
    running = CaseClinician.objects.filter(clinician_id=user.pk, ended_at__isnull=True)
    return set(running.values_list("case_id", flat=True))


def _visibility(user: Any) -> tuple[Q, Exists] | None:
    """The two halves of the need-to-know rule: cases of the user's own organisation
    the user may see, and cases shared with it. None: the user sees no case."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    org_id = user.organisation_id
    if org_id is None or user.role in (Role.ANALYST, Role.ADMIN):
        return None
    if user.role == Role.COORDINATOR:
        own = Q(organisation_id=org_id)
        shared = Exists(CaseShare.objects.filter(case=OuterRef("pk"), organisation_id=org_id))
    else:
        team_ids = list(user.teams.values_list("pk", flat=True))
        mine = Q(team_id__in=team_ids) | Q(lawyer_id=user.pk) | Q(created_by_id=user.pk)
        if user.role in CLINICAL_ROLES:
            # A doctor or psychologist also sees the cases they are assigned to, while
            # the assignment runs (the ids, like the teams', are few).
            mine |= Q(pk__in=sorted(assigned_case_ids(user)))
        own = Q(organisation_id=org_id) & mine
        duty = _on_duty(user, org_id)
        if duty is not None:
            own |= duty
        shared = Exists(
            CaseShare.objects.filter(
                case=OuterRef("pk"), organisation_id=org_id, team_id__in=team_ids
            )
        )
    return own, shared


def visible_cases(user: Any) -> QuerySet[Case]:
    """Cases ``user`` may see (see policies.py for the rule in words)."""
    rule = _visibility(user)
    if rule is None:
        return Case.objects.none()
    own, shared = rule
    return Case.objects.filter(own | Q(shared))


def visible_case_parts(user: Any) -> list[QuerySet[Case]]:
    """``visible_cases(user)`` as disjoint querysets whose union it is: the cases of the
    user's own organisation, and the others shared with it. Each part can be read in
    the order of an index (``case_org_opened``), which the ``OR`` of ``visible_cases``
    prevents: for a page of the newest cases, PostgreSQL must otherwise read and sort
    every visible case."""
    rule = _visibility(user)
    if rule is None:
        return []
    own, shared = rule
    return [Case.objects.filter(own), Case.objects.filter(shared).exclude(own)]


def access_case(user: Any, pk: Any, *, audit: bool = True) -> Case:
    """The case with ``pk`` if ``user`` may see it; 404 for missing and forbidden alike.
    Each successful access is an audit event ("case.view")."""
    return access_object(
        visible_cases(user).select_related(
            "organisation",
            "region",
            "facility",
            "agency",
            "team",
            "lawyer",
            "updated_by",
            "outcome",
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
    urgency: str = ""
    q: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _filtered(qs: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    """``qs`` narrowed by every filter but the free-text query."""
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
        qs = qs.filter(Exists(Task.objects.overdue(today).filter(case=OuterRef("pk"))))
    if filters.urgency:
        # "urgent" finds urgent and emergency appeals alike; "emergency" only those.
        levels = URGENT_LEVELS if filters.urgency == Urgency.URGENT else (filters.urgency,)
        qs = qs.filter(Exists(Appeal.objects.filter(case=OuterRef("pk"), urgency__in=levels)))
    return qs


def case_list(user: Any, filters: CaseFilters) -> QuerySet[Case]:
    """The user's visible cases narrowed by ``filters``, newest first: every match (the
    API and exports). The staff list page reads through ``case_list_page``."""
    qs = _filtered(visible_cases(user), filters)
    if filters.q:
        from himoya.search.selectors import filter_queryset

        orgs = _search_organisations(user) if _visibility(user) is not None else []
        qs = filter_queryset(qs, filters.q, organisation_ids=orgs)
    return qs.select_related("agency", "facility", "region", "lawyer").order_by("-opened_on", "-id")


# ---------------------------------------------------------------- the case list page

# A page of the list counts its cases only up to here: an exact count of a broad filter
# in a big register reads every match (seconds at a million cases), the page itself
# only its rows. Past it the list says "more than" and its pages end there.
LIST_COUNT_CAP = 10_000
# A free-text search shows at most this many of the best matches (docs/search.md).
SEARCH_RESULTS = 200


def _has_appeal(urgency: str) -> Exists:
    return Exists(Appeal.objects.filter(case=OuterRef("pk"), urgency=urgency))


def next_hearing() -> Subquery:
    """For an annotation of cases: the start of the case's next hearing (None if none)."""
    return Subquery(
        Hearing.objects.filter(
            case=OuterRef("pk"), starts_at__gte=timezone.now(), cancelled_at__isnull=True
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )


def victim_names(case_ids: Iterable[int]) -> dict[int, list[str]]:
    """The victims' names of ``case_ids`` by case, in the order they were added, read
    without loading the persons' other encrypted fields. For cases the reader may see
    (the caller has decided that). A damaged name does not take the page down: it reads
    as damaged, and is logged."""
    names: dict[int, list[str]] = {}
    victims = CaseParty.objects.filter(case_id__in=case_ids, role=PartyRole.VICTIM).order_by("id")
    full_name = cast(EncryptedMixin, Person._meta.get_field("full_name"))
    for case_id, person_id, org_id, sealed in victims.values_list(
        "case_id", "person_id", "person__organisation_id", "person__full_name"
    ):
        try:
            name = full_name.open_row(cast(Any, sealed), pk=person_id, scope=[org_id])
        except DecryptionError as exc:
            damage.report(
                None,
                damage.DamagedValue(
                    str(exc), model="cases.person", pk=person_id, field="full_name"
                ),
            )
            name = str(damage.DAMAGED)
        names.setdefault(case_id, []).append(name)
    return names


def _list_rows(pks: list[int]) -> list[Case]:
    """The cases ``pks``, in that order, with what a row of the list shows and only
    that: ``has_overdue``, ``next_hearing``, and ``victim_names`` and
    ``violation_labels`` as lists. The names are decrypted, so the persons' other
    encrypted fields and the summaries are not read; plain lists, not prefetched
    models, keep the page's Python time small."""
    if not pks:
        return []
    today = timezone.localdate()
    found = (
        Case.objects.filter(pk__in=pks)
        .order_by()
        .select_related("agency", "facility", "region", "lawyer")
        .defer("summary")
        .annotate(
            has_overdue=Exists(Task.objects.overdue(today).filter(case=OuterRef("pk"))),
            has_emergency=_has_appeal(Urgency.EMERGENCY),
            has_urgent=_has_appeal(Urgency.URGENT),
            next_hearing=next_hearing(),
        )
        .in_bulk()
    )
    names = victim_names(pks)
    types: dict[int, list[int]] = {}
    for case_id, type_id in (
        Violation.objects.filter(case_id__in=pks).order_by("id").values_list("case_id", "type_id")
    ):
        types.setdefault(case_id, []).append(type_id)
    labels = {
        t.pk: t.label
        for t in Term.objects.filter(pk__in={t for ids in types.values() for t in ids})
    }
    rows: list[Case] = []
    for pk in pks:
        case = found.get(pk)
        if case is None:
            continue
        # The case's urgency: that of its most urgent appeal.
        case.urgency = (  # type: ignore[attr-defined]
            Urgency.EMERGENCY if case.has_emergency else Urgency.URGENT if case.has_urgent else ""
        )
        case.victim_names = names.get(pk, [])  # type: ignore[attr-defined]
        case.violation_labels = [labels[t] for t in types.get(pk, [])]  # type: ignore[attr-defined]
        rows.append(case)
    return rows


class CaseRows:
    """The rows of a filtered case list, newest (or oldest) first, for ``Paginator``:
    each part of the visible cases is read in index order up to the end of the page
    asked for (ids and dates only), the parts are merged, and the page's cases are read
    by id with what the list shows. The count stops at ``cap`` + 1."""

    def __init__(self, parts: list[QuerySet[Case]], *, oldest_first: bool = False) -> None:
        self.order = ("opened_on", "id") if oldest_first else ("-opened_on", "-id")
        self.oldest_first = oldest_first
        self.parts = parts

    def count(self, cap: int) -> int:
        return sum(part.order_by().values("pk")[: cap + 1].count() for part in self.parts)

    def window(self, start: int, stop: int) -> list[int]:
        """The ids of cases ``start`` to ``stop`` (exclusive) in the list's order."""
        keys: list[tuple[dt.date, int]] = []
        for part in self.parts:
            keys += part.order_by(*self.order).values_list("opened_on", "pk")[:stop]
        keys.sort(reverse=not self.oldest_first)
        return [pk for _opened, pk in keys[start:stop]]

    def __getitem__(self, window: slice) -> list[Case]:
        return _list_rows(self.window(window.start or 0, window.stop))


class RankedCaseRows:
    """Cases already chosen and ordered (search results), read page by page."""

    def __init__(self, pks: list[int]) -> None:
        self.pks = pks

    def count(self, cap: int) -> int:
        return min(len(self.pks), cap + 1)

    def __getitem__(self, window: slice) -> list[Case]:
        return _list_rows(self.pks[window])


class CappedPaginator(Paginator):
    """A paginator that counts up to ``cap``: ``capped`` says whether there are more
    (then ``count`` is ``cap`` and the pages end there)."""

    def __init__(self, rows: CaseRows | RankedCaseRows, per_page: int, *, cap: int) -> None:
        super().__init__(cast(Any, rows), per_page)
        self.rows = rows
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        found = self.rows.count(self.cap)
        self.capped = found > self.cap
        return min(found, self.cap)


def _search(user: Any, filters: CaseFilters, limit: int) -> list[int]:
    """Ids of the best ``limit`` visible cases matching ``filters`` and its free-text
    query, in rank order (bounded whatever the words, docs/search.md)."""
    if _visibility(user) is None:
        return []
    from himoya.search.selectors import search_owner_ids

    return search_owner_ids(
        owner_type=Case,
        query=filters.q,
        organisation_ids=_search_organisations(user),
        limit=limit,
        within=_filtered(visible_cases(user), filters),
    )


# The API's search answers at most this many matches (the limit of search_owner_ids).
API_SEARCH_RESULTS = 1000


def case_list_window(
    user: Any, filters: CaseFilters, *, offset: int, limit: int
) -> tuple[int, list[Case]]:
    """For the API: the number of the user's visible cases matching ``filters`` and the
    cases ``offset`` to ``offset + limit``, newest first, read the same way as the list
    page (each part of the visible cases in index order) but counted exactly. With a
    free-text query: the best ``API_SEARCH_RESULTS`` matches in rank order."""
    if filters.q:
        ranked = _search(user, filters, API_SEARCH_RESULTS)
        total, pks = len(ranked), ranked[offset : offset + limit]
    else:
        parts = [_filtered(part, filters) for part in visible_case_parts(user)]
        total = sum(part.order_by().count() for part in parts)
        pks = CaseRows(parts).window(offset, offset + limit) if offset < total else []
    found = (
        Case.objects.filter(pk__in=pks)
        .select_related("agency", "facility", "region", "lawyer", "team", "outcome")
        .in_bulk()
    )
    return total, [found[pk] for pk in pks if pk in found]


def _search_organisations(user: Any) -> list[int]:
    """The organisations whose cases the user may see: a pre-filter of the search, and
    the organisations whose keys its words are tokenised under (each case is indexed
    under its owner's key, a shared one too)."""
    shared = CaseShare.objects.filter(organisation_id=user.organisation_id).values_list(
        "case__organisation_id", flat=True
    )
    return sorted({user.organisation_id, *shared.distinct()})


def case_list_page(
    user: Any,
    filters: CaseFilters,
    *,
    number: Any,
    per_page: int = 50,
    oldest_first: bool = False,
    list_cap: int = LIST_COUNT_CAP,
    search_results: int = SEARCH_RESULTS,
) -> Page[Case]:
    """Page ``number`` of the user's visible cases narrowed by ``filters``: newest first
    (or oldest), counted up to ``list_cap``; with a free-text query, the best
    ``search_results`` matches in rank order (``search_owner_ids``, bounded whatever the
    words; the order asked for does not apply). The cost follows the page, not the size
    of the register."""
    rows: CaseRows | RankedCaseRows
    if filters.q:
        rows, cap = RankedCaseRows(_search(user, filters, search_results + 1)), search_results
    else:
        parts = [_filtered(part, filters) for part in visible_case_parts(user)]
        rows, cap = CaseRows(parts, oldest_first=oldest_first), list_cap
    return CappedPaginator(rows, per_page, cap=cap).get_page(number)


def urgent_queue(user: Any) -> QuerySet[Case]:
    """The top of the dashboard for the organisation's coordinators and its lawyers on
    duty: its cases in ``awaiting_lawyer`` that the user sees, emergencies first, then
    the longest waiting. Nobody else has a queue (an empty queryset)."""
    if getattr(user, "role", None) == Role.COORDINATOR:
        pass
    elif duty_cover(user) is None:
        return Case.objects.none()
    return (
        visible_cases(user)
        .filter(awaiting_lawyer(), organisation_id=user.organisation_id)
        .annotate(
            has_emergency=_has_appeal(Urgency.EMERGENCY),
            waiting_since=Min("appeals__created_at", filter=Q(appeals__urgency__in=URGENT_LEVELS)),
        )
        .select_related("region", "facility")
        .order_by("-has_emergency", "waiting_since", "id")
    )


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
        people = Person.objects.filter(**blind_lookup(Person, index, value, org))
        if index == "name_index":
            # The same name in another script or transliteration (docs/search.md).
            people = people | Person.objects.filter(
                **blind_lookup(Person, "name_skeleton_index", value, org)
            )
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
    return case.appeals.select_related("channel", "applicant", "victim", "office").order_by(
        "-received_on"
    )


def case_parties(case: Case) -> QuerySet[CaseParty]:
    return case.parties.select_related("person").order_by("role", "id")


def case_persons(case: Case) -> QuerySet[Person]:
    """The persons of a case, the choices of its page's forms (referral, custody)."""
    return Person.objects.filter(parties__case=case).distinct()


def share_recipients(case_organisation_id: int) -> QuerySet[Organisation]:
    """The organisations a case may be shared with: every other organisation of the
    instance with an active coordinator, who receives the share (its coordinators see
    the case, or they pass it to a team). An organisation where nobody would see the
    case (a placeholder, a closed or not yet staffed member) is neither offered nor
    accepted: a share there would only leak the case's existence to whoever is added
    later. Listed only to those who may share (``case.manage``)."""
    receivers = User.objects.filter(
        organisation=OuterRef("pk"), role=Role.COORDINATOR, is_active=True
    )
    return (
        Organisation.objects.exclude(pk=case_organisation_id)
        .filter(Exists(receivers))
        .order_by("name")
    )


def case_clinicians(case: Case) -> list[CaseClinician]:
    """The case's assignments of doctors and psychologists, running and ended, oldest
    first, with the people they name. For a case the reader sees (the caller checked)."""
    return list(
        CaseClinician.objects.filter(case=case).select_related(
            "clinician", "assigned_by", "ended_by"
        )
    )


def eligible_clinicians(case: Case) -> QuerySet[User]:
    """Whom ``case`` can be assigned to: the active doctors and psychologists of its
    organisation not assigned to it now (``services.clinician_assign`` holds the rule)."""
    running = CaseClinician.objects.filter(case=case, ended_at__isnull=True)
    return (
        User.objects.filter(
            organisation_id=case.organisation_id, is_active=True, role__in=CLINICAL_ROLES
        )
        .exclude(pk__in=running.values("clinician_id"))
        .order_by("full_name", "email")
    )


@dataclass
class OpenWork:
    """What closing a case must decide on: its open tasks and its coming hearings."""

    tasks: list[Task]
    hearings: list[Hearing]

    def __bool__(self) -> bool:
        return bool(self.tasks or self.hearings)


def open_work(case: Case, *, lock: bool = False) -> OpenWork:
    """The case's tasks not done and its hearings from now on that are not cancelled.
    ``lock``: inside a transaction, holds them until it ends (closing decides on them)."""
    tasks = case.tasks.filter(done_at__isnull=True).select_related("assignee").order_by("id")
    hearings = case.hearings.filter(cancelled_at__isnull=True, starts_at__gte=timezone.now())
    if lock:
        tasks = tasks.select_for_update(of=("self",))
        hearings = hearings.select_for_update()
    return OpenWork(tasks=list(tasks), hearings=list(hearings.order_by("starts_at", "id")))


def case_workers(case: Case) -> list[User]:
    """Active staff of the case's organisation who may work on it (``case.edit``): whom
    its tasks can be handed over to."""
    staff = User.objects.filter(
        organisation_id=case.organisation_id, is_active=True, role__in=CASE_WORKERS
    ).order_by("full_name", "email")
    return [user for user in staff if can(user, "case.edit", case)]
