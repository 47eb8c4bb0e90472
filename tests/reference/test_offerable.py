"""Retired places of detention, regions and terms (``reference.selectors.offerable``): no
new entry may choose them, in a form, through the API or in a service; a record that
already points at one keeps showing it, and editing that record keeps it selectable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.forms import AppealForm, CaseFactsForm, CustodyForm, ViolationForm
from himoya.cases.models import Case
from himoya.duty.forms import ShiftForm
from himoya.reference.models import Facility, Region, Term
from tests.api.world import API, api_client
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def lawyer(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER)


@pytest.fixture
def places(db: Any) -> dict[str, Any]:
    """An open and a retired place and region in Kazakhstan."""
    regions = list(Region.objects.filter(country="KZ", active=True).order_by("pk")[:2])
    retired_region = regions[1]
    open_place = Facility.objects.create(name="ИВС открытый (тест)", country="KZ")
    retired_place = Facility.objects.create(name="СИЗО закрытый (тест)", country="KZ")
    return {
        "region": regions[0],
        "retired_region": retired_region,
        "place": open_place,
        "retired_place": retired_place,
    }


def retire(*objs: Any) -> None:
    for obj in objs:
        obj.active = False
        obj.save(update_fields=["active"])


def offered_ids(field: Any) -> set[str]:
    """Every value a choice field offers, through <optgroup>s too."""
    found: set[str] = set()
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            found.update(str(v) for v, _ in label)
        else:
            found.add(str(getattr(value, "value", value)))
    return found


def test_new_entries_are_not_offered_retired_rows(org: Any, lawyer: Any, places: Any) -> None:
    retire(places["retired_place"], places["retired_region"])
    Term.objects.filter(vocabulary="agency", code="penitentiary").update(active=False)
    form = AppealForm(user=lawyer)
    assert str(places["place"].pk) in offered_ids(form.fields["facility"])
    assert str(places["retired_place"].pk) not in offered_ids(form.fields["facility"])
    assert str(places["region"].pk) in offered_ids(form.fields["region"])
    assert str(places["retired_region"].pk) not in offered_ids(form.fields["region"])
    assert "police" in offered_ids(form.fields["agency"])
    assert "penitentiary" not in offered_ids(form.fields["agency"])
    persons = Case.objects.none()
    for other in (CustodyForm(persons=persons), ViolationForm()):
        ids = offered_ids(other.fields["facility"])
        assert str(places["place"].pk) in ids and str(places["retired_place"].pk) not in ids
    shift = ShiftForm(organisation=org)
    regions = offered_ids(shift.fields["region"])
    assert str(places["region"].pk) in regions
    assert str(places["retired_region"].pk) not in regions


def test_the_new_appeal_page_does_not_list_a_retired_place(lawyer: Any, places: Any) -> None:
    retire(places["retired_place"])
    html = make_client(lawyer).get(reverse("cases:appeal_new")).content.decode()
    assert places["place"].name in html
    assert places["retired_place"].name not in html


def test_services_refuse_a_retired_place_or_region_for_new_entries(
    org: Any, lawyer: Any, places: Any
) -> None:
    retire(places["retired_place"], places["retired_region"])
    with pytest.raises(ValidationError) as caught:
        open_case(lawyer, facility=places["retired_place"].pk)
    assert "facility" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        open_case(lawyer, region=places["retired_region"].pk)
    assert "region" in caught.value.message_dict
    case = open_case(lawyer, facility=places["place"].pk)
    with pytest.raises(ValidationError):
        services.case_update(
            actor=lawyer,
            case=case,
            changes=services.CaseChanges(facility=places["retired_place"].pk),
            expected_version=case.version,
        )
    with pytest.raises(ValidationError):
        services.violation_add(
            actor=lawyer, case=case, type_code="torture", facility=places["retired_place"]
        )
    case.refresh_from_db()
    assert case.facility_id == places["place"].pk


def test_a_case_keeps_its_retired_place_shown_and_selectable(lawyer: Any, places: Any) -> None:
    case = open_case(
        lawyer,
        facility=places["retired_place"].pk,
        region=places["retired_region"].pk,
        agency="penitentiary",
    )
    retire(places["retired_place"], places["retired_region"])
    Term.objects.filter(vocabulary="agency", code="penitentiary").update(active=False)
    client = make_client(lawyer)
    assert (
        places["retired_place"].name
        in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    url = reverse("cases:edit", args=[case.pk])
    form = client.get(url).context["form"]
    assert isinstance(form, CaseFactsForm)
    assert str(places["retired_place"].pk) in offered_ids(form.fields["facility"])
    assert str(places["retired_region"].pk) in offered_ids(form.fields["region"])
    assert "penitentiary" in offered_ids(form.fields["agency"])
    # ...but another case's retired place is not.
    other = Facility.objects.create(name="ЛИУ закрытое (тест)", country="KZ", active=False)
    assert str(other.pk) not in offered_ids(form.fields["facility"])
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    response = client.post(url, {**data, "summary": "Уточнение фактов (тест)"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.summary == "Уточнение фактов (тест)"
    assert case.facility_id == places["retired_place"].pk
    assert case.region_id == places["retired_region"].pk
    assert case.agency is not None and case.agency.code == "penitentiary"
    # Choosing another case's retired place is refused with the form kept.
    response = client.post(url, {**data, "version": case.version, "facility": other.pk})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.facility_id == places["retired_place"].pk


def test_the_api_lists_only_places_and_regions_in_use_unless_asked(
    lawyer: Any, places: Any
) -> None:
    retire(places["retired_place"], places["retired_region"])
    client = api_client(lawyer)
    listed = client.get(f"{API}/facilities/?country=KZ&limit=500").json()["items"]
    names = {f["name"] for f in listed}
    assert places["place"].name in names and places["retired_place"].name not in names
    assert all(f["active"] for f in listed)
    everything = client.get(f"{API}/facilities/?country=KZ&limit=500&include_retired=true")
    retired = [f for f in everything.json()["items"] if f["name"] == places["retired_place"].name]
    assert retired and retired[0]["active"] is False
    regions = {r["id"] for r in client.get(f"{API}/regions/?country=KZ").json()}
    assert places["region"].pk in regions and places["retired_region"].pk not in regions
    regions = {
        r["id"] for r in client.get(f"{API}/regions/?country=KZ&include_retired=true").json()
    }
    assert places["retired_region"].pk in regions


def test_the_api_refuses_a_retired_place_on_a_case(lawyer: Any, places: Any) -> None:
    case = open_case(lawyer, facility=places["place"].pk)
    retire(places["retired_place"])
    response = api_client(lawyer).patch(
        f"{API}/cases/{case.pk}",
        {"version": case.version, "facility": places["retired_place"].pk},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert "facility" in response.content.decode()
    case.refresh_from_db()
    assert case.facility_id == places["place"].pk
