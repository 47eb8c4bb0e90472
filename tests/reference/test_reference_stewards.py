"""Shared reference data (vocabularies, regions, places of detention) is the coalition's:
only a reference steward (named by the instance's operator) or a superuser changes it,
field workers propose places of detention, and every change is recorded at instance
level, where every organisation's coordinators read it.

The review's reproduction: an organisation's administrator retired a channel in the
admin site and another organisation's appeals could no longer be registered with it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from himoya.accounts.models import Role
from himoya.core.idempotency import new_token
from himoya.core.models import AuditEvent
from himoya.reference import services
from himoya.reference.models import Facility, Region, Term
from tests.conftest import make_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIELD_ROLES = (Role.COORDINATOR, Role.LAWYER, Role.MONITOR)


def member(org: Any, role: str, **extra: Any) -> Any:
    """A staff member with every Django permission: they must not be what decides."""
    user = UserFactory(organisation=org, role=role, is_staff=True, totp=False, **extra)
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def channel() -> Term:
    return Term.objects.get(vocabulary="channel", code="phone")


@pytest.fixture
def steward(org: Any) -> Any:
    user = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    call_command("steward", "grant", user.email)
    return user


def retire(client: Any, term: Term) -> Any:
    """Posts the admin's change form of ``term`` with "in use" unticked."""
    form = {
        "label_ru": term.label_ru,
        "label_kk": term.label_kk,
        "label_tg": term.label_tg,
        "label_en": term.label_en,
        "order": term.order,
        "source": term.source,
    }
    if term.verified:
        form["verified"] = "on"
    return client.post(reverse("admin:reference_term_change", args=[term.pk]), form)


@pytest.mark.parametrize("role", [Role.ADMIN, *FIELD_ROLES])
def test_no_organisation_role_edits_shared_vocabularies(org, channel, role):
    client = make_client(member(org, role))
    assert retire(client, channel).status_code == 403
    channel.refresh_from_db()
    assert channel.active
    for name in ("term", "region", "facility"):
        assert client.get(reverse(f"admin:reference_{name}_changelist")).status_code == 403
        assert client.get(reverse(f"admin:reference_{name}_add")).status_code == 403
    region = Region.objects.first()
    assert region is not None
    assert client.get(reverse("admin:reference_region_change", args=[region.pk])).status_code == 403


def test_the_steward_retires_a_term_and_every_organisation_sees_it(
    org, other_org, channel, steward
):
    response = retire(make_client(steward), channel)
    assert response.status_code == 302
    channel.refresh_from_db()
    assert not channel.active
    event = AuditEvent.objects.get(action="admin.change", object_type="reference.term")
    # Instance level: the coalition's record, not the steward's organisation's.
    assert event.organisation_id is None
    assert event.data == {"fields": ["active"]}

    elsewhere = make_client(member(other_org, Role.COORDINATOR))
    page = elsewhere.get(reverse("reference:changes"))
    assert page.status_code == 200
    body = page.content.decode()
    assert channel.label in body and "active" in body
    assert org.name in body  # who changed it: the steward's organisation

    # A steward is no one special elsewhere in the admin.
    steward_client = make_client(steward)
    assert steward_client.get(reverse("admin:cases_person_changelist")).status_code == 403
    assert steward_client.get(reverse("admin:reference_partner_changelist")).status_code == 403


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DOCTOR, Role.INTAKE])
def test_roles_without_a_say_on_reference_data_do_not_read_its_changes(org, role):
    client = make_client(member(org, role))
    assert client.get(reverse("reference:changes")).status_code == 403


@pytest.mark.parametrize("role", FIELD_ROLES)
def test_field_workers_propose_places_of_detention(org, other_org, role, steward):
    """Whoever finds a person held somewhere new must be able to record it at once: the
    place is added unverified, shown as such to everyone, and a steward verifies it."""
    worker = member(org, role)
    client = make_client(worker)
    response = client.post(
        reverse("reference:facilities"),
        {"name": "ИВС посёлка Вымышленное (тест)", "country": "KZ", "form_token": new_token()},
    )
    assert response.status_code == 302
    place = Facility.objects.get(name="ИВС посёлка Вымышленное (тест)")
    assert not place.verified
    proposed = AuditEvent.objects.get(action="facility.create", object_id=str(place.pk))
    assert proposed.organisation_id is None and proposed.data["verified"] is False

    verify = reverse("reference:facility_verify", args=[place.pk])
    assert client.post(verify).status_code == 403
    place.refresh_from_db()
    assert not place.verified
    assert make_client(steward).post(verify).status_code == 302
    place.refresh_from_db()
    assert place.verified
    verified = AuditEvent.objects.get(action="facility.verify")
    assert verified.organisation_id is None

    changes = make_client(member(other_org, Role.COORDINATOR)).get(reverse("reference:changes"))
    assert changes.content.decode().count("ИВС посёлка Вымышленное (тест)") == 2


def test_an_organisation_admin_adds_no_place_of_detention(org):
    """Administrators see no cases: they never record where a person is held."""
    admin = member(org, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.facility_create(actor=admin, name="СИЗО (тест)", country="KZ")
    response = make_client(admin).post(
        reverse("reference:facilities"), {"name": "СИЗО (тест)", "country": "KZ"}
    )
    assert response.status_code == 403
    assert not Facility.objects.filter(name="СИЗО (тест)").exists()


def test_only_a_superuser_names_stewards(org):
    from himoya.reference.models import Steward

    coordinator = member(org, Role.COORDINATOR)
    lawyer = member(org, Role.LAWYER)
    with pytest.raises(PermissionDenied):
        services.steward_grant(actor=coordinator, user=coordinator)
    with pytest.raises(PermissionDenied):
        services.steward_grant(actor=coordinator, user=lawyer)
    assert not Steward.objects.exists()
    # Not through the admin either, whatever Django permissions were given.
    assert (
        make_client(coordinator).get(reverse("admin:reference_steward_changelist")).status_code
        == 403
    )
    operator = UserFactory(
        organisation=None, role=Role.ADMIN, is_staff=True, is_superuser=True, totp=False
    )
    services.steward_grant(actor=operator, user=lawyer)
    assert Steward.objects.filter(user=lawyer).exists()
    granted = AuditEvent.objects.get(action="steward.grant")
    assert granted.organisation_id is None and granted.data == {"user": lawyer.pk}
    call_command("steward", "revoke", lawyer.email)
    assert not Steward.objects.exists()
    assert AuditEvent.objects.filter(action="steward.revoke").exists()
