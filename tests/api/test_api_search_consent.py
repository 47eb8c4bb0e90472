"""The API side of issue 7: searches in the body, never the URL (finding 10); consent
to processing as a rule of the service (finding 12); dates as strict ISO dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from himoya.cases import services
from himoya.cases.models import Appeal
from himoya.core.idempotency import new_token
from himoya.core.models import AuditEvent
from tests.api.world import API, TODAY, World, api_client, appeal_body, send
from tests.conftest import make_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_a_search_in_the_url_is_refused_and_points_to_the_post_endpoint(world: World) -> None:
    client = api_client(world.a_lawyer, **{"Accept-Language": "en"})
    refused = client.get(f"{API}/cases/", {"q": "Секретов"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "search_in_url"
    assert f"{API}/cases/search" in refused.json()["detail"]
    assert not AuditEvent.objects.filter(action="case.list").exists()


def test_a_search_in_the_body_finds_with_the_same_filters(world: World) -> None:
    client = api_client(world.a_lawyer)
    found = send(client, "POST", f"{API}/cases/search", {"q": "Секретов", "limit": 10})
    assert found.status_code == 200, found.content
    assert [c["id"] for c in found.json()["items"]] == [world.case.pk]
    narrowed = send(client, "POST", f"{API}/cases/search", {"q": "Секретов", "status": "closed"})
    assert narrowed.json()["items"] == []
    # without words it is the list itself
    everything = send(client, "POST", f"{API}/cases/search", {})
    assert everything.json()["total"] == 1
    listed = AuditEvent.objects.filter(action="case.list").latest("seq")
    assert listed.data["ids"] == [world.case.pk] and "Секретов" not in str(listed.data)
    # a misspelt filter is an error in a body
    assert send(client, "POST", f"{API}/cases/search", {"stauts": "new"}).status_code == 422
    other = api_client(world.b_lawyer)
    assert send(other, "POST", f"{API}/cases/search", {"q": "Секретов"}).json()["items"] == []


def test_the_schema_offers_the_search_only_in_a_body(world: World) -> None:
    schema = api_client(world.a_lawyer).get(f"{API}/openapi.json").json()
    listing = schema["paths"][f"{API}/cases/"]["get"]
    assert "q" not in [p["name"] for p in listing.get("parameters", [])]
    assert "post" in schema["paths"][f"{API}/cases/search"]


@pytest.mark.parametrize("value", ["0", "1700000000", "2024-1-5", "05.01.2024", "2024-01-05T00:00"])
def test_list_dates_are_strict_iso_dates(world: World, value: str) -> None:
    client = api_client(world.a_lawyer, **{"Accept-Language": "en"})
    response = client.get(f"{API}/cases/", {"opened_to": value})
    assert response.status_code == 422, value
    assert response.json()["errors"]["opened_to"] == ["Enter a valid date as YYYY-MM-DD."]
    assert client.get(f"{API}/cases/", {"opened_to": "2024-01-05"}).status_code == 200


def test_body_dates_are_strict_iso_dates_too(world: World) -> None:
    client = api_client(world.a_lawyer)
    response = send(client, "POST", f"{API}/appeals/", appeal_body(received_on=0))
    assert response.status_code == 422
    assert "received_on" in response.json()["errors"]


def test_the_api_refuses_an_appeal_without_consent_to_processing(world: World) -> None:
    client = api_client(world.a_lawyer, **{"Accept-Language": "en"})
    before = Appeal.objects.count()
    response = send(client, "POST", f"{API}/appeals/", appeal_body(consent_processing=False))
    assert response.status_code == 422
    assert response.json()["errors"]["consent_processing"] == [
        "An appeal can only be registered with consent to processing."
    ]
    assert Appeal.objects.count() == before


def test_the_service_holds_the_consent_rule(world: World) -> None:
    data = services.AppealInput(
        received_on=TODAY() - dt.timedelta(days=1), channel="phone", consent_processing=False
    )
    with pytest.raises(ValidationError) as refused:
        services.appeal_register(actor=world.a_lawyer, organisation=world.org_a, data=data)
    assert "consent_processing" in refused.value.message_dict


def test_the_staff_form_reports_the_services_consent_error(world: World) -> None:
    client = make_client(world.a_lawyer)
    response = client.post(
        reverse("cases:appeal_new"),
        {
            "form_token": new_token(),
            "channel": "phone",
            "received_on": (TODAY() - dt.timedelta(days=1)).isoformat(),
            "urgency": "normal",
            "victim_name": "Безсогласия Тест",
            "victim_sex": "male",
            "country": "KZ",
            "agency": "police",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "consent_processing" in response.context["form"].errors
