"""Persons in a case: adding one in any role from the case page, editing a person's
details, with the audit chain and the timeline; and who may not."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from himoya.accounts.models import Role
from himoya.cases.models import CaseEvent, CaseParty, PartyRole
from himoya.core.idempotency import new_token
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER, totp=False)


def party_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "form_token": new_token(),
        "role": "witness",
        "relation": "сосед",
        "full_name": "Свидетелев Марат",
        "sex": "male",
        "birth_date": "1980",
        "phone": "+7 701 000 11 22",
        "email": "",
        "address": "",
        "document_number": "",
        "notes": "Видел задержание (вымышлено).",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", PartyRole.values)
def test_a_person_is_added_in_every_role(lawyer, org, role):
    case = open_case(lawyer, org)
    client = make_client(lawyer)
    response = client.post(reverse("cases:party_add", args=[case.pk]), party_post(role=role))
    assert response.status_code == 302
    assert response["Location"].endswith("#persons")
    party = CaseParty.objects.get(case=case, role=role, person__created_by=lawyer, relation="сосед")
    assert party.person.full_name == "Свидетелев Марат"
    event = CaseEvent.objects.get(case=case, kind="party.add")
    assert event.data == {"case": case.pk, "person": party.person_id, "role": role, "minor": False}
    assert AuditEvent.objects.filter(action="party.add", object_id=str(party.pk)).exists()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Свидетелев Марат" in page
    # the timeline names the person (the case page shows them anyway)
    timeline = page.split('id="timeline"')[1]
    assert f"Добавил(а) в дело: Свидетелев Марат, в роли «{PartyRole(role).label}»" in timeline


def test_a_minor_victim_marks_the_case(lawyer, org):
    case = open_case(lawyer, org)
    assert not case.has_minor_victim
    data = party_post(role="victim", birth_date="2015-03-01", full_name="Младшев Али")
    assert (
        make_client(lawyer).post(reverse("cases:party_add", args=[case.pk]), data).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.has_minor_victim
    assert CaseParty.objects.get(case=case, role="victim", is_minor=True)


def test_bad_details_keep_what_was_typed(lawyer, org):
    case = open_case(lawyer, org)
    data = party_post(birth_date="вчера", role="perpetrator")
    response = make_client(lawyer).post(reverse("cases:party_add", args=[case.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Свидетелев Марат" in body and "в формате ГГГГ-ММ-ДД" in body
    assert not CaseParty.objects.filter(case=case, role="perpetrator").exists()


def test_the_same_page_adds_the_person_once(lawyer, org):
    case = open_case(lawyer, org)
    client = make_client(lawyer)
    data = party_post()
    url = reverse("cases:party_add", args=[case.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert CaseParty.objects.filter(case=case, role="witness").count() == 1


def test_a_person_is_edited_with_the_audit_trail(lawyer, org):
    case = open_case(lawyer, org)
    victim = case.parties.get(role="victim").person
    client = make_client(lawyer)
    url = reverse("cases:person_edit", args=[case.pk, victim.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="person.view", object_id=str(victim.pk)).exists()
    data = {
        "full_name": "Исправленов Арман",
        "sex": "male",
        "birth_date": "1990-05-04",
        "phone": "+7 701 999 88 77",
        "email": "arman@example.invalid",
        "address": "г. Вымышленск",
        "document_number": "N0000001",
        "notes": "Уточнено со слов матери.",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.full_name == "Исправленов Арман" and victim.email == "arman@example.invalid"
    assert victim.birth_date == "1990-05-04" and victim.notes == "Уточнено со слов матери."
    event = AuditEvent.objects.filter(action="person.update").latest("seq")
    assert set(event.data["fields"]) >= {"full_name", "birth_date", "email", "address", "notes"}
    # ids and field names only, never the values
    assert "Исправленов" not in str(event.data)
    entry = CaseEvent.objects.get(case=case, kind="person.update")
    assert entry.data["person"] == victim.pk
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Исправленов Арман" in detail
    assert "Изменил(а) сведения: Исправленов Арман — " in detail
    # nothing changed, nothing recorded
    assert client.post(url, data).status_code == 302
    assert CaseEvent.objects.filter(case=case, kind="person.update").count() == 1
    # an empty name is refused with the typed data kept
    refused = client.post(url, {**data, "full_name": " ", "birth_date": "31.12.1990"})
    assert refused.status_code == 400
    assert "Уточнено со слов матери." in refused.content.decode()


def test_who_may_not_edit_or_add(lawyer, org, other_org):
    case = open_case(lawyer, org)
    other_case = open_case(lawyer, org)
    victim = case.parties.get(role="victim").person
    stranger = other_case.parties.get(role="victim").person
    edit = reverse("cases:person_edit", args=[case.pk, victim.pk])
    add = reverse("cases:party_add", args=[case.pk])
    outsiders = [
        UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False),
        UserFactory(organisation=org, role=Role.LAWYER, totp=False),  # not on the case
        UserFactory(organisation=org, role=Role.DOCTOR, totp=False),
        UserFactory(organisation=org, role=Role.ANALYST, totp=False),
    ]
    for user in outsiders:
        client = make_client(user)
        assert client.get(edit).status_code == 404, user.role
        assert client.post(edit, {"full_name": "Взлом"}).status_code == 404
        assert client.post(add, party_post()).status_code == 404
    # a person of another case is not reached through this one
    own = make_client(lawyer)
    assert own.get(reverse("cases:person_edit", args=[case.pk, stranger.pk])).status_code == 404
    victim.refresh_from_db()
    assert victim.full_name != "Взлом"
    assert not CaseParty.objects.filter(case=case, role="witness").exists()
