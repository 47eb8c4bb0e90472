"""The stewards' staff pages for shared reference data (terms, regions, places of
detention) and coordinators' partner edit; region choices by country in the case forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.reference import services
from himoya.reference.models import Facility, Partner, Region, Term
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def steward(org: Any) -> Any:
    user = UserFactory(organisation=org, role=Role.LAWYER)
    call_command("steward", "grant", user.email, stdout=None)
    return user


def test_only_stewards_open_the_shared_data_pages(org: Any, steward: Any) -> None:
    coordinator = make_client(UserFactory(organisation=org, role=Role.COORDINATOR))
    facility = Facility.objects.create(name="ИВС-1 (тест)", country="KZ")
    term = Term.objects.get(vocabulary="channel", code="phone")
    region = Region.objects.filter(country="KZ").first()
    assert region is not None
    for url in (
        "/staff/cases/reference/terms/",
        f"/staff/cases/reference/terms/{term.pk}/",
        "/staff/cases/reference/regions/",
        f"/staff/cases/reference/regions/{region.pk}/",
        f"/staff/cases/facilities/{facility.pk}/",
    ):
        assert coordinator.get(url).status_code == 403, url
        assert make_client(steward).get(url).status_code == 200, url


def test_steward_adds_renames_and_retires_a_term(steward: Any) -> None:
    client = make_client(steward)
    response = client.post(
        "/staff/cases/reference/terms/?vocabulary=violation",
        {
            "add-code": "forced_labour",
            "add-label_ru": "Принудительный труд",
            "add-label_kk": "Мәжбүрлі еңбек",
            "add-label_tg": "Меҳнати маҷбурӣ",
            "add-label_en": "Forced labour",
            "add-order": "20",
            "add-source": "КоАП РК (тест)",
        },
    )
    assert response.status_code == 302
    term = Term.objects.get(vocabulary="violation", code="forced_labour")
    taken = set(
        Term.objects.filter(vocabulary="violation")
        .exclude(pk=term.pk)
        .values_list("bit", flat=True)
    )
    assert term.bit is not None and term.bit not in taken
    response = client.post(
        f"/staff/cases/reference/terms/{term.pk}/",
        {
            "code": "changed_code",  # disabled: ignored
            "label_ru": "Принудительный труд",
            "label_kk": "Мәжбүрлі еңбек",
            "label_tg": "Меҳнати маҷбурӣ",
            "label_en": "Forced labour",
            "order": "20",
            "source": "КоАП РК (тест)",
            "verified": "on",
        },
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.code, term.verified, term.active) == ("forced_labour", True, False)
    event = AuditEvent.objects.get(action="term.update")
    assert event.organisation_id is None  # instance level
    assert event.data["fields"] == ["verified", "active"]
    changes = make_client(steward).get("/staff/cases/reference/changes/").content.decode()
    assert "forced_labour" in changes or "Принудительный труд" in changes


def test_steward_edits_a_place_who_is_held_and_capacity(steward: Any) -> None:
    facility = services.facility_create(actor=steward, name="ЖИК-3 (тест)", country="KZ")
    region = Region.objects.filter(country="KZ").first()
    response = make_client(steward).post(
        f"/staff/cases/facilities/{facility.pk}/",
        {
            "name": "ЖИК-3 (тест)",
            "region": str(region.pk) if region else "",
            "type": "colony",
            "agency": "penitentiary",
            "holds_women": "on",
            "capacity": "350",
            "active": "on",
        },
    )
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.holds_women, facility.holds_men, facility.capacity) == (True, False, 350)
    assert facility.type is not None and facility.type.code == "colony"
    assert AuditEvent.objects.filter(action="facility.update", organisation=None).exists()


def test_coordinator_edits_own_partner_only(org: Any, other_org: Any) -> None:
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    partner = services.partner_create(
        actor=coordinator, organisation=org, name="Центр (тест)", medical=True
    )
    response = make_client(coordinator).post(
        f"/staff/cases/partners/{partner.pk}/",
        {"name": "Центр реабилитации (тест)", "medical": "on", "psychological": "on"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.offers_psychological) == ("Центр реабилитации (тест)", True)
    other = make_client(UserFactory(organisation=other_org, role=Role.COORDINATOR))
    assert other.get(f"/staff/cases/partners/{partner.pk}/").status_code == 404
    lawyer = make_client(UserFactory(organisation=org, role=Role.LAWYER))
    assert lawyer.get(f"/staff/cases/partners/{partner.pk}/").status_code == 403
    assert Partner.objects.get(pk=partner.pk).name == "Центр реабилитации (тест)"


def test_case_facts_offer_the_regions_of_the_case_country(org: Any) -> None:
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    case = open_case(coordinator)
    kz = Region.objects.filter(country="KZ").first()
    tj = Region.objects.filter(country="TJ").first()
    assert kz is not None and tj is not None
    client = make_client(coordinator)
    html = client.get("/staff/cases/appeals/new/").content.decode()
    assert f'<option value="{kz.pk}"' in html and f'<option value="{tj.pk}"' not in html
    assert "/staff/cases/regions/options/" in html
    response = client.post(
        f"/staff/cases/{case.pk}/edit/",
        {
            "version": case.version,
            "country": "KZ",
            "region": str(tj.pk),
            "agency": "police",
        },
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.region_id is None
