"""Who may grant which role: nobody changes their own role; invitations and edits follow
one rule (``can_grant_role``); a change that opens cases to someone waits for a second
coordinator of the organisation (or an instance superuser) and tells its coordinators."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from himoya.accounts import services
from himoya.accounts.models import Role, User
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def coordinator(org: Any) -> User:
    return UserFactory(organisation=org, role=Role.COORDINATOR, email="coord-a@alpha.invalid")


@pytest.fixture
def second(org: Any) -> User:
    return UserFactory(organisation=org, role=Role.COORDINATOR, email="coord-b@alpha.invalid")


@pytest.fixture
def admin(org: Any) -> User:
    return UserFactory(organisation=org, role=Role.ADMIN, email="admin@alpha.invalid")


@pytest.fixture
def analyst(org: Any) -> User:
    return UserFactory(organisation=org, role=Role.ANALYST, email="analyst@alpha.invalid")


@pytest.fixture
def superuser() -> User:
    return UserFactory(organisation=None, role=Role.ADMIN, is_superuser=True, is_staff=True)


def role_of(user: User) -> str:
    return User.objects.values_list("role", flat=True).get(pk=user.pk)


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


# -- the escalations the review found ---------------------------------------------


def test_an_admin_cannot_make_itself_coordinator(admin: User) -> None:
    with pytest.raises(ValidationError, match="cannot change your own role"):
        services.user_update(actor=admin, user=admin, role=Role.COORDINATOR)
    assert role_of(admin) == Role.ADMIN


@pytest.mark.parametrize("role", [Role.LAWYER, Role.ADMIN, Role.ANALYST])
def test_nobody_changes_their_own_role(coordinator: User, role: str) -> None:
    with pytest.raises(ValidationError, match="cannot change your own role"):
        services.user_update(actor=coordinator, user=coordinator, role=role)
    assert role_of(coordinator) == Role.COORDINATOR


def test_a_coordinator_cannot_grant_admin_by_editing(coordinator: User, analyst: User) -> None:
    with pytest.raises(ValidationError, match="Only an administrator can grant"):
        services.user_update(actor=coordinator, user=analyst, role=Role.ADMIN)
    assert role_of(analyst) == Role.ANALYST
    assert not User.objects.get(pk=analyst.pk).is_staff


def test_an_admin_cannot_hand_out_case_access(admin: User, analyst: User) -> None:
    """Administrators see no cases; inviting or promoting a confederate would give them
    a way round that."""
    with pytest.raises(ValidationError, match="Only a coordinator can grant"):
        services.user_update(actor=admin, user=analyst, role=Role.COORDINATOR)
    with pytest.raises(ValidationError, match="Only a coordinator can grant"):
        services.user_invite(
            actor=admin,
            organisation=admin.organisation,  # type: ignore[arg-type]
            email="alias@alpha.invalid",
            full_name="Псевдоним",
            role=Role.COORDINATOR,
        )
    assert role_of(analyst) == Role.ANALYST
    assert not User.objects.filter(email="alias@alpha.invalid").exists()


@pytest.mark.parametrize("actor_role", [Role.COORDINATOR, Role.ADMIN])
@pytest.mark.parametrize("role", Role.values)
def test_invite_and_edit_follow_one_rule(org: Any, actor_role: str, role: str) -> None:
    from himoya.accounts.policies import can_grant_role

    actor = UserFactory(organisation=org, role=actor_role)
    member = UserFactory(
        organisation=org, role=Role.ANALYST if role != Role.ANALYST else Role.ADMIN
    )
    outcomes = []
    for attempt in (
        lambda: services.user_invite(
            actor=actor, organisation=org, email="new@alpha.invalid", full_name="Н", role=role
        ),
        lambda: services.user_update(actor=actor, user=member, role=role),
    ):
        try:
            attempt()
        except ValidationError:
            outcomes.append(False)
        else:
            outcomes.append(True)
    assert outcomes == [can_grant_role(actor, role, org)] * 2


# -- approval by a second coordinator ------------------------------------------------


def test_granting_case_access_waits_for_a_second_coordinator(
    coordinator: User,
    second: User,
    analyst: User,
    admin: User,
    other_org: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from himoya.accounts.models import RoleChangeRequest

    User.objects.filter(pk=second.pk).update(language="en")
    # The coordinators are told once the request is committed.
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(actor=coordinator, user=analyst, role=Role.LAWYER)
    assert role_of(analyst) == Role.ANALYST, "nothing changes before the approval"
    request = RoleChangeRequest.objects.get(user=analyst)
    assert (request.from_role, request.to_role, request.state) == ("analyst", "lawyer", "pending")
    assert request.requested_by == coordinator
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert analyst.email in mail.outbox[0].body and "Lawyer" in mail.outbox[0].body
    assert "role.request" in actions()

    outsider = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    for who in (coordinator, analyst, admin, outsider):
        with pytest.raises(PermissionDenied):
            services.role_change_approve(actor=who, request=request)
    assert role_of(analyst) == Role.ANALYST

    services.role_change_approve(actor=second, request=request)
    request.refresh_from_db()
    assert role_of(analyst) == Role.LAWYER
    assert (request.state, request.decided_by) == ("approved", second)
    assert request.decided_at is not None
    event = AuditEvent.objects.get(action="role.approve")
    assert event.actor_id == second.pk and event.object_id == str(analyst.pk)
    assert event.data == {"request": request.pk, "role": ["analyst", "lawyer"]}
    with pytest.raises(ValidationError, match="already been decided"):
        services.role_change_approve(actor=second, request=request)


@pytest.mark.parametrize(
    "start, target",
    [(Role.LAWYER, Role.COORDINATOR), (Role.ADMIN, Role.INTAKE), (Role.ANALYST, Role.DOCTOR)],
)
def test_every_widening_of_case_access_waits(
    coordinator: User, second: User, start: str, target: str
) -> None:
    member = UserFactory(organisation=coordinator.organisation, role=start)
    services.user_update(actor=coordinator, user=member, role=target)
    assert role_of(member) == start


@pytest.mark.parametrize(
    "start, target",
    [
        (Role.MONITOR, Role.LAWYER),
        (Role.COORDINATOR, Role.LAWYER),
        (Role.LAWYER, Role.ANALYST),
    ],
)
def test_changes_that_open_no_more_cases_apply_at_once(
    coordinator: User, second: User, start: str, target: str
) -> None:
    from himoya.accounts.models import RoleChangeRequest

    member = UserFactory(organisation=coordinator.organisation, role=start)
    services.user_update(actor=coordinator, user=member, role=target)
    assert role_of(member) == target
    assert not RoleChangeRequest.objects.exists()


def test_reject_and_one_request_at_a_time(coordinator: User, second: User, analyst: User) -> None:
    from himoya.accounts.models import RoleChangeRequest

    services.user_update(actor=coordinator, user=analyst, role=Role.LAWYER)
    with pytest.raises(ValidationError, match="already waiting"):
        services.user_update(actor=second, user=analyst, role=Role.COORDINATOR)
    request = RoleChangeRequest.objects.get()
    with pytest.raises(PermissionDenied):
        services.role_change_reject(actor=analyst, request=request)
    services.role_change_reject(actor=second, request=request)
    request.refresh_from_db()
    assert request.state == "rejected" and request.decided_by == second
    assert role_of(analyst) == Role.ANALYST
    assert "role.reject" in actions()
    with pytest.raises(ValidationError, match="already been decided"):
        services.role_change_approve(actor=second, request=request)


def test_a_stale_request_cannot_be_approved(
    coordinator: User, second: User, analyst: User, superuser: User
) -> None:
    from himoya.accounts.models import RoleChangeRequest

    services.user_update(actor=coordinator, user=analyst, role=Role.LAWYER)
    User.objects.filter(pk=analyst.pk).update(role=Role.ADMIN)
    with pytest.raises(ValidationError, match="role has changed"):
        services.role_change_approve(actor=second, request=RoleChangeRequest.objects.get())
    assert role_of(analyst) == Role.ADMIN


def test_a_superuser_grants_at_once_and_the_coordinators_hear_of_it(
    coordinator: User,
    second: User,
    analyst: User,
    superuser: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from himoya.accounts.models import RoleChangeRequest

    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(actor=superuser, user=analyst, role=Role.COORDINATOR)
    assert role_of(analyst) == Role.COORDINATOR
    assert not RoleChangeRequest.objects.exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, second.email])


def test_a_superuser_approves_a_request(coordinator: User, analyst: User, superuser: User) -> None:
    from himoya.accounts.models import RoleChangeRequest

    services.user_update(actor=coordinator, user=analyst, role=Role.MONITOR)
    services.role_change_approve(actor=superuser, request=RoleChangeRequest.objects.get())
    assert role_of(analyst) == Role.MONITOR


# -- the staff pages ---------------------------------------------------------------


def test_pages_show_the_request_to_the_other_coordinators_who_decide_it(
    coordinator: User, second: User, analyst: User, admin: User
) -> None:
    from himoya.accounts.models import RoleChangeRequest

    response = make_client(coordinator).post(
        reverse("staff:staff_edit", args=[analyst.pk]), {"role": Role.LAWYER, "is_active": "on"}
    )
    assert response.status_code == 302
    request = RoleChangeRequest.objects.get()
    approve = reverse("staff:role_request_approve", args=[request.pk])
    reject = reverse("staff:role_request_reject", args=[request.pk])

    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    mine = make_client(coordinator).get(reverse("staff:staff_list"), **english).content.decode()
    assert analyst.email in mine and "waits for another coordinator" in mine
    assert approve not in mine
    theirs = make_client(second).get(reverse("staff:staff_list")).content.decode()
    assert approve in theirs and reject in theirs
    assert (
        approve
        in make_client(second).get(reverse("staff:staff_edit", args=[analyst.pk])).content.decode()
    )
    home = make_client(second).get(reverse("staff:home"), **english).content.decode()
    assert "1 role change waits for your approval" in home

    assert make_client(second).get(approve).status_code == 405
    assert make_client(coordinator).post(approve).status_code == 403
    assert make_client(admin).post(approve).status_code == 403
    lawyer = UserFactory(organisation=coordinator.organisation, role=Role.LAWYER)
    assert make_client(lawyer).post(approve).status_code in (403, 404)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = make_client(second).cookies
    assert csrf_client.post(approve).status_code == 403
    assert role_of(analyst) == Role.ANALYST

    response = make_client(second).post(approve)
    assert response.status_code == 302 and role_of(analyst) == Role.LAWYER
    assert approve not in make_client(second).get(reverse("staff:staff_list")).content.decode()


def test_a_request_of_another_organisation_is_not_found(
    coordinator: User, second: User, analyst: User, other_org: Any
) -> None:
    from himoya.accounts.models import RoleChangeRequest

    services.user_update(actor=coordinator, user=analyst, role=Role.LAWYER)
    request = RoleChangeRequest.objects.get()
    outsider = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    for name in ("staff:role_request_approve", "staff:role_request_reject"):
        response = make_client(outsider).post(reverse(name, args=[request.pk]))
        assert response.status_code == 404
    assert RoleChangeRequest.objects.get().state == "pending"


@pytest.mark.parametrize("role", Role.values)
def test_case_scope_matches_the_need_to_know_rule(org: Any, role: str) -> None:
    """``CASE_SCOPE`` decides which changes wait for approval; it must say what
    ``visible_cases`` does: 2 sees every case, 1 its teams' cases, 0 none."""
    from himoya.accounts.models import CASE_SCOPE
    from himoya.cases.models import Case
    from himoya.cases.selectors import visible_cases
    from tests.cases.test_case_views import new_case
    from tests.factories import TeamFactory

    registrar = UserFactory(organisation=org, role=Role.COORDINATOR)
    team = TeamFactory(organisation=org)
    member = UserFactory(organisation=org, role=role)
    team.members.add(member)
    teams_case = new_case(registrar, org)
    other_case = new_case(registrar, org)
    Case.objects.filter(pk=teams_case.pk).update(team=team)
    seen = set(visible_cases(member).values_list("pk", flat=True))
    expected = {0: set(), 1: {teams_case.pk}, 2: {teams_case.pk, other_case.pk}}
    assert seen == expected[CASE_SCOPE[role]]


def test_a_superusers_invitation_that_opens_cases_is_told_to_the_coordinators(
    org: Any, coordinator: User, superuser: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.user_invite(
            actor=superuser,
            organisation=org,
            email="new-coord@alpha.invalid",
            full_name="Новый Координатор",
            role=Role.COORDINATOR,
        )
    assert sorted(m.to[0] for m in mail.outbox) == [coordinator.email, "new-coord@alpha.invalid"]
