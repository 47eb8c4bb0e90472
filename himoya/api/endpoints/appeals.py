"""Appeal registration: the one way a case comes into being through the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router

from himoya.api import schemas as s
from himoya.api.common import created, current_user
from himoya.cases import selectors, services
from himoya.cases.models import Appeal
from himoya.core.access import access_object

router = Router(tags=["appeals"])


def _person(data: s.PersonIn | None) -> services.PersonInput | None:
    return services.PersonInput(**data.model_dump()) if data is not None else None


@router.post("/appeals/", response={201: s.AppealOut, **s.ERRORS}, operation_id="appeal_register")
def appeal_register(request: HttpRequest, payload: s.AppealIn) -> Any:
    """Registers an appeal for the caller's organisation. Without ``case`` it opens a
    new case; with ``case`` (a case the caller may edit) it joins it."""
    user = current_user(request)
    if user.organisation is None:
        raise PermissionDenied("appeal.register")
    case = selectors.access_case(user, payload.case) if payload.case is not None else None
    data = services.AppealInput(
        received_on=payload.received_on,
        channel=payload.channel,
        consent_processing=payload.consent_processing,
        content=payload.content,
        urgency=payload.urgency,
        consent_representation=payload.consent_representation,
        victim=_person(payload.victim),
        victim_id=payload.victim_id,
        victim_is_minor=payload.victim_is_minor,
        applicant=_person(payload.applicant),
        applicant_id=payload.applicant_id,
        applicant_relation=payload.applicant_relation,
        country=payload.country,
        region=payload.region,
        facility=payload.facility,
        agency=payload.agency,
        violations=list(payload.violations),
        events_from=payload.events_from,
        events_to=payload.events_to,
        summary=payload.summary,
        legal_aid=payload.legal_aid,
        rehabilitation=payload.rehabilitation,
        rehabilitation_started_on=payload.rehabilitation_started_on,
        team=payload.team,
        lawyer=payload.lawyer,
        external_id=payload.external_id,
        office=payload.office,
    )
    appeal = services.appeal_register(
        actor=user, organisation=user.organisation, data=data, case=case
    )
    appeal = Appeal.objects.select_related("case", "channel", "applicant", "victim").get(
        pk=appeal.pk
    )
    return created(appeal)


@router.get(
    "/appeals/{int:appeal_id}", response={200: s.AppealOut, **s.ERRORS}, operation_id="appeal_get"
)
def appeal_get(request: HttpRequest, appeal_id: int) -> Appeal:
    """An appeal of a case the caller sees (404 otherwise); each read is audited."""
    user = current_user(request)
    visible = Appeal.objects.filter(case__in=selectors.visible_cases(user)).select_related(
        "case", "channel", "applicant", "victim"
    )
    return access_object(visible, appeal_id, user=user, audit_action="appeal.view")
