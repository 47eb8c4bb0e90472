"""The content role on the staff member's page: shown to and changed by the site
organisation's coordinators only, through content_role_set (audited). Staff pages
answer in Russian, the default language."""

from __future__ import annotations

from typing import Any

import pytest

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.public_site.editing import ContentRole, content_role
from tests.conftest import make_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_org(org: Any, settings: Any) -> Any:
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    return org


def _page(member: Any) -> str:
    return f"/staff/people/{member.pk}/"


def _update(member: Any) -> str:
    return f"/staff/content-roles/{member.pk}/"


def test_coordinator_gives_a_content_role_on_the_member_page(site_org: Any) -> None:
    coordinator = UserFactory(organisation=site_org, role=Role.COORDINATOR)
    member = UserFactory(organisation=site_org, role=Role.LAWYER)
    client = make_client(coordinator)
    page = client.get(_page(member)).content.decode()
    assert 'id="content-role"' in page
    assert "Текущая роль на сайте: Без роли на сайте" in page

    response = client.post(_update(member), {"content_role": "moderator"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{_page(member)}#content-role"
    assert "Роль на сайте изменена." in response.content.decode()
    assert "Текущая роль на сайте: Модератор сайта" in response.content.decode()
    assert content_role(member) == ContentRole.MODERATOR
    event = AuditEvent.objects.filter(action="content.role").get()
    assert (event.actor_id, event.object_id) == (coordinator.pk, str(member.pk))
    assert event.data["content_role"] == ["", "moderator"]

    client.post(_update(member), {"content_role": ""})
    assert content_role(member) == ContentRole.NONE
    # A made-up role changes nothing.
    client.post(_update(member), {"content_role": "owner"})
    assert content_role(member) == ContentRole.NONE
    assert AuditEvent.objects.filter(action="content.role").count() == 2


def test_inactive_member_gets_no_content_role(site_org: Any) -> None:
    coordinator = UserFactory(organisation=site_org, role=Role.COORDINATOR)
    member = UserFactory(organisation=site_org, role=Role.LAWYER, is_active=False)
    response = make_client(coordinator).post(
        _update(member), {"content_role": "editor"}, follow=True
    )
    assert "Неактивной учётной записи нельзя дать роль на сайте." in response.content.decode()
    assert content_role(member) == ContentRole.NONE


def test_lawyer_cannot_give_a_content_role(site_org: Any) -> None:
    lawyer = UserFactory(organisation=site_org, role=Role.LAWYER)
    member = UserFactory(organisation=site_org, role=Role.LAWYER)
    assert make_client(lawyer).post(_update(member), {"content_role": "editor"}).status_code == 404
    assert make_client(lawyer).post(_update(lawyer), {"content_role": "editor"}).status_code == 404
    assert content_role(member) == content_role(lawyer) == ContentRole.NONE
    assert not AuditEvent.objects.filter(action="content.role").exists()


def test_other_organisations_coordinator_cannot_give_a_content_role(
    site_org: Any, other_org: Any
) -> None:
    outsider = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    member = UserFactory(organisation=site_org, role=Role.LAWYER)
    client = make_client(outsider)
    assert client.post(_update(member), {"content_role": "editor"}).status_code == 404
    # Their own members neither: only the organisation running the site has editors,
    # and their member page does not offer it.
    own = UserFactory(organisation=other_org, role=Role.LAWYER)
    assert 'id="content-role"' not in client.get(_page(own)).content.decode()
    assert client.post(_update(own), {"content_role": "editor"}).status_code == 403
    assert content_role(member) == content_role(own) == ContentRole.NONE
    assert not AuditEvent.objects.filter(action="content.role").exists()


def test_the_form_is_a_post(site_org: Any) -> None:
    coordinator = UserFactory(organisation=site_org, role=Role.COORDINATOR)
    member = UserFactory(organisation=site_org, role=Role.LAWYER)
    assert make_client(coordinator).get(_update(member)).status_code == 405
