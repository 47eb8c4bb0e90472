"""Changing a case: its facts (with optimistic locking), its status, who works on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import Team, User
from himoya.cases.limits import SUMMARY_MAX_CHARS, check_lengths
from himoya.cases.models import (
    Case,
    CaseStatus,
)
from himoya.cases.services.closing import TaskDecision, case_close, tasks_move
from himoya.cases.services.common import (
    not_in_future,
    user_of,
)
from himoya.cases.services.search import reindex_case
from himoya.core.countries import country_code
from himoya.core.events import record_event
from himoya.core.fields import value_for_update
from himoya.core.formats import show_datetime
from himoya.core.policies import can, require
from himoya.reference import vocab
from himoya.reference.models import Facility, Region
from himoya.reference.services import retired_place, retired_region, term_for

if TYPE_CHECKING:
    pass


class ConcurrentEdit(ValidationError):
    """The case changed since the form was opened."""

    def __init__(self, case: Case) -> None:
        who = str(case.updated_by) if case.updated_by else _("someone")
        when = show_datetime(case.updated_at)
        super().__init__(
            _(
                "%(who)s changed this case at %(when)s while you were editing it. Reload the "
                "case to see their changes, then make yours again."
            )
            % {"who": who, "when": when},
            code="concurrent_edit",
        )
        self.case = case


def bump(case: Case, actor: Any, expected_version: int | None, fields: list[str]) -> None:
    """Saves ``fields`` only if the case is still at ``expected_version``."""
    now = timezone.now()
    values = {name: value_for_update(case, name) for name in fields}
    qs = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    # Encrypted fields are sealed for this row (value_for_update).
    updated = qs.update(
        **values, version=F("version") + 1, updated_at=now, updated_by=user_of(actor)
    )
    if not updated:
        raise ConcurrentEdit(Case.objects.select_related("updated_by").get(pk=case.pk))
    case.version = Case.objects.values_list("version", flat=True).get(pk=case.pk)
    case.updated_at = now
    case.updated_by = user_of(actor)


@dataclass
class CaseChanges:
    summary: str | None = None
    country: str | None = None
    region: int | None = None
    facility: int | None = None
    agency: str | None = None
    events_from: dt.date | None = None
    events_to: dt.date | None = None


def case_update(
    *, actor: Any, case: Case, changes: CaseChanges, expected_version: int | None
) -> Case:
    require(actor, "case.edit", case)
    check_lengths(summary=(changes.summary, SUMMARY_MAX_CHARS))
    fields: list[str] = []
    if changes.summary is not None and changes.summary != case.summary:
        case.summary = changes.summary
        fields.append("summary")
    if changes.country is not None:
        country = country_code(changes.country)
        if country != case.country:
            case.country = country
            fields.append("country")
    if changes.region is not None and changes.region != case.region_id:
        case.region = Region.objects.filter(pk=changes.region).first() if changes.region else None
        if changes.region and case.region is None:
            raise ValidationError({"region": _("Unknown region.")})
        if case.region is not None and not case.region.active:
            raise ValidationError({"region": retired_region()})
        fields.append("region")
    if changes.facility is not None and changes.facility != case.facility_id:
        case.facility = (
            Facility.objects.filter(pk=changes.facility).first() if changes.facility else None
        )
        if changes.facility and case.facility is None:
            raise ValidationError({"facility": _("Unknown place of detention.")})
        if case.facility is not None and not case.facility.active:
            raise ValidationError({"facility": retired_place()})
        fields.append("facility")
    if changes.agency is not None and changes.agency != (case.agency.code if case.agency else ""):
        case.agency = term_for(vocab.AGENCY, changes.agency, field_name="agency")
        fields.append("agency")
    for name in ("events_from", "events_to"):
        value = getattr(changes, name)
        if value is not None and value != getattr(case, name):
            not_in_future(value, field_name=name)
            setattr(case, name, value)
            fields.append(name)
    if not fields:
        return case
    with transaction.atomic():
        bump(case, actor, expected_version, fields)
        record_event(
            actor=actor,
            action="case.update",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"fields": fields},
        )
        if "summary" in fields:
            reindex_case(case)
    return case


ALLOWED_TRANSITIONS = {
    CaseStatus.NEW: {CaseStatus.IN_REVIEW, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.IN_REVIEW: {CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.IN_PROGRESS: {CaseStatus.AWAITING_ANSWER, CaseStatus.CLOSED},
    CaseStatus.AWAITING_ANSWER: {CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.IN_PROGRESS},
}


def case_change_status(
    *,
    actor: Any,
    case: Case,
    status: str,
    outcome: str = "",
    expected_version: int | None,
    tasks: Mapping[int, TaskDecision] | None = None,
    hearings: Mapping[int, str] | None = None,
) -> Case:
    """Moves a case along new → in review → in progress ⇄ awaiting answer → closed.
    Closing needs an outcome and a decision on each open task and coming hearing
    (``case_close``); reopening a closed case is the coordinators'."""
    require(actor, "case.edit", case)
    if status not in CaseStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == case.status:
        return case
    if status not in ALLOWED_TRANSITIONS[CaseStatus(case.status)]:
        raise ValidationError(
            {
                "status": _("A case cannot go from “%(old)s” to “%(new)s”.")
                % {"old": CaseStatus(case.status).label, "new": CaseStatus(status).label}
            }
        )
    if case.status == CaseStatus.CLOSED:
        require(actor, "case.manage", case)
    if status == CaseStatus.CLOSED:
        # One way to close: open tasks and coming hearings must be decided on first.
        case_close(
            actor=actor,
            case=case,
            outcome=outcome,
            expected_version=expected_version,
            tasks=tasks,
            hearings=hearings,
        )
        return case
    old = case.status
    case.status = status
    case.outcome = None
    case.closed_on = None
    with transaction.atomic():
        bump(case, actor, expected_version, ["status", "outcome", "closed_on"])
        record_event(
            actor=actor,
            action="case.status",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"from": old, "to": status, "outcome": ""},
        )
    return case


def case_assign(
    *,
    actor: Any,
    case: Case,
    lawyer: User | None,
    team: Team | None,
    expected_version: int | None = None,
    move_tasks: bool = False,
) -> Case:
    """Sets the case's lawyer and team. ``move_tasks``: the previous lawyer's open
    tasks on the case (those nobody has, if it had no lawyer) go to the new lawyer."""
    # A lawyer on duty may take an urgent case: assign themselves, the team unchanged.
    taking = (
        lawyer is not None
        and lawyer.pk == getattr(actor, "pk", None)
        and (team.pk if team else None) == case.team_id
        and can(actor, "case.take", case)
    )
    if not taking:
        require(actor, "case.manage", case)
    elif expected_version is None:
        # Two lawyers on duty may take the same case at once: the second is refused.
        expected_version = case.version
    if lawyer is not None and (
        lawyer.organisation_id != case.organisation_id or not lawyer.is_active
    ):
        raise ValidationError({"lawyer": _("Choose an active staff member of this organisation.")})
    if team is not None and team.organisation_id != case.organisation_id:
        raise ValidationError({"team": _("Choose a team of this organisation.")})
    previous = case.lawyer
    case.lawyer = lawyer
    case.team = team
    with transaction.atomic():
        bump(case, actor, expected_version, ["lawyer", "team"])
        record_event(
            actor=actor,
            action="case.assign",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"lawyer": lawyer.pk if lawyer else None, "team": team.pk if team else None},
        )
        if move_tasks and lawyer is not None and lawyer != previous:
            tasks_move(actor=actor, case=case, previous=previous, to=lawyer)
    return case
