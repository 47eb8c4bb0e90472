"""The outreach staff pages (publications, trainings, offices): coordinators add and
edit through the services, with audit events; other members read; other organisations'
records are 404; bad input keeps what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.outreach import services
from himoya.outreach.models import Office, Publication, Training
from himoya.outreach.phones import display_hotline, normalise_hotline
from himoya.reference.models import Region
from tests.conftest import make_client
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.COORDINATOR)


def test_coordinator_adds_and_edits_a_training(coordinator: Any, org: Any) -> None:
    client = make_client(coordinator)
    response = client.post(
        "/staff/outreach/trainings/",
        {
            "add-topic": "Документирование пыток",
            "add-held_on": "2024-04-10",
            "add-audiences": ["prosecutors", "lawyers"],
            "add-participants": "24",
            "add-language": "ru",
            "add-place": "Алматы",
            "add-url": "https://example.org/m",
            "add-external_id": "",
        },
    )
    assert response.status_code == 302
    training = Training.objects.get(organisation=org)
    assert training.audiences == ["lawyers", "prosecutors"]
    assert training.external_id.startswith("web-")
    assert AuditEvent.objects.filter(action="training.create", object_id=str(training.pk)).exists()
    response = client.post(
        f"/staff/outreach/trainings/{training.pk}/",
        {
            "topic": "Документирование пыток",
            "held_on": "2024-04-10",
            "audiences": ["lawyers"],
            "participants": "30",
            "language": "ru",
            "place": "Алматы",
            "url": "https://example.org/m",
        },
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.participants, training.audiences) == (30, ["lawyers"])
    event = AuditEvent.objects.get(action="training.update")
    assert event.data["fields"] == ["audiences", "participants"]
    assert "Документирование пыток" in client.get("/staff/outreach/trainings/").content.decode()


def test_bad_training_keeps_what_was_typed(coordinator: Any) -> None:
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = make_client(coordinator).post(
        "/staff/outreach/trainings/",
        {
            "add-topic": "Тема, набранная полностью",
            "add-held_on": future,
            "add-participants": "-1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Тема, набранная полностью" in html
    assert not Training.objects.exists()


def test_publication_pages(coordinator: Any, org: Any) -> None:
    client = make_client(coordinator)
    response = client.post(
        "/staff/outreach/publications/",
        {
            "add-title": "Доклад о пытках в ИВС",
            "add-published_on": "2024-02-01",
            "add-language": "kk",
            "add-kind": "report",
            "add-url": "",
            "add-external_id": "P-77",
        },
    )
    assert response.status_code == 302
    publication = Publication.objects.get(organisation=org, external_id="P-77")
    again = client.post(
        "/staff/outreach/publications/",
        {
            "add-title": "Второй",
            "add-published_on": "2024-02-01",
            "add-language": "ru",
            "add-external_id": "P-77",
        },
    )
    assert again.status_code == 400 and "уже занят" in again.content.decode()
    response = client.post(
        f"/staff/outreach/publications/{publication.pk}/",
        {"title": "Доклад о пытках", "published_on": "2024-02-01", "language": "kk", "kind": ""},
    )
    assert response.status_code == 302
    publication.refresh_from_db()
    assert (publication.title, publication.kind) == ("Доклад о пытках", "")
    assert AuditEvent.objects.filter(action="publication.update").count() == 1


def test_members_read_coordinators_write_others_get_404(
    coordinator: Any, org: Any, other_org: Any
) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    office = services.office_create(
        actor=coordinator, organisation=org, name="Головной офис", country="KZ", address="Алматы"
    )
    reader = make_client(lawyer)
    assert reader.get("/staff/outreach/offices/").status_code == 200
    assert reader.get(f"/staff/outreach/offices/{office.pk}/").status_code == 403
    assert reader.post("/staff/outreach/offices/", {"add-name": "X"}).status_code == 403
    stranger = make_client(UserFactory(organisation=other_org, role=Role.COORDINATOR))
    assert stranger.get(f"/staff/outreach/offices/{office.pk}/").status_code == 404
    assert "Головной офис" not in stranger.get("/staff/outreach/offices/").content.decode()
    with pytest.raises(PermissionDenied):
        services.training_create(
            actor=lawyer,
            organisation=org,
            held_on=dt.date(2024, 1, 1),
            topic="x",
            audiences=["lawyers"],
            participants=1,
        )


def test_office_hotlines_and_region_of_its_country(coordinator: Any, org: Any) -> None:
    almaty = Region.objects.filter(country="KZ").first()
    dushanbe = Region.objects.filter(country="TJ").first()
    assert almaty is not None and dushanbe is not None
    office = services.office_create(
        actor=coordinator,
        organisation=org,
        name="Филиал",
        country="KZ",
        region=almaty,
        address="ул. Примерная, 1",
        hotlines=["+7 (701) 234-56-78", "1414", "", "+77012345678"],
    )
    assert office.hotlines == ["+77012345678", "1414"]
    assert display_hotline(office.hotlines[0]) == "+7 701 234 56 78"
    with pytest.raises(ValidationError) as caught:
        services.office_update(
            actor=coordinator,
            office=office,
            name="Филиал",
            kind="branch",
            country="KZ",
            region=dushanbe,
            address="ул. Примерная, 1",
            hotlines=["8 701 234 56 78"],
        )
    assert set(caught.value.message_dict) == {"region", "hotlines"}
    # The form offers only the regions of the chosen country, and refuses another's.
    client = make_client(coordinator)
    html = client.get("/staff/outreach/offices/").content.decode()
    assert f'value="{almaty.pk}"' in html and f'value="{dushanbe.pk}"' not in html
    response = client.post(
        "/staff/outreach/offices/",
        {
            "add-name": "Второй",
            "add-kind": "branch",
            "add-country": "KZ",
            "add-region": str(dushanbe.pk),
            "add-address": "x",
        },
    )
    assert response.status_code == 400
    assert Office.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("+992 93 123 45 67", "+992931234567"), ("150", "150"), ("+7.701.234.56.78", "+77012345678")],
)
def test_hotline_rule(raw: str, stored: str) -> None:
    assert normalise_hotline(raw) == stored


@pytest.mark.parametrize("raw", ["87012345678", "12", "+0 701", "+7 701 ABC", "1234567"])
def test_hotline_rule_refuses(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalise_hotline(raw)


def test_region_options_follow_the_country(coordinator: Any) -> None:
    html = make_client(coordinator).get("/staff/cases/regions/options/?add-country=TJ").content
    text = html.decode()
    assert Region.objects.filter(country="TJ").first().name_ru in text  # type: ignore[union-attr]
    assert Region.objects.filter(country="KZ").first().name_ru not in text  # type: ignore[union-attr]
