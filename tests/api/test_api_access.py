"""Nobody reaches through the API what the staff app would not show them.

The walk takes every operation from the OpenAPI schema the API itself publishes (so a
new route is walked without anyone remembering to add it), fills its path with
organisation A's ids and its body with A's ids and identifying details, and sends it as
organisation B's coordinator and lawyer, as A's analyst, as an A lawyer outside the
case's team, with B's browser session, and with no credentials. Each answer must be
401, 403 or 404 where it names an A record, must never contain A's data, and must
change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from himoya.accounts.models import User
from himoya.cases import services
from himoya.cases.models import Appeal, Case, CaseParty, Note, Task
from himoya.core.models import AuditEvent
from himoya.documentation.models import ConsentKind
from himoya.documentation.services import consent_record
from himoya.letters import services as letter_services
from himoya.letters.models import Letter, LetterTemplate, Recipient
from himoya.letters.shipped import load_shipped
from tests.api.world import (
    A_SECRETS,
    API,
    TODAY,
    World,
    api_client,
    appeal_body,
    openapi,
    send,
)
from tests.conftest import make_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


DENIED = {401, 403, 404}
PARAM = re.compile(r"\{(\w+)\}")
# Path parameters that name one of A's protected records; the others (a facility, a
# vocabulary) name shared reference data every staff member may read.
PROTECTED_PARAMS = {"case_id", "person_id", "appeal_id", "task_id", "letter_id"}


def a_letter(w: World) -> Letter:
    """A draft letter of A's case, made as the staff page makes it."""
    load_shipped(Recipient, LetterTemplate)
    consent_record(
        actor=w.a_lawyer,
        case=w.case,
        person=w.victim,
        kind=ConsentKind.SHARING,
        given_on=TODAY(),
        recipients="Прокуратура (тест)",
    )
    recipient = Recipient.objects.get(country="KZ", kind="prosecutor_general")
    template = LetterTemplate.objects.get(
        code="torture-statement-prosecutor", language="ru", version=1
    )
    data = {**letter_services.case_prefill(w.case, recipient), "place": "ИВС тестовый"}
    return letter_services.letter_create(
        actor=w.a_lawyer, case=w.case, recipient=recipient, template=template, data=data
    )


def path_values(w: World) -> dict[str, Any]:
    appeal = Appeal.objects.filter(case=w.case).first()
    assert appeal is not None
    return {
        "case_id": w.case.pk,
        "person_id": w.victim.pk,
        "appeal_id": appeal.pk,
        "task_id": w.task.pk,
        "facility_id": w.facility.pk,
        "name": "violation",
        "letter_id": a_letter(w).pk,
    }


def bodies(w: World) -> dict[str, dict[str, Any]]:
    """A plausible body for every operation that takes one, aimed at A's records. An
    operation missing here fails the walk: add its body when adding the route."""
    return {
        "case_update": {"version": w.case.version, "summary": "B was here", "region": None},
        "case_change_status": {"version": w.case.version, "status": "closed", "outcome": "other"},
        "note_add": {"text": "B was here"},
        "cases_search": {"q": "Секретов"},
        "task_add": {"title": "B was here"},
        "appeal_register": appeal_body(
            case=w.case.pk, victim=None, victim_id=w.victim.pk, content="B was here"
        ),
        "person_update": {"notes": "B was here", "full_name": "Подменный Человек"},
        "person_duplicates": {
            "full_name": "Секретов Тайный Алматович",
            "phone": "+7 701 555 0199",
            "document_number": "ID-A-7788",
        },
        "facility_create": {"name": "Место, внесённое B (тест)", "country": "TJ"},
        "letter_create": {"recipient": 1, "template": 1, "data": {"facts": "B was here"}},
        "letter_dispatch": {"sent_on": str(TODAY()), "channel": "post"},
        "letter_answer": {"answered_on": str(TODAY()), "outcome": "accepted"},
        "letter_regenerate": {"data": {"facts": "B was here"}},
    }


def callers(w: World) -> dict[str, Callable[[], Client]]:
    return {
        "org B coordinator (token)": lambda: api_client(w.b_coordinator),
        "org B lawyer (token)": lambda: api_client(w.b_lawyer),
        "org A analyst (token)": lambda: api_client(w.a_analyst),
        "org A lawyer outside the case (token)": lambda: api_client(w.a_outsider),
        "org B coordinator (session)": lambda: make_client(w.b_coordinator),
        "nobody": lambda: Client(),
        "nobody with a made-up token": lambda: Client(
            headers={"Authorization": "Bearer hmy_guessme0" + "A" * 43}
        ),
    }


def snapshot(w: World) -> dict[str, Any]:
    case = Case.objects.get(pk=w.case.pk)
    w.victim.refresh_from_db()
    return {
        "case": (case.version, case.status, case.summary, case.region_id),
        "notes": Note.objects.filter(case=case).count(),
        "tasks": list(Task.objects.filter(case=case).values_list("pk", "done_at")),
        "appeals": Appeal.objects.filter(case=case).count(),
        "parties": CaseParty.objects.filter(person=w.victim).count(),
        "victim": (w.victim.full_name, w.victim.notes),
        "letters": list(Letter.objects.filter(case=case).values_list("pk", "status")),
    }


def leaked(text: str, w: World) -> list[str]:
    return [s for s in (*A_SECRETS, w.case.number) if s in text]


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, path_item in schema["paths"].items()
        for method, operation in path_item.items()
    ]


def test_walk_every_route_as_everyone_who_must_not_see_org_a(world: World) -> None:
    w = world
    schema = openapi(api_client(w.a_lawyer))
    ops = operations(schema)
    assert len(ops) >= 20
    values = path_values(w)
    examples = bodies(w)
    before = snapshot(w)
    b_users = list(User.objects.filter(organisation=w.org_b).values_list("pk", flat=True))
    failures: list[str] = []
    for who, make in callers(w).items():
        client = make()
        for method, template, operation in ops:
            params = PARAM.findall(template)
            path = PARAM.sub(lambda m: str(values[m.group(1)]), template)
            body = None
            if "requestBody" in operation:
                assert operation["operationId"] in examples, (
                    f"add an example body for {operation['operationId']} to bodies()"
                )
                body = examples[operation["operationId"]]
            response = send(client, method, path, body)
            text = response.content.decode()
            label = f"{who}: {method} {path} -> {response.status_code}"
            if leaked(text, w):
                failures.append(f"{label} leaks {leaked(text, w)}")
            targets_a = bool(PROTECTED_PARAMS & set(params)) or (
                operation["operationId"] == "appeal_register"
            )
            if who.startswith("nobody") and response.status_code != 401:
                failures.append(f"{label}: without credentials must be 401")
            elif targets_a and response.status_code not in DENIED:
                failures.append(f"{label}: must be 401/403/404")
            if response.status_code in DENIED:
                assert response["Content-Type"].startswith("application/json"), label
            elif response.status_code == 200 and "items" in response.json():
                # collections: nothing of A's (B and the outsider have no cases at all)
                assert response.json()["total"] == 0 or "facilities" in path, label
    assert not failures, "\n".join(failures)
    assert snapshot(w) == before
    assert not AuditEvent.objects.filter(
        actor_id__in=b_users, action__in=("case.view", "person.view", "appeal.view")
    ).exists()


def test_ids_cannot_be_probed(world: World, settings: Any) -> None:
    """Missing and forbidden answer the very same bytes, for every id up to past the
    last one, so counting or guessing ids tells org B nothing."""
    # Ids grow with the tests run before this one in the same database; the walk is not
    # about the token's rate limit (tested on its own), which it would otherwise reach.
    settings.HIMOYA_API_RATE_PER_MINUTE = 100_000
    w = world
    client = api_client(w.b_coordinator)
    top = max(Case.objects.order_by("-pk").first().pk, w.victim.pk, w.task.pk) + 3  # type: ignore[union-attr]
    seen: dict[str, set[bytes]] = {}
    for pk in range(1, top):
        for template in ("/cases/{}", "/cases/{}/notes", "/persons/{}", "/appeals/{}"):
            response = client.get(API + template.format(pk))
            assert response.status_code == 404, (template, pk)
            seen.setdefault(template, set()).add(response.content)
    assert all(len(bodies_) == 1 for bodies_ in seen.values()), seen


def test_analyst_sees_reference_data_but_no_identities(world: World) -> None:
    client = api_client(world.a_analyst, **{"Accept-Language": "en"})
    assert client.get(f"{API}/vocabularies/").status_code == 200
    assert client.get(f"{API}/facilities/").status_code == 200
    assert client.get(f"{API}/cases/{world.case.pk}").status_code == 404
    assert client.get(f"{API}/persons/{world.victim.pk}").status_code == 404
    for path in ("/cases/", "/persons/"):
        response = client.get(API + path)
        assert response.status_code == 403
        assert "statistics, not to case records" in response.json()["detail"]
    duplicates = send(client, "POST", f"{API}/persons/duplicates", {"full_name": "Секретов"})
    assert duplicates.status_code == 403
    assert send(client, "POST", f"{API}/appeals/", appeal_body()).status_code == 403


def test_a_shared_case_is_visible_to_the_other_organisation_but_not_editable(
    world: World,
) -> None:
    """Sharing is explicit: B's coordinators then see the case (403 on edits, which are
    the owning organisation's), while B's lawyers outside a named team still get 404."""
    w = world
    services.case_share(actor=w.a_coordinator, case=w.case, organisation=w.org_b)
    coordinator = api_client(w.b_coordinator)
    detail = coordinator.get(f"{API}/cases/{w.case.pk}")
    assert detail.status_code == 200
    assert detail.json()["summary"] == "SECRET-SUMMARY-A"
    assert coordinator.get(f"{API}/cases/").json()["total"] == 1
    patch = send(
        coordinator,
        "PATCH",
        f"{API}/cases/{w.case.pk}",
        {"version": w.case.version, "summary": "B"},
    )
    assert patch.status_code == 403
    note = send(coordinator, "POST", f"{API}/cases/{w.case.pk}/notes", {"text": "B"})
    assert note.status_code == 403
    join = send(coordinator, "POST", f"{API}/appeals/", appeal_body(case=w.case.pk))
    assert join.status_code == 403
    assert api_client(w.b_lawyer).get(f"{API}/cases/{w.case.pk}").status_code == 404
    services.case_unshare(actor=w.a_coordinator, case=w.case, organisation=w.org_b)
    assert coordinator.get(f"{API}/cases/{w.case.pk}").status_code == 404


def test_a_person_cannot_be_pulled_into_a_new_case_by_id(world: World) -> None:
    """Registering an appeal that names a person the caller does not see, as victim or
    as applicant, would put them in the caller's new case and show their details: both
    are refused as unknown persons."""
    w = world
    for caller in (w.a_outsider, w.b_lawyer):
        client = api_client(caller)
        for field in ("victim_id", "applicant_id"):
            body = appeal_body(**{field: w.victim.pk})
            if field == "victim_id":
                body["victim"] = None
            response = send(client, "POST", f"{API}/appeals/", body)
            assert response.status_code == 422, (caller, field, response.content)
            assert field.removesuffix("_id") in response.json()["errors"]
            assert not leaked(response.content.decode(), w)
    assert CaseParty.objects.filter(person=w.victim).count() == 1
    assert api_client(w.a_outsider).get(f"{API}/persons/{w.victim.pk}").status_code == 404


def test_a_token_acts_with_its_owners_current_rights(world: World) -> None:
    """Rights are checked on each request, not frozen into the token: a lawyer taken
    off the case loses it at once."""
    w = world
    client = api_client(w.a_lawyer)
    assert client.get(f"{API}/cases/{w.case.pk}").status_code == 200
    Case.objects.filter(pk=w.case.pk).update(lawyer=None, created_by=None)
    w.team_a.members.remove(w.a_lawyer)
    assert client.get(f"{API}/cases/{w.case.pk}").status_code == 404
    assert client.get(f"{API}/cases/{w.case.pk}/notes").status_code == 404
