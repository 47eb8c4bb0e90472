"""Finding 3 for two-factor secrets: a TOTP secret or recovery seed is bound to its
authenticator row (user and type). A database writer who copies their own secret into
another user's row cannot then pass that user's second factor with their own codes."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from himoya.core import crypto
from himoya.core.crypto import DecryptionError
from himoya.core.models import AuditEvent
from tests.browser_helpers import totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()  # used TOTP codes and rate limits live in the database cache
    yield
    cache.clear()


def _data(user: Any, kind: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM mfa_authenticator WHERE user_id = %s AND type = %s", [user.pk, kind]
        )
        value = cursor.fetchone()[0]
    return json.loads(value) if isinstance(value, str) else value


def _set(user: Any, kind: str, data: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE mfa_authenticator SET data = %s WHERE user_id = %s AND type = %s",
            [json.dumps(data), user.pk, kind],
        )


def _totp(user: Any) -> TOTP:
    return TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))


def test_a_secret_copied_to_another_users_row_does_not_verify() -> None:
    owner, victim = UserFactory(), UserFactory()
    _set(victim, "totp", _data(owner, "totp"))
    with pytest.raises(DecryptionError):
        _totp(victim).validate_code(totp_code(owner.totp_secret))
    assert _totp(owner).validate_code(totp_code(owner.totp_secret))


def test_the_sign_in_step_refuses_it_and_says_the_record_is_damaged() -> None:
    owner, victim = UserFactory(), UserFactory()
    _set(victim, "totp", _data(owner, "totp"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.raise_request_exception = False
    response = client.post(reverse("account_login"), {"login": victim.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(owner.totp_secret)})
    assert response.status_code == 200
    assert "damaged" in response.content.decode()
    assert client.get(reverse("staff:home")).status_code == 302  # not signed in
    assert AuditEvent.objects.filter(action="crypto.damaged").exists()


def test_a_seed_moved_between_a_users_rows_does_not_open() -> None:
    user = UserFactory()
    RecoveryCodes.activate(user)
    _set(user, "totp", {"secret": _data(user, "recovery_codes")["seed"]})
    with pytest.raises(DecryptionError):
        _totp(user).validate_code("123456")


def test_secrets_stored_column_bound_are_refused_until_the_migration_binds_them() -> None:
    user = UserFactory()
    column_bound = crypto.encrypt(user.totp_secret, context="mfa.authenticator.secret")
    _set(user, "totp", {"secret": column_bound})
    with pytest.raises(DecryptionError):
        _totp(user).validate_code(totp_code(user.totp_secret))

    migration = importlib.import_module("himoya.accounts.migrations.0003_bind_mfa_secrets")
    migration.bind_secrets(apps, None)
    assert _data(user, "totp")["secret"].startswith("hm2:")
    assert _totp(user).validate_code(totp_code(user.totp_secret))


def test_saving_the_row_keeps_its_secret_bound() -> None:
    user = UserFactory()
    RecoveryCodes.activate(user)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    )
    first = codes.get_unused_codes()[0]
    assert codes.validate_code(first)  # marks it used and saves the row
    again = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    )
    assert first not in again.get_unused_codes()
    assert _data(user, "recovery_codes")["seed"].startswith("hm2:")
