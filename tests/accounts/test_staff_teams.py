"""A coordinator changes an existing member's teams from the staff page; a team opens
its cases, so only a coordinator adds one, and each change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from himoya.accounts import services
from himoya.accounts.models import Role
from himoya.cases.selectors import visible_cases
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = pytest.mark.django_db


def test_a_coordinator_moves_a_member_between_teams(org, other_org):
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    almaty, shymkent = TeamFactory(organisation=org), TeamFactory(organisation=org)
    foreign = TeamFactory(organisation=other_org)
    monitor = UserFactory(organisation=org, role=Role.MONITOR, totp=False)
    almaty.members.add(monitor)
    case = open_case(coordinator, org, team=shymkent.pk)
    assert not visible_cases(monitor).filter(pk=case.pk).exists()

    client = make_client(coordinator)
    url = f"/staff/people/{monitor.pk}/"
    assert str(almaty.name) in client.get(url).content.decode()
    data = {"role": "monitor", "is_active": "on", "teams": [shymkent.pk]}
    assert client.post(url, data).status_code == 302
    assert list(monitor.teams.all()) == [shymkent]
    assert visible_cases(monitor).filter(pk=case.pk).exists()
    event = AuditEvent.objects.get(action="user.teams")
    assert event.data == {"added": [shymkent.pk], "removed": [almaty.pk]}

    # another organisation's team is not offered, and refused if posted
    refused = client.post(url, {**data, "teams": [foreign.pk]})
    assert refused.status_code == 400
    assert list(monitor.teams.all()) == [shymkent]


def test_only_a_coordinator_adds_a_team(org):
    admin = UserFactory(organisation=org, role=Role.ADMIN, totp=False)
    team = TeamFactory(organisation=org)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    team.members.add(lawyer)
    other = TeamFactory(organisation=org)
    with pytest.raises(ValidationError):
        services.user_set_teams(actor=admin, user=lawyer, teams=[team, other])
    # removing narrows what the member sees: any manager may
    services.user_set_teams(actor=admin, user=lawyer, teams=[])
    assert not lawyer.teams.exists()
    # a role that sees no cases may be put in a team by an administrator
    analyst = UserFactory(organisation=org, role=Role.ANALYST, totp=False)
    services.user_set_teams(actor=admin, user=analyst, teams=[other])
    lawyer_client = make_client(lawyer)
    assert lawyer_client.post(f"/staff/people/{analyst.pk}/", {"teams": []}).status_code in (
        403,
        404,
    )
