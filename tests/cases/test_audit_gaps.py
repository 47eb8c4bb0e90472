"""What the audit chain must show (issue 7, finding 11): refused record ids (probing),
names shown in dashboard alerts, and what an export handed out."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from himoya.cases.models import Alert
from himoya.core.models import AuditEvent
from himoya.reference.models import Facility
from tests.api.world import API, World, api_client, register
from tests.conftest import make_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def denials(user: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access.denied", actor=user).order_by("seq"))


def test_another_organisations_case_id_is_recorded_as_refused(world: World) -> None:
    client = make_client(world.b_lawyer)
    assert client.get(reverse("cases:detail", args=[world.case.pk])).status_code == 404
    (event,) = denials(world.b_lawyer)
    assert event.data == {"model": "cases.case", "id": world.case.pk, "count": 1}
    assert event.organisation_id == world.org_b.pk


def test_a_missing_id_is_recorded_the_same_way(world: World) -> None:
    """Missing and forbidden alike: the chain tells no one whether the record exists."""
    client = make_client(world.b_lawyer)
    missing = world.case.pk + 10_000
    assert client.get(reverse("cases:detail", args=[missing])).status_code == 404
    (event,) = denials(world.b_lawyer)
    assert event.data == {"model": "cases.case", "id": missing, "count": 1}


def test_api_probing_is_recorded(world: World) -> None:
    client = api_client(world.b_lawyer)
    assert client.get(f"{API}/cases/{world.case.pk}").status_code == 404
    cache.clear()  # a new minute: its first refusal is written
    assert client.get(f"{API}/persons/{world.victim.pk}").status_code == 404
    assert [e.data["model"] for e in denials(world.b_lawyer)] == ["cases.case", "cases.person"]


def test_a_probe_cannot_flood_the_chain(world: World, monkeypatch: Any) -> None:
    # one window for the whole test, wherever the clock's minute turns
    monkeypatch.setattr("himoya.core.access.DENIAL_WINDOW", 10**7)
    client = make_client(world.b_lawyer)
    for offset in range(120):
        client.get(reverse("cases:detail", args=[world.case.pk + offset]))
    counts = [event.data["count"] for event in denials(world.b_lawyer)]
    # the 1st, 10th and 100th refusal of the minute are written, each with its count
    assert counts == [1, 10, 100]
    # another user's refusals are counted apart
    make_client(world.a_outsider).get(reverse("cases:detail", args=[world.case.pk]))
    assert [e.data["count"] for e in denials(world.a_outsider)] == [1]


def test_an_allowed_view_records_no_refusal(world: World) -> None:
    client = make_client(world.a_lawyer)
    assert client.get(reverse("cases:detail", args=[world.case.pk])).status_code == 200
    assert denials(world.a_lawyer) == []


def test_the_dashboard_records_the_alerts_that_name_people(world: World) -> None:
    colony = Facility.objects.create(name="Колония (тест)", country="KZ")
    alert = Alert.objects.create(
        case=world.case,
        recipient=world.a_lawyer,
        kind=Alert.Kind.TRANSFER,
        data={"person": world.victim.pk, "from": world.facility.pk, "to": colony.pk},
    )
    client = make_client(world.a_lawyer)
    page = client.get(reverse("cases:dashboard"), headers={"HX-Request": "true"})
    assert "Секретов Тайный Алматович" in page.content.decode()
    event = AuditEvent.objects.filter(action="dashboard.view").latest("seq")
    assert event.actor_id == world.a_lawyer.pk
    assert event.data == {"alerts": [alert.pk], "persons": [world.victim.pk]}
    assert "Секретов" not in str(event.data)


def test_a_dashboard_without_names_records_nothing(world: World) -> None:
    client = make_client(world.a_lawyer)
    assert client.get(reverse("cases:dashboard")).status_code == 200
    assert not AuditEvent.objects.filter(action="dashboard.view").exists()


def test_an_export_records_its_cases_and_a_fingerprint_of_its_query(world: World) -> None:
    from himoya.core import searches

    other = register(world.a_lawyer, lawyer=world.a_lawyer.pk).case
    client = make_client(world.a_lawyer)
    location = client.post(reverse("cases:list"), {"q": "Секретов"})["Location"]
    token = location.split("search=")[1].split("&")[0]
    export = client.get(reverse("cases:export", args=["csv"]), {"search": token})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))[1:]
    event = AuditEvent.objects.filter(action="case.export").latest("seq")
    assert sorted(event.data["cases"]) == sorted([world.case.pk, other.pk]) and len(rows) == 2
    assert event.data["rows"] == 2
    assert "Секретов" not in str(event.data)
    # an investigator holding the index key can confirm which words were searched
    fingerprint = event.data["filters"]["text_query"]
    assert fingerprint == searches.query_fingerprint(world.org_a.pk, " секретов ")
    assert fingerprint != searches.query_fingerprint(world.org_a.pk, "Другое")
    assert fingerprint != searches.query_fingerprint(world.org_b.pk, "Секретов")


def test_a_large_export_records_a_digest_of_its_ids(world: World, monkeypatch: Any) -> None:
    from himoya.cases import exports

    monkeypatch.setattr(exports, "AUDIT_IDS", 1)
    other = register(world.a_lawyer, lawyer=world.a_lawyer.pk).case
    client = make_client(world.a_lawyer)
    assert client.get(reverse("cases:export", args=["csv"])).status_code == 200
    event = AuditEvent.objects.filter(action="case.export").latest("seq")
    ids = [other.pk, world.case.pk]  # the export's order: newest first
    assert event.data["cases"] == {
        "count": 2,
        "first": ids[0],
        "last": ids[-1],
        "sha256": exports.ids_digest(ids),
    }
