"""Organisations, teams and staff: services with their audit events, who may do what,
invitations, and the operator's commands (org, demo, totp-code)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from himoya.accounts import services
from himoya.accounts.models import Organisation, Role, Team, User
from himoya.core.audit import verify_chain
from himoya.core.demo_loader import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, demo_totp_secret, totp_now
from himoya.core.idempotency import new_token
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from tests.conftest import make_client
from tests.factories import PASSWORD, TeamFactory, UserFactory

# The services' and commands' messages are read in English.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_PASSWORD = "Жаңа-құпия-сөз-2026"
SYSTEM = SystemActor("test:system")


def events(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


@pytest.fixture
def coordinator(org: Any) -> User:
    return UserFactory(organisation=org, role=Role.COORDINATOR, email="coord@alpha.invalid")


@pytest.fixture
def lawyer(org: Any) -> User:
    return UserFactory(organisation=org, role=Role.LAWYER, email="lawyer@alpha.invalid")


@pytest.fixture
def other_member(other_org: Any) -> User:
    return UserFactory(organisation=other_org, role=Role.LAWYER, email="member@beta.invalid")


# -- services ------------------------------------------------------------------------


def test_organisation_create(lawyer: User) -> None:
    org = services.organisation_create(actor=SYSTEM, slug="gamma", name="Гамма", country="kz")
    assert (org.slug, org.name, org.country) == ("gamma", "Гамма", "KZ")
    [event] = events("organisation.create")
    assert (event.object_type, event.object_id) == ("accounts.organisation", str(org.pk))
    assert event.organisation_id == org.pk and event.actor_label == "test:system"
    with pytest.raises(ValidationError, match="gamma already exists"):
        services.organisation_create(actor=SYSTEM, slug="gamma", name="Again")
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=lawyer, slug="delta", name="Дельта")
    assert not Organisation.objects.filter(slug="delta").exists()


def test_team_create(coordinator: User, lawyer: User, other_org: Any) -> None:
    team = services.team_create(
        actor=coordinator, organisation=coordinator.organisation, name=" Юристы "
    )
    assert team.name == "Юристы"
    [event] = events("team.create")
    assert event.actor_id == coordinator.pk and event.object_id == str(team.pk)
    with pytest.raises(ValidationError, match="already exists"):
        services.team_create(
            actor=coordinator, organisation=coordinator.organisation, name="Юристы"
        )
    with pytest.raises(PermissionDenied):
        services.team_create(actor=lawyer, organisation=lawyer.organisation, name="Свои")
    with pytest.raises(PermissionDenied):
        services.team_create(actor=coordinator, organisation=other_org, name="Чужие")
    assert Team.objects.count() == 1


def test_team_members_stay_in_their_organisation(
    coordinator: User, lawyer: User, other_member: User
) -> None:
    team = TeamFactory(organisation=coordinator.organisation)
    services.team_set_members(actor=coordinator, team=team, members=[lawyer])
    assert list(team.members.all()) == [lawyer]
    assert events("team.members")[0].data == {"members": [lawyer.pk]}
    with pytest.raises(ValidationError, match="Only staff of the team's organisation"):
        services.team_set_members(actor=coordinator, team=team, members=[other_member])
    with pytest.raises(PermissionDenied):
        services.team_set_members(actor=lawyer, team=team, members=[])


def test_user_invite_creates_an_account_and_mails_a_link(
    coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    team = TeamFactory(organisation=coordinator.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_invite(
            actor=coordinator,
            organisation=coordinator.organisation,
            email=" New.Member@Example.INVALID ",
            full_name="Асель Новая",
            role=Role.DOCTOR,
            teams=[team],
            base_url="https://himoya.example.org/",
            language="kk",
        )
    assert user.email == "new.member@example.invalid"
    assert not user.has_usable_password()
    assert list(user.teams.all()) == [team]
    assert [e.action for e in AuditEvent.objects.order_by("seq")] == ["user.create", "user.invite"]
    assert events("user.create")[0].data == {"role": "doctor", "teams": [team.pk]}
    [message] = mail.outbox
    assert message.to == ["new.member@example.invalid"]
    assert coordinator.organisation.name in message.subject
    assert re.search(r"https://himoya\.example\.org/staff/invite/[^/\s]+/[^/\s]+/", message.body)


def test_invitation_mail_waits_for_the_commit(
    coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_invite(
            actor=coordinator,
            organisation=coordinator.organisation,
            email="later@example.invalid",
            full_name="Позже",
            role=Role.LAWYER,
        )
        assert mail.outbox == []
    assert len(callbacks) == 1 and mail.outbox == []


def test_user_invite_refusals(coordinator: User, lawyer: User, other_org: Any) -> None:
    org = coordinator.organisation
    with pytest.raises(PermissionDenied):
        services.user_invite(
            actor=lawyer, organisation=org, email="x@example.invalid", full_name="X", role="lawyer"
        )
    with pytest.raises(PermissionDenied):
        services.user_invite(
            actor=coordinator,
            organisation=other_org,
            email="y@example.invalid",
            full_name="Y",
            role="lawyer",
        )
    with pytest.raises(ValidationError, match="Only an administrator can grant the administrator"):
        services.user_invite(
            actor=coordinator,
            organisation=org,
            email="z@example.invalid",
            full_name="Z",
            role=Role.ADMIN,
        )
    with pytest.raises(ValidationError, match="already exists"):
        services.user_invite(
            actor=coordinator,
            organisation=org,
            email="LAWYER@alpha.invalid",
            full_name="L",
            role="lawyer",
        )
    with pytest.raises(ValidationError, match="Unknown role"):
        services.user_invite(
            actor=coordinator,
            organisation=org,
            email="r@example.invalid",
            full_name="R",
            role="king",
        )
    foreign_team = TeamFactory(organisation=other_org)
    with pytest.raises(ValidationError, match="Only teams of the same organisation"):
        services.user_invite(
            actor=coordinator,
            organisation=org,
            email="t@example.invalid",
            full_name="T",
            role="lawyer",
            teams=[foreign_team],
        )
    assert not User.objects.filter(email__endswith="@example.invalid").exists()
    assert events("user.invite") == []


def test_user_update(coordinator: User, lawyer: User, other_member: User) -> None:
    services.user_update(actor=coordinator, user=lawyer, role=Role.MONITOR, is_active=False)
    lawyer.refresh_from_db()
    assert (lawyer.role, lawyer.is_active) == (Role.MONITOR, False)
    [event] = events("user.update")
    assert event.data == {"role": ["lawyer", "monitor"], "is_active": [True, False]}
    services.user_update(actor=coordinator, user=lawyer, role=Role.MONITOR, is_active=False)
    assert len(events("user.update")) == 1, "no change, no event"
    with pytest.raises(ValidationError, match="cannot deactivate your own account"):
        services.user_update(actor=coordinator, user=coordinator, is_active=False)
    with pytest.raises(PermissionDenied):
        services.user_update(actor=coordinator, user=other_member, role=Role.ANALYST)
    with pytest.raises(PermissionDenied):
        services.user_update(actor=lawyer, user=coordinator, role=Role.LAWYER)
    admin = UserFactory(organisation=coordinator.organisation, role=Role.ADMIN)
    services.user_update(actor=admin, user=lawyer, role=Role.ADMIN)
    lawyer.refresh_from_db()
    assert lawyer.is_staff, "administrators may open the admin site"


# -- pages: who may do what ----------------------------------------------------------


def test_lawyer_cannot_invite_or_manage(lawyer: User, coordinator: User) -> None:
    client = make_client(lawyer)
    form = {"full_name": "X", "email": "x@example.invalid", "role": "lawyer"}
    assert client.post("/staff/people/", form).status_code == 403
    assert client.get("/staff/people/").status_code == 403
    assert client.get(f"/staff/people/{coordinator.pk}/").status_code == 404
    assert client.post("/staff/teams/", {"name": "Свои"}).status_code == 403
    assert client.get("/staff/audit/").status_code == 403
    assert not User.objects.filter(email="x@example.invalid").exists()
    assert not Team.objects.exists()


def test_coordinator_cannot_reach_another_organisation(
    coordinator: User, other_member: User
) -> None:
    client = make_client(coordinator)
    url = f"/staff/people/{other_member.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": "admin", "is_active": "on"}).status_code == 404
    assert client.get("/staff/people/999999/").status_code == 404, "same answer as missing"
    other_member.refresh_from_db()
    assert other_member.role == Role.LAWYER
    page = client.get("/staff/people/").content.decode()
    assert coordinator.email in page and other_member.email not in page


def test_audit_log_shows_only_the_own_organisation(
    coordinator: User, other_member: User, other_org: Any
) -> None:
    other_coordinator = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    services.team_create(actor=other_coordinator, organisation=other_org, name="Бета-команда")
    services.team_create(actor=coordinator, organisation=coordinator.organisation, name="Альфа")
    other_coordinator.full_name = "Другой Координатор"
    other_coordinator.save(update_fields=["full_name"])
    # Rows name people (not their e-mails): see tests/accounts/test_audit_page.py.
    page = make_client(coordinator).get("/staff/audit/").content.decode()
    assert coordinator.full_name in page
    assert other_coordinator.full_name not in page
    other_page = make_client(other_coordinator).get("/staff/audit/").content.decode()
    assert other_coordinator.full_name in other_page and coordinator.full_name not in other_page


def test_coordinator_invites_through_the_page(
    coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = make_client(coordinator)
    form = {
        "full_name": "Динара Примерова",
        "email": "dinara@example.invalid",
        "role": "lawyer",
        "form_token": new_token(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/people/", form)
    assert response.status_code == 302 and response["Location"] == "/staff/people/"
    invited = User.objects.get(email="dinara@example.invalid")
    assert invited.organisation_id == coordinator.organisation_id
    [message] = mail.outbox
    assert "http://testserver/staff/invite/" in message.body


# -- invitations ---------------------------------------------------------------------


def _invite(coordinator: User, capture: Any) -> tuple[User, str]:
    with capture(execute=True):
        user = services.user_invite(
            actor=coordinator,
            organisation=coordinator.organisation,
            email="invitee@example.invalid",
            full_name="Приглашённый Тестов",
            role=Role.LAWYER,
        )
    link = re.search(r"/staff/invite/\S+/", mail.outbox[-1].body)
    assert link
    return user, link.group(0)


def test_invitation_link_sets_the_password_once(
    coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    user, link = _invite(coordinator, django_capture_on_commit_callbacks)
    client = Client()
    page = client.get(link)
    assert page.status_code == 200 and b"invitee@example.invalid" in page.content
    weak = client.post(link, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and not User.objects.get(pk=user.pk).has_usable_password()
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/staff/accounts/login/"
    assert authenticate(email=user.email, password=NEW_PASSWORD) == user
    assert events("user.invitation_accepted")[0].actor_id == user.pk

    again = Client().get(link)
    assert again.status_code == 400
    assert "accounts/invite_invalid.html" in [t.name for t in again.templates]
    reuse = Client().post(
        link, {"new_password1": "Другой-пароль-2026", "new_password2": "Другой-пароль-2026"}
    )
    assert reuse.status_code == 400
    assert authenticate(email=user.email, password=NEW_PASSWORD) == user


@pytest.mark.parametrize(
    "link", ["/staff/invite/MQ/abc-def/", "/staff/invite/!!!/x/", "/staff/invite/OTk5OTk5/x-y/"]
)
def test_forged_invitation_links_are_refused(link: str) -> None:
    assert Client().get(link).status_code == 400


def test_invitation_of_a_deactivated_account_is_refused(
    coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    user, link = _invite(coordinator, django_capture_on_commit_callbacks)
    services.user_update(actor=coordinator, user=user, is_active=False)
    assert Client().get(link).status_code == 400


def test_deactivated_account_cannot_log_in(coordinator: User, lawyer: User) -> None:
    client = Client()
    form = {"login": lawyer.email, "password": PASSWORD}
    assert client.post("/staff/accounts/login/", form)["Location"] == (
        "/staff/accounts/2fa/authenticate/"
    )
    services.user_update(actor=coordinator, user=lawyer, is_active=False)
    client = Client()
    response = client.post("/staff/accounts/login/", form)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == "/staff/accounts/inactive/"
    assert client.get("/staff/").status_code == 302
    assert client.get("/staff/accounts/2fa/authenticate/").status_code != 200


# -- commands ------------------------------------------------------------------------


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_org_commands() -> None:
    assert command("org", "create", "kz-bureau", "--name", "Бюро (Алматы)", "--country", "kz") == (
        "created organisation kz-bureau\n"
    )
    org = Organisation.objects.get(slug="kz-bureau")
    assert (org.name, org.country) == ("Бюро (Алматы)", "KZ")
    assert events("organisation.create")[0].actor_label == "cli:org"
    with pytest.raises(CommandError, match="kz-bureau already exists"):
        command("org", "create", "kz-bureau", "--name", "Again")
    command("org", "create", "tj-coalition", "--name", "Коалиция", "--country", "TJ")
    assert command("org", "list").splitlines() == [
        "kz-bureau\tKZ\tБюро (Алматы)",
        "tj-coalition\tTJ\tКоалиция",
    ]


def test_demo_is_idempotent_and_prints_logins() -> None:
    from django.apps import apps

    first = command("demo")
    assert DEMO_PASSWORD in first
    assert f"coordinator.demo-kz@{DEMO_EMAIL_DOMAIN}" in first
    models = [m for m in apps.get_models() if m._meta.app_label in ("accounts", "core", "mfa")]
    counts = {m._meta.label: m._base_manager.count() for m in models}
    counts["cases"] = sum(
        m._base_manager.count() for m in apps.get_models() if m._meta.app_label == "cases"
    )
    assert counts["accounts.User"] >= 15 and counts["accounts.Organisation"] == 2
    from himoya.outreach.models import Publication

    # every organisation's yearly statistics have publications to count
    for org in Organisation.objects.all():
        assert (
            Publication.objects.filter(organisation=org).values("language").distinct().count() == 3
        )

    second = command("demo", "--quiet")
    assert second == ""
    again = {m._meta.label: m._base_manager.count() for m in models}
    again["cases"] = sum(
        m._base_manager.count() for m in apps.get_models() if m._meta.app_label == "cases"
    )
    assert again == counts
    assert verify_chain().ok
    assert "audit chain intact" in command("verify_audit")
    for user in User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN):
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_demo_accounts_log_in_with_the_printed_code() -> None:
    command("demo", "--quiet")
    email = f"lawyer.demo-kz@{DEMO_EMAIL_DOMAIN}"
    code = command("totp_code", email).strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code == totp_now(demo_totp_secret(email))
    assert command("totp_code", "--secret", email).strip() == demo_totp_secret(email)
    client = Client()
    client.post("/staff/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    response = client.post("/staff/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_totp_code_refuses_non_demo_accounts(lawyer: User, settings: Any) -> None:
    with pytest.raises(CommandError, match=f"only demo accounts \\(@{DEMO_EMAIL_DOMAIN}\\)"):
        command("totp_code", lawyer.email)
    with pytest.raises(CommandError, match="no demo account"):
        command("totp_code", f"nobody@{DEMO_EMAIL_DOMAIN}")
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="only outside production"):
        command("totp_code", f"lawyer.demo-kz@{DEMO_EMAIL_DOMAIN}")
