"""Login throttling behind the reverse proxy, through the real login form: clients are
told apart by the address the trusted proxy forwards, failures count per account and
per address separately, and a refused client is told how long to wait."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from himoya.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA = reverse("mfa_authenticate")
PROXY = "10.0.0.2"
WRONG = "not-the-password-at-all"


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_proxy(settings: Any) -> Any:
    settings.HIMOYA_BEHIND_PROXY = True
    settings.HIMOYA_TRUSTED_PROXY_COUNT = 1
    return settings


def client_from(address: str, language: str = "en", chain: str = "") -> Client:
    """A browser at ``address`` whose requests reach the app through the proxy, which
    appends the address it saw to whatever X-Forwarded-For the browser sent."""
    forwarded = f"{chain}, {address}" if chain else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded, HTTP_ACCEPT_LANGUAGE=language)


def attempt(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"login": email, "password": password})


def refused(response: Any) -> bool:
    if response.status_code != 200:
        return False
    errors = response.context["form"].errors.as_data().get("__all__", [])
    return [e.code for e in errors] == ["too_many_login_attempts"]


def test_failures_from_one_client_do_not_lock_out_the_others(behind_proxy: Any) -> None:
    target, colleague = UserFactory(), UserFactory()
    attacker = client_from("203.0.113.5")
    for _ in range(5):
        assert not refused(attempt(attacker, target.email, WRONG))
    other = attempt(client_from("198.51.100.7"), colleague.email)
    assert other.status_code == 302 and other["Location"] == MFA


def test_an_office_behind_one_address_is_not_locked_out_by_typos(behind_proxy: Any) -> None:
    office = "192.0.2.10"
    staff = [UserFactory() for _ in range(6)]
    for member in staff[:5]:
        for _ in range(2):
            assert not refused(attempt(client_from(office), member.email, WRONG))
    response = attempt(client_from(office), staff[5].email)
    assert response.status_code == 302 and response["Location"] == MFA


def test_one_address_trying_many_accounts_is_stopped(behind_proxy: Any) -> None:
    sprayer = client_from("203.0.113.66")
    responses = [attempt(sprayer, f"guess{i}@example.invalid", WRONG) for i in range(25)]
    assert not any(refused(r) for r in responses[:20])
    assert all(refused(r) for r in responses[20:])
    user = UserFactory()
    assert refused(attempt(sprayer, user.email))
    # ... while the account still opens from elsewhere.
    assert attempt(client_from("198.51.100.8"), user.email)["Location"] == MFA


def test_an_account_is_locked_from_every_address_and_says_how_long(behind_proxy: Any) -> None:
    user = UserFactory()
    for i in range(5):
        assert not refused(attempt(client_from(f"203.0.113.{10 + i}"), user.email, WRONG))
    response = attempt(client_from("198.51.100.9"), user.email)
    assert refused(response)
    assert "Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_the_waiting_time_is_in_the_users_language(behind_proxy: Any) -> None:
    user = UserFactory()
    for i in range(5):
        attempt(client_from(f"203.0.113.{20 + i}"), user.email, WRONG)
    response = attempt(client_from("198.51.100.10", language="kk"), user.email)
    assert "15 минуттан кейін қайталап көріңіз." in response.content.decode()


def test_the_429_page_says_how_long_to_wait(behind_proxy: Any) -> None:
    client = client_from("203.0.113.77", language="ru")
    statuses = [attempt(client, f"nobody{i}@example.invalid", WRONG).status_code for i in range(31)]
    assert statuses[-1] == 429
    page = attempt(client, "nobody@example.invalid", WRONG).content.decode()
    assert "Повторите попытку через 1 мин." in page
    # Another client through the same proxy is not affected.
    assert attempt(client_from("198.51.100.11"), "x@example.invalid", WRONG).status_code == 200


def test_the_audit_records_the_address_the_trusted_proxies_saw(behind_proxy: Any) -> None:
    behind_proxy.HIMOYA_TRUSTED_PROXY_COUNT = 2
    # The browser forges a first hop; two proxies append what they saw.
    client = client_from("10.0.0.1", chain="6.6.6.6, 203.0.113.99")
    attempt(client, "nobody@example.invalid", WRONG)
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert event.ip == "203.0.113.99"


def test_without_a_proxy_the_header_is_ignored(settings: Any) -> None:
    settings.HIMOYA_BEHIND_PROXY = False
    client = Client(REMOTE_ADDR="198.51.100.12", HTTP_X_FORWARDED_FOR="6.6.6.6")
    attempt(client, "nobody@example.invalid", WRONG)
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert event.ip == "198.51.100.12"
