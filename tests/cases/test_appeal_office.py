"""The office that received an appeal: chosen at intake (the head office by default),
corrected on the case page, carried by the API; only the appeal's organisation's open
offices are offered and accepted, and only by whoever may edit the case."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from himoya.cases import services
from himoya.cases.models import Appeal, CaseEvent
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from himoya.outreach.models import Office
from himoya.outreach.services import office_create, office_update
from tests.api.world import API, World, api_client, appeal_body, send
from tests.conftest import make_client
from tests.factories import register_appeal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SYSTEM = SystemActor("test")


def office(org: Any, name: str, kind: str = Office.Kind.BRANCH) -> Office:
    return office_create(
        actor=SYSTEM,
        organisation=org,
        name=name,
        kind=kind,
        country=org.country,
        region=None,
        address="ул. Вымышленная, 2 (тест)",
        hotlines=[],
    )


def close(o: Office) -> None:
    office_update(
        actor=SYSTEM,
        office=o,
        name=o.name,
        kind=o.kind,
        country=o.country,
        region=None,
        address=o.address,
        hotlines=[],
        active=False,
    )
    o.refresh_from_db()
    assert not o.active


@pytest.fixture
def offices(world: World) -> dict[str, Office]:
    return {
        "branch": office(world.org_a, "Филиал (тест)"),
        "head": office(world.org_a, "Головной офис (тест)", Office.Kind.HEAD),
        "theirs": office(world.org_b, "Офис Бета (тест)", Office.Kind.HEAD),
    }


def first_appeal(world: World) -> Appeal:
    return Appeal.objects.get(case=world.case)


# ---------------------------------------------------------------- the service


def test_registration_records_its_own_organisation_s_open_office(world: World, offices) -> None:
    appeal = register_appeal(world.a_lawyer, office=offices["branch"].pk)
    assert Appeal.objects.get(pk=appeal.pk).office == offices["branch"]
    event = AuditEvent.objects.get(action="appeal.register", object_id=str(appeal.pk))
    assert event.data["office"] == offices["branch"].pk
    # Without one the appeal records none: the service does not guess.
    assert register_appeal(world.a_lawyer).office is None


def test_registration_refuses_another_organisation_s_office(world: World, offices) -> None:
    before = Appeal.objects.count()
    with pytest.raises(ValidationError) as refused:
        register_appeal(world.a_lawyer, office=offices["theirs"].pk)
    assert refused.value.message_dict == {"office": ["Unknown office."]}
    with pytest.raises(ValidationError) as missing:
        register_appeal(world.a_lawyer, office=offices["theirs"].pk + 1000)
    # The other organisation's office reads exactly as one that does not exist.
    assert missing.value.message_dict == refused.value.message_dict
    assert Appeal.objects.count() == before


def test_registration_refuses_a_closed_office(world: World, offices) -> None:
    close(offices["branch"])
    with pytest.raises(ValidationError) as refused:
        register_appeal(world.a_lawyer, office=offices["branch"].pk)
    assert refused.value.message_dict == {"office": ["This office is closed; choose an open one."]}


def test_correcting_the_office(world: World, offices) -> None:
    appeal = first_appeal(world)
    services.appeal_change_office(actor=world.a_lawyer, appeal=appeal, office=offices["head"].pk)
    assert Appeal.objects.get(pk=appeal.pk).office == offices["head"]
    entry = CaseEvent.objects.filter(case=world.case, kind="appeal.office").get()
    assert entry.data["office"] == offices["head"].pk and entry.data["from"] is None
    # A closed office stays on the appeal that names it: saving it again is no change.
    close(offices["head"])
    services.appeal_change_office(actor=world.a_lawyer, appeal=appeal, office=offices["head"].pk)
    assert CaseEvent.objects.filter(case=world.case, kind="appeal.office").count() == 1
    # ... but no other closed office can be chosen, and clearing it is allowed.
    close(offices["branch"])
    with pytest.raises(ValidationError):
        services.appeal_change_office(
            actor=world.a_lawyer, appeal=appeal, office=offices["branch"].pk
        )
    services.appeal_change_office(actor=world.a_lawyer, appeal=appeal, office=None)
    assert Appeal.objects.get(pk=appeal.pk).office is None


def test_correcting_refuses_another_organisation_s_office(world: World, offices) -> None:
    appeal = first_appeal(world)
    with pytest.raises(ValidationError) as refused:
        services.appeal_change_office(
            actor=world.a_coordinator, appeal=appeal, office=offices["theirs"].pk
        )
    assert refused.value.messages == ["Unknown office."]
    assert Appeal.objects.get(pk=appeal.pk).office is None


def test_correcting_needs_the_right_to_edit_the_case(world: World, offices) -> None:
    appeal = first_appeal(world)
    for actor in (world.a_doctor, world.a_outsider, world.a_analyst, world.b_coordinator):
        with pytest.raises(PermissionDenied):
            services.appeal_change_office(actor=actor, appeal=appeal, office=offices["head"].pk)
    assert Appeal.objects.get(pk=appeal.pk).office is None


# ---------------------------------------------------------------- the staff pages


def test_intake_form_offers_own_open_offices_head_office_first(world: World, offices) -> None:
    closed = office(world.org_a, "Закрытый пункт (тест)")
    close(closed)
    html = make_client(world.a_lawyer).get("/staff/cases/appeals/new/").content.decode()
    select = html[
        html.index('name="office"') : html.index("</select>", html.index('name="office"'))
    ]
    assert f'<option value="{offices["head"].pk}" selected>' in select
    assert offices["branch"].name in select
    assert offices["theirs"].name not in select
    assert closed.name not in select


def test_case_page_corrects_the_office(world: World, offices) -> None:
    appeal = first_appeal(world)
    client = make_client(world.a_lawyer)
    page = client.get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert f"/staff/cases/{world.case.pk}/appeals/{appeal.pk}/office/" in page
    url = f"/staff/cases/{world.case.pk}/appeals/{appeal.pk}/office/"
    response = client.post(url, {"office": offices["branch"].pk})
    assert response.status_code == 302 and response["Location"].endswith("#appeals")
    assert Appeal.objects.get(pk=appeal.pk).office == offices["branch"]
    shown = client.get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert offices["branch"].name in shown
    # The timeline says so (the page is in Russian, the default).
    received = appeal.received_on.strftime("%d.%m.%Y")
    assert f"Указан офис, принявший обращение от {received}: {offices['branch'].name}" in shown


def test_case_page_refuses_foreign_offices_and_readers(world: World, offices) -> None:
    appeal = first_appeal(world)
    url = f"/staff/cases/{world.case.pk}/appeals/{appeal.pk}/office/"
    # Another organisation's office is not among the choices: the form says so.
    response = make_client(world.a_lawyer).post(url, {"office": offices["theirs"].pk})
    assert response.status_code == 400
    # Who may not see the case gets 404; who sees it but may not edit it, 403.
    assert make_client(world.b_coordinator).post(url, {"office": ""}).status_code == 404
    assert make_client(world.a_outsider).post(url, {"office": ""}).status_code == 404
    assert make_client(world.a_doctor).post(url, {"office": ""}).status_code == 403
    assert Appeal.objects.get(pk=appeal.pk).office is None
    # An appeal of another case is not found under this one.
    other = register_appeal(world.a_lawyer)
    wrong = f"/staff/cases/{world.case.pk}/appeals/{other.pk}/office/"
    assert make_client(world.a_lawyer).post(wrong, {"office": ""}).status_code == 404


# ---------------------------------------------------------------- the API


def test_api_registers_the_office(world: World, offices) -> None:
    client = api_client(world.a_lawyer)
    response = send(client, "POST", f"{API}/appeals/", appeal_body(office=offices["head"].pk))
    assert response.status_code == 201, response.content
    assert response.json()["office"] == offices["head"].pk
    assert client.get(f"{API}/appeals/{response.json()['id']}").json()["office"] == (
        offices["head"].pk
    )
    # Optional: without it, none.
    plain = send(client, "POST", f"{API}/appeals/", appeal_body())
    assert plain.status_code == 201 and plain.json()["office"] is None


def test_api_refuses_another_organisation_s_office(world: World, offices) -> None:
    before = Appeal.objects.count()
    client = api_client(world.a_lawyer)
    response = send(client, "POST", f"{API}/appeals/", appeal_body(office=offices["theirs"].pk))
    assert response.status_code == 422
    assert "office" in response.json()["errors"]
    assert Appeal.objects.count() == before
