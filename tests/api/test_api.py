"""The REST API end to end through HTTP (Django's test client): personal tokens, the
CRUD flows through the services, optimistic locking, error shapes and languages, rate
limits and the OpenAPI schema. What another organisation or role must not reach is in
test_api_access.py."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from himoya.accounts.models import User
from himoya.api import services as token_services
from himoya.api.models import ApiToken
from himoya.cases import services
from himoya.cases.models import Case, CaseStatus, Task
from himoya.core.idempotency import new_token
from himoya.core.models import AuditEvent
from tests.api.world import (
    API,
    TODAY,
    World,
    api_client,
    appeal_body,
    openapi,
    register,
    send,
    token_for,
)
from tests.conftest import make_client
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

# ---------------------------------------------------------------- tokens


def test_token_is_shown_once_and_only_its_digest_is_stored(world: World) -> None:
    issued = token_services.token_issue(actor=world.a_lawyer, name="отчёты", lifetime_days=30)
    secret = issued.secret
    assert secret.startswith("hmy_" + issued.token.prefix)
    assert len(secret) >= 40
    row = ApiToken.objects.get(pk=issued.token.pk)
    stored = [str(getattr(row, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(secret in value or secret[12:] in value for value in stored)
    assert row.token_hash == token_services.token_digest(secret)
    assert row.expires_at - timezone.now() > dt.timedelta(days=29)
    event = AuditEvent.objects.filter(action="api_token.issue").latest("seq")
    assert event.object_id == str(row.pk) and event.actor_id == world.a_lawyer.pk
    assert secret not in json.dumps(event.data)


def test_token_issue_validates(world: World) -> None:
    with pytest.raises(Exception) as exc:
        token_services.token_issue(actor=world.a_lawyer, name="  ", lifetime_days=3650)
    assert set(exc.value.message_dict) == {"name", "lifetime_days"}  # type: ignore[attr-defined]


def test_token_authenticates_and_records_last_use(world: World) -> None:
    token = token_for(world.a_lawyer)
    response = api_client(token=token).get(f"{API}/me")
    assert response.status_code == 200, response.content
    me = response.json()
    assert me["id"] == world.a_lawyer.pk and me["authenticated_by"] == "token"
    assert me["organisation"]["slug"] == "alpha"
    assert me["token"]["prefix"] == token[4:12]
    assert ApiToken.objects.get(prefix=token[4:12]).last_used_at is not None
    assert response["Cache-Control"].count("no-store") == 1


@pytest.mark.parametrize(
    "spoil, message",
    [
        ("revoke", "revoked"),
        ("expire", "expired"),
        ("deactivate", "deactivated"),
        # Removing the device revokes the account's tokens
        # (tests/accounts/test_token_revocation.py); one removed behind the application's
        # back still stops them.
        ("drop_totp", "revoked"),
        ("drop_totp_sql", "two-factor"),
    ],
)
def test_refused_tokens_say_why(world: World, spoil: str, message: str) -> None:
    issued = token_services.token_issue(actor=world.a_lawyer, name="x")
    client = api_client(token=issued.secret, **{"Accept-Language": "en"})
    assert client.get(f"{API}/me").status_code == 200
    if spoil == "revoke":
        token_services.token_revoke(actor=world.a_lawyer, token=issued.token)
    elif spoil == "expire":
        ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now())
    elif spoil == "deactivate":
        User.objects.filter(pk=world.a_lawyer.pk).update(is_active=False)
    elif spoil == "drop_totp":
        world.a_lawyer.authenticator_set.all().delete()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM mfa_authenticator WHERE user_id = %s", [world.a_lawyer.pk])
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert message in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer nonsense",
        "Bearer hmy_aaaaaaaa" + "x" * 43,
        "Basic dXNlcjpwYXNz",
        "Token whatever",
    ],
)
def test_anything_but_a_valid_credential_is_401_json(world: World, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = Client(headers=headers).get(f"{API}/cases/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_bad_token_never_falls_back_to_the_session(world: World) -> None:
    client = make_client(world.a_lawyer)
    assert client.get(f"{API}/me").json()["authenticated_by"] == "session"
    response = client.get(f"{API}/me", headers={"Authorization": "Bearer hmy_wrongwrong"})
    assert response.status_code == 401


def test_token_of_a_digit_changed_secret_is_refused(world: World) -> None:
    token = token_for(world.a_lawyer)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert api_client(token=forged).get(f"{API}/me").status_code == 401


def test_revoking_is_audited_and_limited_to_owner_and_managers(world: World) -> None:
    issued = token_services.token_issue(actor=world.a_lawyer, name="x")
    for stranger in (world.a_doctor, world.b_coordinator, world.a_analyst):
        with pytest.raises(PermissionDenied):
            token_services.token_revoke(actor=stranger, token=issued.token)
    token_services.token_revoke(actor=world.a_coordinator, token=issued.token)
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert issued.token.revoked_by == world.a_coordinator
    event = AuditEvent.objects.filter(action="api_token.revoke").latest("seq")
    assert event.actor_id == world.a_coordinator.pk and event.object_id == str(issued.token.pk)


@override_settings(HIMOYA_API_RATE_PER_MINUTE=3)
def test_tokens_are_rate_limited_each_on_its_own(world: World) -> None:
    first = api_client(world.a_lawyer)
    second = api_client(world.a_lawyer)
    if int(time.time()) % 60 > 57:  # do not straddle the minute window
        time.sleep(3)
    codes = [first.get(f"{API}/me").status_code for _i in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = first.get(f"{API}/me")
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert limited.json()["code"] == "throttled"
    assert second.get(f"{API}/me").status_code == 200


# ---------------------------------------------------------------- the staff pages


def recently_reauthenticated(client: Client, user: User) -> None:
    """Types the password again on allauth's re-authentication page, as staff do."""
    response = client.post("/staff/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_token_pages_need_a_completed_second_factor(world: World) -> None:
    anonymous = Client()
    assert anonymous.get("/staff/api-tokens/").status_code == 302
    half = Client()
    half.force_login(world.a_lawyer)  # password only, no TOTP step in this session
    response = half.get("/staff/api-tokens/")
    assert response.status_code == 302
    assert "/staff/api-tokens/" not in response["Location"].split("?")[0]


def test_issue_page_asks_to_reauthenticate_first(world: World) -> None:
    client = make_client(world.a_lawyer)
    response = client.post(
        "/staff/api-tokens/new/", {"name": "скрипт", "lifetime_days": 30, "form_token": new_token()}
    )
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert not ApiToken.objects.filter(user=world.a_lawyer).exists()


def test_token_issued_on_the_page_works_and_is_shown_once(world: World) -> None:
    client = make_client(world.a_lawyer)
    assert client.get("/staff/api-tokens/").status_code == 200
    recently_reauthenticated(client, world.a_lawyer)
    response = client.post(
        "/staff/api-tokens/new/", {"name": "скрипт", "lifetime_days": 30, "form_token": new_token()}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.a_lawyer)
    html = response.content.decode()
    start = html.index('value="hmy_') + len('value="')
    secret = html[start : html.index('"', start)]
    assert token_services.token_digest(secret) == token.token_hash
    assert "no-store" in response["Cache-Control"]
    listing = client.get("/staff/api-tokens/").content.decode()
    assert token.prefix in listing and secret not in listing
    assert api_client(token=secret).get(f"{API}/me").status_code == 200
    # revoke from the page
    response = client.post(f"/staff/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_client(token=secret).get(f"{API}/me").status_code == 401


def test_page_cannot_revoke_someone_elses_token(world: World) -> None:
    issued = token_services.token_issue(actor=world.a_lawyer, name="x")
    response = make_client(world.b_coordinator).post(f"/staff/api-tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    manager = make_client(world.a_coordinator)
    assert issued.token.prefix in manager.get("/staff/api-tokens/").content.decode()
    assert manager.post(f"/staff/api-tokens/{issued.token.pk}/revoke/").status_code == 302


def test_token_pages_load_nothing_from_elsewhere(world: World) -> None:
    client = make_client(world.a_lawyer)
    recently_reauthenticated(client, world.a_lawyer)
    for response in (
        client.get("/staff/api-tokens/"),
        client.get("/staff/api-tokens/new/"),
        client.post("/staff/api-tokens/new/", {"name": "n", "lifetime_days": 7}),
    ):
        html = response.content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert "http://" not in html and "https://" not in html


# ---------------------------------------------------------------- sessions in the browser


def test_session_reads_work_and_writes_need_the_csrf_token(world: World) -> None:
    client = make_client(world.a_lawyer)
    client.handler.enforce_csrf_checks = True
    assert client.get(f"{API}/cases/{world.case.pk}").status_code == 200
    response = send(client, "POST", f"{API}/cases/{world.case.pk}/notes", {"text": "без CSRF"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf"
    client.get("/staff/api-tokens/")  # any staff page sets the CSRF cookie
    csrf = client.cookies["himoya_csrf"].value
    response = send(
        client,
        "POST",
        f"{API}/cases/{world.case.pk}/notes",
        {"text": "с CSRF"},
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content


def test_cross_site_session_requests_are_refused(world: World) -> None:
    client = make_client(world.a_lawyer)
    response = client.get(f"{API}/cases/", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_session_without_second_factor_is_refused(world: World) -> None:
    client = Client()
    client.force_login(world.a_lawyer)
    assert client.get(f"{API}/me").status_code in (401, 403)


# ---------------------------------------------------------------- flows


def test_appeal_opens_a_case_and_the_case_is_read_back(world: World) -> None:
    client = api_client(world.a_lawyer)
    body = appeal_body(region=world.region.pk, facility=world.facility.pk, lawyer=world.a_lawyer.pk)
    response = send(client, "POST", f"{API}/appeals/", body)
    assert response.status_code == 201, response.content
    appeal = response.json()
    assert appeal["case"]["number"].startswith(f"K-{TODAY().year}-")
    assert appeal["victim"]["full_name"] == "Вымышленов Арман"
    assert appeal["channel"]["code"] == "letter"
    case_id = appeal["case"]["id"]

    before = AuditEvent.objects.filter(action="case.view", object_id=str(case_id)).count()
    detail = client.get(f"{API}/cases/{case_id}").json()
    assert AuditEvent.objects.filter(action="case.view", object_id=str(case_id)).count() == (
        before + 1
    )
    assert detail["summary"] == "Избиение при задержании (вымышленное)"
    assert detail["status"] == "new" and detail["version"] == 1
    assert {v["type"]["code"] for v in detail["violations"]} == {"ill_treatment", "threats"}
    assert detail["parties"][0]["person"]["full_name"] == "Вымышленов Арман"
    assert detail["lawyer"]["id"] == world.a_lawyer.pk
    assert detail["facility"]["id"] == world.facility.pk
    # the write itself was audited by the service
    assert AuditEvent.objects.filter(action="appeal.register", object_id=str(appeal["id"])).exists()
    assert client.get(f"{API}/appeals/{appeal['id']}").json()["content"].startswith("Письмо")
    assert len(client.get(f"{API}/cases/{case_id}/appeals").json()) == 1


def test_appeal_joins_an_existing_case(world: World) -> None:
    client = api_client(world.a_lawyer)
    body = appeal_body(case=world.case.pk, victim=None, victim_id=world.victim.pk, content="второе")
    response = send(client, "POST", f"{API}/appeals/", body)
    assert response.status_code == 201, response.content
    assert response.json()["case"]["id"] == world.case.pk
    assert Case.objects.filter(organisation=world.org_a).count() == 1
    assert len(client.get(f"{API}/cases/{world.case.pk}/appeals").json()) == 2


def test_case_list_filters_and_pages(world: World) -> None:
    client = api_client(world.a_lawyer)
    for _i in range(3):
        assert send(client, "POST", f"{API}/appeals/", appeal_body()).status_code == 201
    page = client.get(f"{API}/cases/", {"limit": 2, "offset": 0}).json()
    assert page["total"] == 4 and page["limit"] == 2 and len(page["items"]) == 2
    rest = client.get(f"{API}/cases/", {"limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 2
    ids = {c["id"] for c in page["items"]} | {c["id"] for c in rest["items"]}
    assert len(ids) == 4

    def only(**params: Any) -> set[int]:
        response = client.get(f"{API}/cases/", params)
        assert response.status_code == 200, response.content
        return {c["id"] for c in response.json()["items"]}

    mine = world.case.pk
    assert only(violation="torture") == {mine}
    assert mine not in only(violation="threats")
    assert only(region=world.region.pk) == {mine}
    assert only(facility=world.facility.pk) == {mine}
    assert only(lawyer=world.a_lawyer.pk) == {mine}
    assert only(overdue="true") == {mine}
    assert len(only(agency="police")) == 4
    assert only(agency="military") == set()
    assert len(only(status="new")) == 4 and only(status="closed") == set()
    opened = world.case.opened_on
    assert mine in only(opened_from=str(opened), opened_to=str(opened))
    assert mine not in only(opened_from=str(opened + dt.timedelta(days=1)))
    assert client.get(f"{API}/cases/", {"limit": 1000}).status_code == 422
    assert client.get(f"{API}/cases/", {"status": "lost"}).status_code == 422
    listed = AuditEvent.objects.filter(action="case.list").latest("seq")
    assert listed.data["via"] == "api" and listed.actor_id == world.a_lawyer.pk


def test_case_list_full_text(world: World) -> None:
    client = api_client(world.a_lawyer)
    assert send(client, "POST", f"{API}/appeals/", appeal_body()).status_code == 201
    found = send(client, "POST", f"{API}/cases/search", {"q": "Секретов"}).json()
    assert [c["id"] for c in found["items"]] == [world.case.pk]


def test_update_with_version_and_409_naming_who_changed_it(world: World) -> None:
    lawyer = api_client(world.a_lawyer, **{"Accept-Language": "en"})
    coordinator = api_client(world.a_coordinator)
    version = lawyer.get(f"{API}/cases/{world.case.pk}").json()["version"]

    response = send(
        coordinator,
        "PATCH",
        f"{API}/cases/{world.case.pk}",
        {"version": version, "summary": "уточнено координатором"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == version + 1
    assert response.json()["updated_by"]["id"] == world.a_coordinator.pk

    stale = send(
        lawyer, "PATCH", f"{API}/cases/{world.case.pk}", {"version": version, "summary": "моё"}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "concurrent_edit"
    assert "Коорд А" in body["detail"] and body["changed_by"] == "Коорд А"
    assert body["current_version"] == version + 1
    world.case.refresh_from_db()
    assert world.case.summary == "уточнено координатором"

    fresh = send(
        lawyer,
        "PATCH",
        f"{API}/cases/{world.case.pk}",
        {"version": version + 1, "summary": "моё", "region": None, "agency": "penitentiary"},
    )
    assert fresh.status_code == 200, fresh.content
    data = fresh.json()
    assert data["summary"] == "моё" and data["region"] is None
    assert data["agency"]["code"] == "penitentiary"
    assert (
        AuditEvent.objects.filter(action="case.update", object_id=str(world.case.pk)).count() == 2
    )


def test_status_change_and_its_rules(world: World) -> None:
    client = api_client(world.a_lawyer)
    url = f"{API}/cases/{world.case.pk}/status"
    version = world.case.version
    moved = send(client, "POST", url, {"version": version, "status": "in_progress"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "in_progress"
    version = moved.json()["version"]
    no_outcome = send(client, "POST", url, {"version": version, "status": "closed"})
    assert no_outcome.status_code == 422 and "outcome" in no_outcome.json()["errors"]
    # The case is in Kazakhstan: Tajikistan's "refused to open a criminal case" is not
    # one of its outcomes.
    not_here = send(
        client, "POST", url, {"version": version, "status": "closed", "outcome": "refused"}
    )
    assert not_here.status_code == 422 and "outcome" in not_here.json()["errors"]
    closing = {"version": version, "status": "closed", "outcome": "registration_refused"}
    # the case has an open task: closing says so until told what becomes of it
    undecided = send(client, "POST", url, closing)
    assert undecided.status_code == 422 and f"task_{world.task.pk}" in undecided.json()["errors"]
    closed = send(client, "POST", url, {**closing, "open_tasks": "keep"})
    assert Task.objects.get(pk=world.task.pk).kept_after_closing
    assert closed.status_code == 200 and closed.json()["closed_on"] == str(timezone.localdate())
    assert closed.json()["outcome"] == "registration_refused"
    version = closed.json()["version"]
    # reopening is the coordinators': the lawyer sees the case, the role forbids it
    reopen = send(client, "POST", url, {"version": version, "status": "in_progress"})
    assert reopen.status_code == 403
    assert reopen.json()["action"] == "case.manage"
    coordinator = api_client(world.a_coordinator)
    reopened = send(coordinator, "POST", url, {"version": version, "status": "in_progress"})
    assert reopened.status_code == 200
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.IN_PROGRESS
    stale = send(coordinator, "POST", url, {"version": version, "status": "awaiting_answer"})
    assert stale.status_code == 409


def test_notes_and_tasks(world: World) -> None:
    client = api_client(world.a_lawyer)
    base = f"{API}/cases/{world.case.pk}"
    note = send(client, "POST", f"{base}/notes", {"text": "позвонить матери"})
    assert note.status_code == 201 and note.json()["author"]["id"] == world.a_lawyer.pk
    texts = [n["text"] for n in client.get(f"{base}/notes").json()]
    assert texts[0] == "позвонить матери" and "SECRET-NOTE-A" in texts
    empty = send(client, "POST", f"{base}/notes", {"text": "   "})
    assert empty.status_code == 422 and "text" in empty.json()["errors"]

    due = str(TODAY() + dt.timedelta(days=7))
    task = send(
        client,
        "POST",
        f"{base}/tasks",
        {"title": "подать жалобу", "due_on": due, "assignee": world.a_coordinator.pk},
    )
    assert task.status_code == 201, task.content
    assert task.json()["assignee"]["id"] == world.a_coordinator.pk
    foreign = send(client, "POST", f"{base}/tasks", {"title": "x", "assignee": world.b_lawyer.pk})
    assert foreign.status_code == 422 and "assignee" in foreign.json()["errors"]
    task_id = task.json()["id"]
    done = send(client, "POST", f"{base}/tasks/{task_id}/complete")
    assert done.status_code == 200 and done.json()["done_at"] is not None
    tasks = client.get(f"{base}/tasks").json()
    assert {t["title"] for t in tasks} == {"подать жалобу", "SECRET-TASK-A"}
    # a doctor of the team sees the case and may write notes, not tasks
    doctor = api_client(world.a_doctor)
    assert send(doctor, "POST", f"{base}/notes", {"text": "осмотр"}).status_code == 201
    assert send(doctor, "POST", f"{base}/tasks", {"title": "x"}).status_code == 403
    kinds = [e["kind"] for e in client.get(f"{base}/timeline").json()]
    assert "task.done" in kinds and "note.add" in kinds


def test_persons_list_detail_update_and_duplicates(world: World) -> None:
    client = api_client(world.a_lawyer)
    listing = client.get(f"{API}/persons/").json()
    assert listing["total"] == 1
    assert listing["items"][0]["full_name"] == "Секретов Тайный Алматович"
    person = client.get(f"{API}/persons/{world.victim.pk}").json()
    assert person["phone"] == "+7 701 555 0199"
    assert person["cases"] == [
        {"id": world.case.pk, "number": world.case.number, "roles": ["victim"]}
    ]
    assert AuditEvent.objects.filter(action="person.view", object_id=str(world.victim.pk)).exists()

    changed = send(
        client, "PATCH", f"{API}/persons/{world.victim.pk}", {"address": "г. Алматы (вымышл.)"}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["address"] == "г. Алматы (вымышл.)"
    assert changed.json()["phone"] == "+7 701 555 0199"
    bad = send(client, "PATCH", f"{API}/persons/{world.victim.pk}", {"birth_date": "вчера"})
    assert bad.status_code == 422 and "birth_date" in bad.json()["errors"]

    hints = send(
        client,
        "POST",
        f"{API}/persons/duplicates",
        {"full_name": "секретов  тайный алматович", "phone": "+77015550199"},
    ).json()
    assert {h["field"] for h in hints} == {"full_name", "phone"}
    assert all(h["case_numbers"] == [world.case.number] for h in hints)
    # the same look-up by someone who does not see the case finds nothing
    other = api_client(world.a_outsider)
    hints = send(
        other, "POST", f"{API}/persons/duplicates", {"full_name": "Секретов Тайный Алматович"}
    )
    assert hints.json() == []


def test_facilities_and_reference_data(world: World) -> None:
    client = api_client(world.a_lawyer)
    vocabularies = {v["name"]: v for v in client.get(f"{API}/vocabularies/").json()}
    assert {"violation", "agency", "channel", "facility_type"} <= set(vocabularies)
    assert "torture" in {t["code"] for t in vocabularies["violation"]["terms"]}
    assert client.get(f"{API}/vocabularies/channel").json()["name"] == "channel"
    assert client.get(f"{API}/vocabularies/nothing").status_code == 404
    regions = client.get(f"{API}/regions/", {"country": "kz"}).json()
    assert regions and all(r["country"] == "KZ" for r in regions)

    created = send(
        client,
        "POST",
        f"{API}/facilities/",
        {"name": "СИЗО тестовое", "country": "kz", "region": world.region.pk, "type": "sizo"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["type"]["code"] == "sizo" and created.json()["country"] == "KZ"
    assert AuditEvent.objects.filter(action="facility.create").exists()
    again = send(client, "POST", f"{API}/facilities/", {"name": "СИЗО  тестовое", "country": "KZ"})
    assert again.status_code == 422 and "name" in again.json()["errors"]
    found = client.get(f"{API}/facilities/", {"country": "KZ", "q": "тестов"}).json()
    assert {f["name"] for f in found["items"]} == {"СИЗО тестовое", "ИВС тестовый"}
    assert client.get(f"{API}/facilities/{world.facility.pk}").json()["name"] == "ИВС тестовый"
    doctor = api_client(world.a_doctor)
    assert (
        send(doctor, "POST", f"{API}/facilities/", {"name": "x", "country": "KZ"}).status_code
        == 403
    )


# ---------------------------------------------------------------- errors and languages


def test_validation_errors_are_422_per_field_in_the_callers_language(world: World) -> None:
    body = appeal_body(channel="pigeon", received_on=str(TODAY() + dt.timedelta(days=2)))
    for language in ("ru", "en", "kk"):
        client = api_client(world.a_lawyer, **{"Accept-Language": language})
        response = send(client, "POST", f"{API}/appeals/", body)
        assert response.status_code == 422
        assert response["Content-Language"] == language
        errors = response.json()["errors"]
        with translation.override(language):
            assert errors["channel"] == [
                gettext("Unknown value “%(value)s”.") % {"value": "pigeon"}
            ]
            assert errors["received_on"] == [gettext("The date cannot be in the future.")]
    assert not Case.objects.exclude(pk=world.case.pk).exists()


def test_the_users_own_language_applies_when_the_request_names_none(world: World) -> None:
    User.objects.filter(pk=world.a_lawyer.pk).update(language="tg")
    client = api_client(world.a_lawyer)
    response = send(client, "POST", f"{API}/appeals/", appeal_body(channel="pigeon"))
    assert response.status_code == 422
    assert response["Content-Language"] == "tg"
    with translation.override("tg"):
        expected = gettext("Unknown value “%(value)s”.") % {"value": "pigeon"}
    assert response.json()["errors"]["channel"] == [expected]


def test_malformed_input_is_422_per_field(world: World) -> None:
    client = api_client(world.a_lawyer)
    response = send(
        client,
        "POST",
        f"{API}/appeals/",
        {"received_on": "вчера", "consent_processing": "maybe", "victim": {"full_name": ""}},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"received_on", "channel", "consent_processing", "victim.full_name"} <= set(errors)
    not_json = client.post(f"{API}/appeals/", data="{", content_type="application/json")
    assert not_json.status_code in (400, 422)
    assert "detail" in not_json.json()


def test_input_the_database_cannot_take_is_422_not_500(world: World) -> None:
    """Found by fuzzing the schema (schemathesis): numbers past 64 bits, offsets past
    any table, NUL characters (PostgreSQL refuses them) and misspelt field names."""
    client = api_client(world.a_lawyer, **{"Accept-Language": "en"})
    huge = str(2**70)
    for params in ({"lawyer": huge}, {"offset": huge}, {"region": "0"}):
        response = client.get(f"{API}/cases/", params)
        assert response.status_code == 422, (params, response.content)
    assert client.get(f"{API}/facilities/", {"q": "a\x00b"}).status_code == 422
    assert client.get(f"{API}/cases/{huge}").status_code == 404
    nul = send(client, "POST", f"{API}/facilities/", {"name": "a\x00b", "country": "KZ"})
    assert nul.status_code == 422
    assert nul.json()["errors"]["name"] == ["Null characters are not allowed."]
    typo = send(
        client, "PATCH", f"{API}/cases/{world.case.pk}", {"version": 1, "sumary": "опечатка"}
    )
    assert typo.status_code == 422 and typo.json()["errors"] == {"sumary": ["Unknown field."]}
    stale_huge = send(client, "PATCH", f"{API}/cases/{world.case.pk}", {"version": 2**40})
    assert stale_huge.status_code == 422


def test_unknown_api_paths_are_json_404(world: World) -> None:
    client = api_client(world.a_lawyer)
    for path in ("/no-such-thing/", "/persons/%0A", "/cases/1/%0A/x"):
        response = client.get(API + path)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    assert client.delete(f"{API}/cases/{world.case.pk}").status_code == 405
    # unsafe methods on unknown paths too, even with a session cookie and no CSRF token
    browser = make_client(world.a_lawyer)
    browser.handler.enforce_csrf_checks = True
    response = browser.patch(f"{API}/cases/null,null", data="{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


# ---------------------------------------------------------------- the schema


def api_routes() -> list[tuple[str, str]]:
    """(method, django path pattern) of every operation the API serves."""
    from himoya.api.api import api

    routes = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    routes.append((method.lower(), "/" + (prefix + path).lstrip("/")))
    return routes


def test_openapi_schema_is_valid_and_lists_every_route(world: World) -> None:
    schema = openapi(api_client(world.a_lawyer))
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Himoya API"
    listed = {
        (method, path.removeprefix(API))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    served = {(method, path.replace("{int:", "{")) for method, path in api_routes()}
    assert served and listed == served
    operation_ids = [
        op["operationId"] for operations in schema["paths"].values() for op in operations.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security"), f"{method} {path} is open"
            assert {"401", "403", "404"} <= set(operation["responses"]), (method, path)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    try:
        from openapi_spec_validator import validate
    except ImportError:
        return
    validate(schema)


def test_docs_page_is_served_from_this_host(world: World) -> None:
    client = make_client(world.a_lawyer)
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html and "style=" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert f"{API}/docs/{asset}" in html
        assert client.get(f"{API}/docs/{asset}").status_code == 200
    assert client.get(f"{API}/docs/redoc.standalone.js").status_code == 404
    assert client.get(f"{API}/docs/..%2F..%2Fsettings.py").status_code == 404


# ---------------------------------------------------------------- in a real browser


@pytest.mark.browser
def test_docs_page_runs_under_the_csp_and_loads_nothing_from_elsewhere(
    page: Any, live_server: Any, world: World
) -> None:
    from tests.browser_helpers import PageGuard, login

    guard = PageGuard(page, live_server.url)
    login(page, live_server.url, world.a_lawyer)
    page.goto(live_server.url + f"{API}/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() == len(api_routes())
    assert "Himoya API" in page.inner_text("body")
    guard.assert_clean()


@pytest.mark.browser
def test_token_issued_through_the_staff_pages_opens_the_api(
    page: Any, live_server: Any, world: World
) -> None:
    """Sign in with password and TOTP, open the token page, confirm the password, issue
    a token, read it off the page, and call the API with it over real HTTP."""
    import urllib.request

    from tests.browser_helpers import PageGuard, confirm_password_if_asked, login, shoot

    guard = PageGuard(page, live_server.url)
    login(page, live_server.url, world.a_lawyer)
    page.goto(live_server.url + "/staff/api-tokens/")
    page.click("a[href$='/staff/api-tokens/new/']")
    page.wait_for_load_state()
    confirm_password_if_asked(page)
    page.fill("input[name=name]", "скрипт отчётов")
    page.select_option("select[name=lifetime_days]", "30")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    secret = page.input_value("#api-token")
    assert secret.startswith("hmy_")
    shoot(page, "api-token-issued")
    request = urllib.request.Request(  # noqa: S310 (the live server on loopback)
        live_server.url + f"{API}/cases/", headers={"Authorization": f"Bearer {secret}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        assert json.load(response)["items"][0]["number"] == world.case.number
    page.goto(live_server.url + "/staff/api-tokens/")
    assert "скрипт отчётов" in page.inner_text("main")
    assert secret not in page.content()
    page.click("main form[action$='/revoke/'] button")
    page.wait_for_load_state()
    assert "revoked" in page.inner_text("main") or "отозван" in page.inner_text("main").lower()
    guard.assert_clean()


def test_case_list_merges_shared_cases_newest_first(world: World) -> None:
    """A coordinator's list holds the own organisation's cases and those shared with it,
    in one newest-first order, counted exactly, paged the same way."""
    older = register(world.b_coordinator, received_on=TODAY() - dt.timedelta(days=10)).case
    newer = register(world.b_coordinator, received_on=TODAY() - dt.timedelta(days=5)).case
    services.case_share(actor=world.a_coordinator, case=world.case, organisation=world.org_b)
    client = api_client(world.b_coordinator)
    listing = client.get(f"{API}/cases/").json()
    assert listing["total"] == 3
    assert [c["id"] for c in listing["items"]] == [world.case.pk, newer.pk, older.pk]
    second = client.get(f"{API}/cases/", {"limit": 1, "offset": 1}).json()
    assert second["total"] == 3 and [c["id"] for c in second["items"]] == [newer.pk]
    beyond = client.get(f"{API}/cases/", {"offset": 3}).json()
    assert beyond["total"] == 3 and beyond["items"] == []
    # the lawyer of B sees only what B's teams were given: not the shared case
    lawyer = api_client(world.b_lawyer).get(f"{API}/cases/").json()
    assert world.case.pk not in {c["id"] for c in lawyer["items"]}
