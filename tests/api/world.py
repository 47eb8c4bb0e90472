"""The API tests' world: organisation A with one case and staff who must not see it,
organisation B with no cases, and the helpers that talk to the API as any of them. The
fixtures ``world`` and ``fresh_cache`` (tests/conftest.py) build on it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from himoya.accounts.models import Organisation, Role, Team, User
from himoya.api import services as token_services
from himoya.cases import services
from himoya.cases.models import Case, Person, Task
from himoya.reference.models import Facility, Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.factories import TeamFactory, UserFactory, register_appeal

API = "/api/v1"
TODAY = dt.date.today  # noqa: DTZ011 (dates of events, as the services compare them)

# Strings that exist only in organisation A's records: none may ever reach another
# organisation or an analyst (test_api_access.py looks for each in every response).
A_SECRETS = (
    "Секретов Тайный Алматович",
    "+7 701 555 0199",
    "SECRET-SUMMARY-A",
    "SECRET-CONTENT-A",
    "SECRET-NOTE-A",
    "SECRET-TASK-A",
    "ID-A-7788",
)


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    team_a: Team
    a_coordinator: User
    a_lawyer: User
    a_doctor: User
    a_outsider: User
    a_analyst: User
    b_coordinator: User
    b_lawyer: User
    case: Case
    victim: Person
    region: Region
    facility: Facility
    task: Task


def register(actor: User, **overrides: Any) -> Any:
    """An appeal through the service, as the staff app would register it."""
    facts: dict[str, Any] = {
        "received_on": TODAY() - dt.timedelta(days=3),
        "channel": "phone",
        "consent_processing": True,
        "content": "SECRET-CONTENT-A",
        "victim": services.PersonInput(
            full_name="Секретов Тайный Алматович",
            sex="male",
            phone="+7 701 555 0199",
            document_number="ID-A-7788",
            birth_date="1990",
        ),
        "agency": "police",
        "violations": ["torture"],
        "events_from": TODAY() - dt.timedelta(days=10),
        "summary": "SECRET-SUMMARY-A",
        "country": "",  # the organisation's own
    }
    facts.update(overrides)
    return register_appeal(actor, **facts)


def build_world(org: Organisation, other_org: Organisation) -> World:
    """Organisation A with one case (its team: a lawyer and a doctor) and staff who must
    not see it; organisation B with a coordinator and a lawyer and no cases at all."""
    team_a = TeamFactory(organisation=org, name="Юристы А")
    a_coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, full_name="Коорд А")
    a_lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист А")
    a_doctor = UserFactory(organisation=org, role=Role.DOCTOR, full_name="Врач А")
    a_outsider = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Другой")
    a_analyst = UserFactory(organisation=org, role=Role.ANALYST, full_name="Аналитик А")
    team_a.members.add(a_lawyer, a_doctor)
    b_coordinator = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    b_lawyer = UserFactory(organisation=other_org, role=Role.LAWYER)
    if not Term.objects.exists():
        # A live-server test before this one emptied the tables (transactional tests
        # are flushed afterwards); put the shipped vocabularies and regions back.
        load_reference_data(Term, Region)
    region = Region.objects.filter(country="KZ").first()
    assert region is not None
    facility = Facility.objects.create(name="ИВС тестовый", country="KZ", region=region)
    appeal = register(
        a_lawyer,
        region=region.pk,
        facility=facility.pk,
        team=team_a.pk,
        lawyer=a_lawyer.pk,
    )
    case = Case.objects.get(pk=appeal.case_id)
    services.note_add(actor=a_lawyer, case=case, text="SECRET-NOTE-A")
    task = services.task_add(
        actor=a_lawyer, case=case, title="SECRET-TASK-A", due_on=TODAY() - dt.timedelta(days=1)
    )
    case.refresh_from_db()
    return World(
        org_a=org,
        org_b=other_org,
        team_a=team_a,
        a_coordinator=a_coordinator,
        a_lawyer=a_lawyer,
        a_doctor=a_doctor,
        a_outsider=a_outsider,
        a_analyst=a_analyst,
        b_coordinator=b_coordinator,
        b_lawyer=b_lawyer,
        case=case,
        victim=appeal.victim,
        region=region,
        facility=facility,
        task=task,
    )


def token_for(user: User, **kwargs: Any) -> str:
    return token_services.token_issue(actor=user, name="тест", **kwargs).secret


def api_client(user: User | None = None, *, token: str | None = None, **headers: str) -> Client:
    """A client that sends ``Authorization: Bearer`` (a fresh token of ``user`` unless
    one is given); with neither, an anonymous client."""
    if user is not None and token is None:
        token = token_for(user)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return Client(headers=headers)


def send(client: Client, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    kwargs: dict[str, Any] = dict(extra)
    if body is not None:
        kwargs["data"] = json.dumps(body)
        kwargs["content_type"] = "application/json"
    return getattr(client, method.lower())(path, **kwargs)


def appeal_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "received_on": str(TODAY()),
        "channel": "letter",
        "consent_processing": True,
        "content": "Письмо о задержании (вымышленное)",
        "victim": {"full_name": "Вымышленов Арман", "sex": "male", "birth_date": "1985"},
        "agency": "police",
        "violations": ["ill_treatment", "threats"],
        "events_from": str(TODAY() - dt.timedelta(days=5)),
        "summary": "Избиение при задержании (вымышленное)",
    }
    body.update(overrides)
    return body


def openapi(client: Client) -> dict[str, Any]:
    """The schema as ``client`` (a token or a signed-in session) reads it."""
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return dict(response.json())
