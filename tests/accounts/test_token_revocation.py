"""API tokens end with the credentials they were issued under: deactivation (and so a
later reactivation), a password change or reset by any path, and a two-factor reset
revoke every token of the account, with an audit event."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from himoya.accounts import services
from himoya.accounts.models import Role, User
from himoya.api import services as token_services
from himoya.api.models import ApiToken
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_PASSWORD = "Жаңа-ұзын-құпия-сөз-2026"


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(org: Any) -> User:
    return UserFactory(organisation=org, role=Role.COORDINATOR)


@pytest.fixture
def lawyer(org: Any) -> User:
    return UserFactory(organisation=org, role=Role.LAWYER)


def issue(user: User) -> str:
    return token_services.token_issue(actor=user, name="сценарий").secret


def assert_revoked(secret: str, reason: str) -> None:
    with pytest.raises(token_services.TokenRejected):
        token_services.token_authenticate(secret)
    token = ApiToken.objects.get(prefix=secret[4:12])
    assert token.revoked_at is not None
    event = AuditEvent.objects.filter(action="api_token.revoke_all").order_by("-seq").first()
    assert event is not None and event.data["reason"] == reason
    assert token.prefix in event.data["prefixes"]
    assert event.object_id == str(token.user_id)


def test_deactivation_revokes_and_reactivation_does_not_restore(
    coordinator: User, lawyer: User
) -> None:
    secret = issue(lawyer)
    services.user_update(actor=coordinator, user=lawyer, is_active=False)
    services.user_update(actor=coordinator, user=lawyer, is_active=True)
    assert_revoked(secret, "deactivated")


def test_reactivation_revokes_tokens_issued_before(coordinator: User, lawyer: User) -> None:
    """A token that somehow stayed unrevoked while the account was off (say, the flag
    set in SQL) does not come back with the account."""
    secret = issue(lawyer)
    User.objects.filter(pk=lawyer.pk).update(is_active=False)
    lawyer.refresh_from_db()
    services.user_update(actor=coordinator, user=lawyer, is_active=True)
    assert_revoked(secret, "reactivated")


def test_password_change_through_the_page_revokes(lawyer: User) -> None:
    secret = issue(lawyer)
    client = make_client(lawyer)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    assert_revoked(secret, "password")


def test_password_reset_by_mail_revokes(lawyer: User) -> None:
    secret = issue(lawyer)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(reverse("account_reset_password"), {"email": lawyer.email})
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert_revoked(secret, "password")


def test_password_set_in_the_admin_site_revokes(lawyer: User) -> None:
    secret = issue(lawyer)
    superuser = UserFactory(organisation=None, role=Role.ADMIN, is_staff=True, is_superuser=True)
    response = make_client(superuser).post(
        reverse("admin:auth_user_password_change", args=[lawyer.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    lawyer.refresh_from_db()
    assert lawyer.check_password(NEW_PASSWORD)
    assert_revoked(secret, "password")


def test_a_password_rehash_on_login_keeps_tokens(lawyer: User, settings: Any) -> None:
    """Upgrading the stored hash at login is not a new password."""
    settings.PASSWORD_HASHERS = [
        *settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    secret = issue(lawyer)
    User.objects.filter(pk=lawyer.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    lawyer.refresh_from_db()
    assert lawyer.check_password(PASSWORD)  # rehashes and saves
    assert token_services.token_authenticate(secret).user_id == lawyer.pk
    assert not AuditEvent.objects.filter(action="api_token.revoke_all").exists()


def test_two_factor_reset_revokes_even_after_a_new_device(lawyer: User) -> None:
    secret = issue(lawyer)
    # An administrator resets the second factor: the TOTP device goes, by any path.
    Authenticator.objects.filter(user=lawyer, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(lawyer, generate_totp_secret())
    assert_revoked(secret, "mfa_reset")


def test_recovery_codes_regenerated_revoke(
    lawyer: User, django_capture_on_commit_callbacks: Any
) -> None:
    RecoveryCodes.activate(lawyer)
    secret = issue(lawyer)
    client = make_client(lawyer)
    # Regenerating the codes asks for the password again first.
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    # allauth announces the reset once the new codes are committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert_revoked(secret, "mfa_reset")


def test_an_unrelated_save_keeps_tokens(coordinator: User, lawyer: User) -> None:
    secret = issue(lawyer)
    services.user_update(actor=coordinator, user=lawyer, role=Role.MONITOR)
    services.user_set_language(user=lawyer, language="kk")
    assert token_services.token_authenticate(secret).user_id == lawyer.pk
    assert not AuditEvent.objects.filter(action="api_token.revoke_all").exists()
