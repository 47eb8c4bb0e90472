"""The duty roster: its services (rules and audit), who is on duty where, and its staff
pages (coordinators only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.duty import selectors, services
from himoya.duty.models import DutyShift
from himoya.reference.models import Region
from tests.conftest import make_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)


@pytest.fixture
def lawyer(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER, totp=False)


@pytest.fixture
def regions() -> tuple[Region, Region]:
    return (
        Region.objects.create(country="KZ", name_ru="Тестовая область (дежурство)"),
        Region.objects.create(country="KZ", name_ru="Другая область (дежурство)"),
    )


def shift(coordinator: Any, lawyer: Any, *, region: Any = None, start: Any = None, hours: int = 8):
    now = timezone.now()
    starts = start or now - HOUR
    return services.shift_add(
        actor=coordinator,
        organisation=coordinator.organisation,
        lawyer=lawyer,
        region=region,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
    )


def test_a_coordinator_puts_a_lawyer_on_duty_and_ends_the_shift(coordinator, lawyer):
    added = shift(coordinator, lawyer)
    assert selectors.on_duty(coordinator.organisation, None) == [lawyer]
    event = AuditEvent.objects.get(action="duty.add")
    assert event.data["lawyer"] == lawyer.pk and event.data["shift"] == added.pk
    services.shift_end(actor=coordinator, shift=added)
    assert selectors.on_duty(coordinator.organisation, None) == []
    added.refresh_from_db()
    assert added.ended_by == coordinator and added.ends_at <= timezone.now()
    assert AuditEvent.objects.filter(action="duty.end", object_id=str(added.pk)).exists()
    with pytest.raises(ValidationError):
        services.shift_end(actor=coordinator, shift=added)


def test_cancelling_a_shift_to_come_leaves_it_empty(coordinator, lawyer):
    later = shift(coordinator, lawyer, start=timezone.now() + dt.timedelta(days=1))
    services.shift_end(actor=coordinator, shift=later)
    later.refresh_from_db()
    assert later.ends_at == later.starts_at
    assert DutyShift.objects.filter(pk=later.pk).exists()  # the roster keeps it


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.COORDINATOR])
def test_only_coordinators_keep_the_roster(org, lawyer, role):
    other = UserFactory(organisation=org, role=role, totp=False)
    with pytest.raises(PermissionDenied):
        shift(other, lawyer)


def test_a_coordinator_of_another_organisation_cannot(other_org, lawyer):
    outsider = UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    with pytest.raises(PermissionDenied):
        services.shift_add(
            actor=outsider,
            organisation=lawyer.organisation,
            lawyer=lawyer,
            starts_at=timezone.now(),
            ends_at=timezone.now() + HOUR,
        )


def test_the_rules_of_a_shift(org, other_org, coordinator, lawyer):
    now = timezone.now()
    monitor = UserFactory(organisation=org, role=Role.MONITOR, totp=False)
    foreign = UserFactory(organisation=other_org, role=Role.LAWYER, totp=False)
    gone = UserFactory(organisation=org, role=Role.LAWYER, is_active=False, totp=False)
    for who in (monitor, foreign, gone):
        with pytest.raises(ValidationError) as refused:
            shift(coordinator, who)
        assert "lawyer" in refused.value.message_dict
    tajik = Region.objects.create(country="TJ", name_ru="Согдийская область (тест)")
    with pytest.raises(ValidationError) as refused:
        shift(coordinator, lawyer, region=tajik)
    assert "region" in refused.value.message_dict
    cases = [
        (now, now),  # no length
        (now - 3 * HOUR, now - HOUR),  # over already
        (now, now + dt.timedelta(days=15)),  # a typo in a date
    ]
    for starts, ends in cases:
        with pytest.raises(ValidationError) as refused:
            services.shift_add(
                actor=coordinator, organisation=org, lawyer=lawyer, starts_at=starts, ends_at=ends
            )
        assert "ends_at" in refused.value.message_dict
    assert not DutyShift.objects.exists()


def test_regional_duty_first_then_the_whole_organisation(org, coordinator, regions):
    north, south = regions
    regional, general, elsewhere = (
        UserFactory(organisation=org, role=Role.LAWYER, totp=False) for _ in range(3)
    )
    shift(coordinator, regional, region=north)
    shift(coordinator, general)
    shift(coordinator, elsewhere, region=south)
    assert selectors.on_duty(org, north.pk) == [regional]
    other = Region.objects.create(country="KZ", name_ru="Третья область (дежурство)")
    assert selectors.on_duty(org, other.pk) == [general]
    assert selectors.on_duty(org, None) == [general]


def test_without_a_whole_organisation_duty_a_case_without_region_goes_to_every_duty(
    org, coordinator, regions
):
    north, south = regions
    one, two = (UserFactory(organisation=org, role=Role.LAWYER, totp=False) for _ in range(2))
    shift(coordinator, one, region=north)
    shift(coordinator, two, region=south)
    assert selectors.on_duty(org, None) == sorted([one, two], key=lambda u: u.pk)
    third = Region.objects.create(country="KZ", name_ru="Третья область (дежурство)")
    assert selectors.on_duty(org, third.pk) == []


def test_shifts_not_running_and_lawyers_no_longer_lawyers_do_not_count(org, coordinator, lawyer):
    now = timezone.now()
    shift(coordinator, lawyer, start=now + HOUR)
    assert selectors.on_duty(org, None) == []
    assert selectors.duty_cover(lawyer) is None
    assert selectors.on_duty(org, None, at=now + 2 * HOUR) == [lawyer]
    shift(coordinator, lawyer)
    assert selectors.duty_cover(lawyer) is not None
    lawyer.role = Role.MONITOR
    lawyer.save()
    assert selectors.on_duty(org, None) == []
    assert selectors.duty_cover(lawyer) is None


def test_the_roster_page_for_a_coordinator(org, coordinator, lawyer, regions):
    client = make_client(coordinator)
    page = client.get(reverse("duty:roster"))
    assert page.status_code == 200
    start = timezone.localtime() - HOUR
    response = client.post(
        reverse("duty:roster"),
        {
            "lawyer": lawyer.pk,
            "region": regions[0].pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=10)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    added = DutyShift.objects.get()
    assert (added.lawyer, added.region, added.created_by) == (lawyer, regions[0], coordinator)
    page = client.get(reverse("duty:roster"))
    assert str(lawyer) in page.content.decode()
    refused = client.post(
        reverse("duty:roster"),
        {
            "lawyer": lawyer.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert refused.status_code == 400 and DutyShift.objects.count() == 1
    assert client.post(reverse("duty:shift_end", args=[added.pk])).status_code == 302
    assert selectors.duty_cover(lawyer) is None


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.COORDINATOR])
def test_the_roster_pages_are_forbidden_to_others(org, coordinator, lawyer, role):
    running = shift(coordinator, lawyer)
    client = make_client(UserFactory(organisation=org, role=role, totp=False))
    assert client.get(reverse("duty:roster")).status_code == 403
    assert client.post(reverse("duty:shift_end", args=[running.pk])).status_code == 403
    assert selectors.duty_cover(lawyer) is not None


def test_another_organisations_shift_is_not_found(other_org, coordinator, lawyer):
    running = shift(coordinator, lawyer)
    outsider = UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    assert (
        make_client(outsider).post(reverse("duty:shift_end", args=[running.pk])).status_code == 404
    )
    assert selectors.duty_cover(lawyer) is not None
