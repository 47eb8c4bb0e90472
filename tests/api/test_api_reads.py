"""What the response schemas read: only what the endpoint fetched for the caller.

Responses are built by ninja from the schemas in himoya/api/schemas.py, reading the
objects the endpoints return. A schema that followed a relation on its own would cost a
query per row and could reach a record the caller may not see; these tests catch both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from himoya.cases import services
from himoya.cases.models import Appeal
from himoya.reference import services as reference_services
from himoya.reference.models import Facility
from tests.api.world import API, TODAY, World, api_client, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(API + path)
    assert response.status_code == 200, (path, response.content)
    return len(captured)


def add_rows(w: World) -> None:
    """More of everything the reads list: a second appeal with an applicant (another
    party), notes, tasks for the lawyer, another violation, another case, and a facility
    with a type and an agency."""
    services.appeal_register(
        actor=w.a_lawyer,
        organisation=w.org_a,
        case=w.case,
        data=services.AppealInput(
            received_on=TODAY(),
            channel="letter",
            consent_processing=True,
            victim_id=w.victim.pk,
            applicant=services.PersonInput(full_name="Заявителева Мать (вымышл.)", sex="female"),
            applicant_relation="мать",
        ),
    )
    services.violation_add(actor=w.a_lawyer, case=w.case, type_code="threats", facility=w.facility)
    for n in range(3):
        services.note_add(actor=w.a_lawyer, case=w.case, text=f"заметка {n}")
        services.task_add(actor=w.a_lawyer, case=w.case, title=f"дело {n}", assignee=w.a_doctor)
    register(w.a_lawyer, received_on=TODAY() - dt.timedelta(days=1), lawyer=w.a_lawyer.pk)
    reference_services.facility_create(
        actor=w.a_coordinator,
        name="СИЗО второе (вымышл.)",
        country="KZ",
        region=w.region,
        type_code="sizo",
        agency_code="police",
    )


def test_reads_cost_the_same_however_many_rows(world: World) -> None:
    w = world
    appeal = Appeal.objects.filter(case=w.case).get()
    paths = [
        "/cases/",
        f"/cases/{w.case.pk}",
        f"/cases/{w.case.pk}/appeals",
        f"/cases/{w.case.pk}/notes",
        f"/cases/{w.case.pk}/tasks",
        f"/cases/{w.case.pk}/timeline",
        f"/appeals/{appeal.pk}",
        "/persons/",
        f"/persons/{w.victim.pk}",
        "/facilities/",
        "/vocabularies/",
        "/me",
    ]
    client = api_client(w.a_lawyer)
    client.get(f"{API}/me")  # the token's first use is recorded once: not part of a read
    before = {path: queries(client, path) for path in paths}
    add_rows(w)
    after = {path: queries(client, path) for path in paths}
    assert after == before
    # the rows were there to be read
    detail = api_client(w.a_lawyer).get(f"{API}/cases/{w.case.pk}").json()
    assert len(detail["parties"]) == 2 and len(detail["violations"]) == 2
    assert Facility.objects.filter(type__isnull=False, agency__isnull=False).exists()


def test_a_persons_cases_are_only_those_the_caller_sees(world: World) -> None:
    """The victim is in a second case of organisation A that the lawyer is not on: the
    coordinator sees both cases in the person's record, the lawyer only their own."""
    w = world
    other: Any = register(
        w.a_coordinator, received_on=TODAY(), victim=None, victim_id=w.victim.pk
    ).case
    lawyer = api_client(w.a_lawyer).get(f"{API}/persons/{w.victim.pk}").json()
    assert lawyer["cases"] == [{"id": w.case.pk, "number": w.case.number, "roles": ["victim"]}]
    coordinator = api_client(w.a_coordinator).get(f"{API}/persons/{w.victim.pk}").json()
    assert [c["id"] for c in coordinator["cases"]] == [other.pk, w.case.pk]
    assert other.number not in str(lawyer)
