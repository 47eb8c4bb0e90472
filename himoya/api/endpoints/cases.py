"""Cases and what hangs off them: notes, tasks, appeals, the timeline.

Every endpoint reaches the case through ``selectors.access_case`` (404 for missing and
forbidden alike; each access is an audit event) and writes through ``cases.services``
(which checks the role, 403, and audits the change).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from himoya.accounts.models import User
from himoya.api import schemas as s
from himoya.api import schemas_work as w
from himoya.api.common import (
    SearchInUrl,
    audit_list,
    created,
    current_user,
    require_casework,
)
from himoya.cases import selectors, services
from himoya.cases.models import Appeal, Case, CaseEvent, Note, Task, Violation
from himoya.reference.models import Facility, Region

router = Router(tags=["cases"])

# 409 is an edit against an old version, or (ErrorOut, code "damaged") a damaged record.
WRITE_ERRORS = {**s.ERRORS, 409: s.ConflictOut | s.ErrorOut}


def _detail(case: Case) -> Case:
    """The case with what ``CaseOut`` lists of it: its parties (as the staff app lists
    them) and its violations, each read in one query."""
    prefetch_related_objects(
        [case],
        Prefetch("parties", selectors.case_parties(case), to_attr=s.CASE_PARTIES),
        Prefetch(
            "violations",
            Violation.objects.select_related("type").order_by("id"),
            to_attr=s.CASE_VIOLATIONS,
        ),
    )
    return case


def _fresh(user: User, case_id: int) -> Case:
    """The case as stored after a write (the read itself was audited already)."""
    return selectors.access_case(user, case_id, audit=False)


def _case_page(user: User, filters: s.CaseFilterIn, words: str = "") -> s.Page:
    require_casework(user)
    total, rows = selectors.case_list_window(
        user,
        selectors.CaseFilters(
            status=filters.status or "",
            violation=filters.violation or "",
            agency=filters.agency or "",
            facility=filters.facility,
            region=filters.region,
            lawyer=filters.lawyer,
            opened_from=filters.opened_from,
            opened_to=filters.opened_to,
            overdue=filters.overdue,
            q=words.strip(),
        ),
        offset=filters.offset,
        limit=filters.limit,
    )
    audit_list(user, "case.list", rows, total)
    return s.Page(total=total, limit=filters.limit, offset=filters.offset, items=rows)


@router.get("/cases/", response={200: s.CasePage, **s.ERRORS}, operation_id="cases_list")
def cases_list(request: HttpRequest, filters: Query[s.CaseFilterIn]) -> s.Page:
    """The caller's visible cases, newest first, with the staff app's filters. A
    full-text search goes to ``POST /cases/search``: its words would otherwise be in the
    URL, which access logs and browser history keep; ``q`` here is refused with a 400
    (code ``search_in_url``)."""
    if "q" in request.GET:
        raise SearchInUrl(request.path.rstrip("/") + "/search")
    return _case_page(current_user(request), filters)


@router.post("/cases/search", response={200: s.CasePage, **s.ERRORS}, operation_id="cases_search")
def cases_search(request: HttpRequest, payload: s.CaseSearchIn) -> s.Page:
    """The list of ``GET /cases/`` with the same filters, given in the body, and ``q``:
    the best matches of the full-text search (at most 1,000) in rank order."""
    return _case_page(current_user(request), payload, payload.q)


@router.get("/cases/{int:case_id}", response={200: s.CaseOut, **s.ERRORS}, operation_id="case_get")
def case_get(request: HttpRequest, case_id: int) -> Case:
    user = current_user(request)
    return _detail(selectors.access_case(user, case_id))


@router.patch(
    "/cases/{int:case_id}", response={200: s.CaseOut, **WRITE_ERRORS}, operation_id="case_update"
)
def case_update(request: HttpRequest, case_id: int, payload: s.CasePatch) -> Case:
    """Changes the case's facts. ``version`` must be the one the client last read."""
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    given = payload.model_dump(exclude_unset=True)
    changes = services.CaseChanges()
    errors: dict[str, list[str]] = {}
    if "region" in given:
        changes.region = given["region"] or 0
        if changes.region and not Region.objects.filter(pk=changes.region).exists():
            errors["region"] = [_("Unknown region.")]
    if "facility" in given:
        changes.facility = given["facility"] or 0
        if changes.facility and not Facility.objects.filter(pk=changes.facility).exists():
            errors["facility"] = [_("Unknown place of detention.")]
    if errors:
        raise ValidationError(errors)
    for name in ("summary", "country", "agency", "events_from", "events_to"):
        if given.get(name) is not None:
            setattr(changes, name, given[name])
    services.case_update(actor=user, case=case, changes=changes, expected_version=payload.version)
    return _detail(_fresh(user, case_id))


@router.post(
    "/cases/{int:case_id}/status",
    response={200: s.CaseOut, **WRITE_ERRORS},
    operation_id="case_change_status",
)
def case_change_status(request: HttpRequest, case_id: int, payload: s.StatusIn) -> Case:
    """new → in review → in progress ⇄ awaiting answer → closed (with an outcome);
    reopening a closed case is the coordinators'."""
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    work = selectors.open_work(case)
    tasks = {}
    if payload.open_tasks:
        tasks = {t.pk: services.TaskDecision(payload.open_tasks) for t in work.tasks}
    hearings = {h.pk: payload.coming_hearings for h in work.hearings if payload.coming_hearings}
    services.case_change_status(
        actor=user,
        case=case,
        status=payload.status,
        outcome=payload.outcome,
        expected_version=payload.version,
        tasks=tasks,
        hearings=hearings,
    )
    return _detail(_fresh(user, case_id))


@router.get(
    "/cases/{int:case_id}/appeals",
    response={200: list[s.AppealOut], **s.ERRORS},
    operation_id="case_appeals",
)
def case_appeals(request: HttpRequest, case_id: int) -> QuerySet[Appeal]:
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    return selectors.case_appeals(case).select_related("case")


@router.get(
    "/cases/{int:case_id}/notes",
    response={200: list[w.NoteOut], **s.ERRORS},
    operation_id="notes_list",
)
def notes_list(request: HttpRequest, case_id: int) -> QuerySet[Note]:
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    return case.notes.select_related("author").order_by("-created_at")


@router.post(
    "/cases/{int:case_id}/notes", response={201: w.NoteOut, **s.ERRORS}, operation_id="note_add"
)
def note_add(request: HttpRequest, case_id: int, payload: w.NoteIn) -> Any:
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    note = services.note_add(actor=user, case=case, text=payload.text)
    return created(note)


@router.get(
    "/cases/{int:case_id}/tasks",
    response={200: list[w.TaskOut], **s.ERRORS},
    operation_id="tasks_list",
)
def tasks_list(request: HttpRequest, case_id: int) -> QuerySet[Task]:
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    return case.tasks.select_related("assignee")


@router.post(
    "/cases/{int:case_id}/tasks", response={201: w.TaskOut, **s.ERRORS}, operation_id="task_add"
)
def task_add(request: HttpRequest, case_id: int, payload: w.TaskIn) -> Any:
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    assignee = None
    if payload.assignee is not None:
        # Only the case's own organisation's active staff; anyone else is "unknown".
        assignee = User.objects.filter(
            pk=payload.assignee, organisation_id=case.organisation_id, is_active=True
        ).first()
        if assignee is None:
            raise ValidationError({"assignee": [_("Unknown staff member.")]})
    task = services.task_add(
        actor=user,
        case=case,
        title=payload.title,
        due_on=payload.due_on,
        remind_on=payload.remind_on,
        assignee=assignee,
    )
    return created(task)


@router.post(
    "/cases/{int:case_id}/tasks/{int:task_id}/complete",
    response={200: w.TaskOut, **s.ERRORS},
    operation_id="task_complete",
)
def task_complete(request: HttpRequest, case_id: int, task_id: int) -> Task:
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    task = case.tasks.select_related("case", "assignee").filter(pk=task_id).first()
    if task is None:
        raise Http404
    return services.task_complete(actor=user, task=task)


@router.get(
    "/cases/{int:case_id}/timeline",
    response={200: list[w.EventOut], **s.ERRORS},
    operation_id="case_timeline",
)
def case_timeline(
    request: HttpRequest,
    case_id: int,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> QuerySet[CaseEvent]:
    """The case's events, newest first (codes and ids, never text about people)."""
    user = current_user(request)
    case = selectors.access_case(user, case_id)
    return selectors.case_timeline(case)[offset : offset + limit]
