"""Staff sign-in end to end with Django's test client: the real allauth views and forms,
our middleware, a real database and the real (database) cache.

Pages are requested in English so that assertions can name allauth's own messages.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from himoya.accounts import allauth_strings
from himoya.core.models import AuditEvent
from tests.browser_helpers import totp_code
from tests.factories import PASSWORD, UserFactory, has_totp

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA = reverse("mfa_authenticate")
ACTIVATE = reverse("mfa_activate_totp")
RECOVERY_CODES = reverse("mfa_view_recovery_codes")
HOME = reverse("staff:home")
LOGOUT = reverse("account_logout")

TEMPLATES = Path(settings.BASE_DIR) / "himoya" / "templates"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and used TOTP codes live in the (database) cache, which no
    test transaction rolls back."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def wrong_code(secret: str) -> str:
    """A 6-digit code that is valid in none of the windows the server accepts."""
    valid = {totp_code(secret, at=timezone.now().timestamp() + d) for d in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def error_codes(response, field: str = "__all__") -> list[str]:
    form = response.context["form"]
    return [e.code for e in form.errors.as_data().get(field, [])]


def full_login(client: Client, user, code: str | None = None) -> None:
    response = password_step(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == MFA
    response = client.post(MFA, {"code": code or totp_code(user.totp_secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == HOME


def test_login_with_password_then_totp_reaches_the_dashboard(client):
    user = UserFactory(full_name="Зарина Вымышленная")
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()
    response = password_step(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == MFA
    # The password alone opens nothing.
    assert client.get(HOME)["Location"].startswith(LOGIN)
    response = password_step(client, user.email)
    page = client.get(MFA).content.decode()
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page
    response = client.post(MFA, {"code": totp_code(user.totp_secret)}, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    assert response.status_code == 200
    assert response.context["user"] == user
    assert "Successfully signed in as Зарина Вымышленная." in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login", object_id=str(user.pk)).exists()


def test_wrong_totp_code_is_refused_with_its_own_message(client):
    user = UserFactory()
    password_step(client, user.email)
    response = client.post(MFA, {"code": wrong_code(user.totp_secret)})
    assert response.status_code == 200
    assert error_codes(response, "code") == ["incorrect_code"]
    assert "Incorrect code." in response.content.decode()
    assert client.get(HOME).status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="mfa.failed", object_id=str(user.pk)).exists()


def test_wrong_totp_codes_are_rate_limited(client):
    user = UserFactory()
    password_step(client, user.email)
    bad = wrong_code(user.totp_secret)
    for _ in range(5):
        assert error_codes(client.post(MFA, {"code": bad}), "code") == ["incorrect_code"]
    response = client.post(MFA, {"code": totp_code(user.totp_secret)})
    assert response.status_code == 200
    assert error_codes(response, "code") == ["too_many_login_attempts"]
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_a_totp_code_works_only_once(client):
    user = UserFactory()
    code = totp_code(user.totp_secret)
    full_login(client, user, code)
    client.post(LOGOUT)
    assert "_auth_user_id" not in client.session
    # Same code again, well inside its 30-second window: allauth remembers it as used.
    assert password_step(client, user.email)["Location"] == MFA
    response = client.post(MFA, {"code": code})
    assert response.status_code == 200
    assert error_codes(response, "code") == ["incorrect_code"]
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client):
    user = UserFactory()
    codes = RecoveryCodes.activate(user).get_unused_codes()
    full_login(client, user, codes[0])
    assert client.get(HOME).status_code == 200
    client.post(LOGOUT)
    password_step(client, user.email)
    response = client.post(MFA, {"code": codes[0]})
    assert error_codes(response, "code") == ["incorrect_code"]
    response = client.post(MFA, {"code": codes[1]})
    assert response["Location"] == HOME
    rc = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert len(rc.wrap().get_unused_codes()) == len(codes) - 2


def test_five_wrong_passwords_lock_out_even_the_right_one(client):
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"].startswith("5/15m/key")
    user = UserFactory()
    for _ in range(5):
        response = password_step(client, user.email, "not-the-password-at-all")
        assert response.status_code == 200
        assert error_codes(response) == ["email_password_mismatch"]
    assert (
        "The email address and/or password you specified are not correct."
        in response.content.decode()
    )
    response = password_step(client, user.email)
    assert response.status_code == 200
    assert error_codes(response) == ["too_many_login_attempts"]
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(MFA)["Location"].startswith(LOGIN)  # no pending 2FA step either


def test_an_inactive_account_is_refused(client):
    user = UserFactory(is_active=False)
    response = password_step(client, user.email, "wrong-password-here")
    assert error_codes(response) == ["email_password_mismatch"]
    response = password_step(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "This account is inactive." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(HOME)["Location"].startswith(LOGIN)


def reach_activation(client: Client, user) -> None:
    """Password login of a user without TOTP, up to the activation page. allauth guards
    activation with a reauthentication that a login moments ago does not satisfy (only
    an explicit reauthentication counts), so the password is asked once more."""
    assert password_step(client, user.email)["Location"] == HOME
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    reauth = reverse("account_reauthenticate")
    assert response["Location"].startswith(reauth + "?next=")
    page = client.get(response["Location"]).content.decode()
    assert "Before you set up two-factor authentication" in page
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == ACTIVATE


# Real commits: the session is marked by an authenticator_added receiver that allauth
# sends from transaction.on_commit, which a test wrapped in a transaction never fires.
@pytest.mark.django_db(transaction=True)
def test_user_without_totp_must_activate_it_before_anything_else(client):
    user = UserFactory(totp=False)
    response = password_step(client, user.email)
    assert response.status_code == 302
    for path in (HOME, reverse("staff:team_list"), "/staff/admin/"):
        assert client.get(path)["Location"] == ACTIVATE, path
    client.post(LOGOUT)
    reach_activation(client, user)

    page = client.get(ACTIVATE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    secret = client.session["mfa.totp.secret"]
    shown = re.sub(r"<[^>]+>", "", re.search(r'id="totp-secret">(.*?)</code>', html).group(1))
    assert shown == secret
    assert "mandatory for every Himoya staff account" in html

    response = client.post(ACTIVATE, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert error_codes(response, "code") == ["incorrect_code"]
    assert not has_totp(user)
    assert client.get(HOME)["Location"] == ACTIVATE

    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == RECOVERY_CODES
    assert has_totp(user)
    page = client.get(RECOVERY_CODES)
    assert page.status_code == 200
    codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    assert len(codes) == settings.MFA_RECOVERY_CODE_COUNT
    assert all(code in page.content.decode() for code in codes)
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert client.get(HOME).status_code == 200


# Real commits: the session is marked by an authenticator_added receiver that allauth
# sends from transaction.on_commit, which a test wrapped in a transaction never fires.
@pytest.mark.django_db(transaction=True)
def test_totp_cannot_be_switched_off_from_the_interface(client):
    user = UserFactory(totp=False)
    reach_activation(client, user)
    assert client.get(ACTIVATE).status_code == 200
    client.post(ACTIVATE, {"code": totp_code(client.session["mfa.totp.secret"])})
    deactivate = reverse("mfa_deactivate_totp")

    security = client.get(reverse("mfa_index")).content.decode()
    assert deactivate not in security
    assert "cannot be switched off" in security
    # allauth sends a user who has TOTP from the activation URL to the deactivation one.
    assert client.get(ACTIVATE)["Location"] == deactivate
    page = client.get(deactivate)
    assert page.status_code == 200
    assert "<form" not in page.content.decode().split("<main", 1)[1]
    client.post(deactivate)
    assert has_totp(user)


def test_sign_in_pages_have_no_sign_up_and_no_inline_code(client):
    html = client.get(LOGIN).content.decode()
    assert reverse("account_signup") not in html
    assert reverse("account_reset_password") in html
    assert "'unsafe-inline'" not in client.get(LOGIN)["Content-Security-Policy"]
    offenders = []
    for folder in ("account", "mfa", "allauth"):
        for path in (TEMPLATES / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", text, re.I):
                offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_session_times_out_when_idle(client):
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    user = UserFactory()
    full_login(client, user)
    key = client.session.session_key
    # Activity pushes the expiry forward (idle timeout, not an absolute one)...
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(seconds=60)
    )
    assert client.get(HOME).status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # ...and a session idle for longer than SESSION_COOKIE_AGE is gone.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_cancel_on_the_2fa_step_goes_back_to_the_login(client):
    user = UserFactory()
    password_step(client, user.email)
    response = client.post(LOGOUT, {"next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    # The pending 2FA step is gone with the session.
    assert client.get(MFA)["Location"].startswith(LOGIN)


def test_password_reset_keeps_two_factor(client):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response["Location"] == reverse("account_reset_password_done")
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject.startswith("[Himoya] ")
    link = re.search(r"https?://\S+", message.body).group(0)
    response = client.get(link)
    assert response.status_code == 302  # to the same page without the key in the URL
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    assert 'name="password1"' in page.content.decode()
    new_password = "another-long-passphrase-2026"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert "_auth_user_id" not in client.session
    # The new password opens the 2FA step, not the register.
    assert password_step(client, user.email, new_password)["Location"] == MFA
    # A used link does not work again.
    assert "Link not valid" in client.get(link, follow=True).content.decode()


def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.invalid"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert "no account with this address" in mail.outbox[0].body
    assert "sign up" not in mail.outbox[0].body.lower()


def test_logout_confirmation_page(client):
    user = UserFactory()
    full_login(client, user)
    page = client.get(LOGOUT)
    assert page.status_code == 200
    assert f'action="{LOGOUT}"' in page.content.decode()
    response = client.post(LOGOUT, follow=True)
    assert "You have signed out." in response.content.decode()
    assert client.get(HOME)["Location"].startswith(LOGIN)


def test_reauthentication_page_offers_password_and_code(client):
    user = UserFactory()
    full_login(client, user)
    response = client.get(reverse("account_reauthenticate"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password"' in html
    assert reverse("mfa_reauthenticate") in html
    response = client.post(reverse("account_reauthenticate"), {"password": "wrong-one-here"})
    assert error_codes(response, "password") == ["incorrect_password"]
    response = client.get(reverse("mfa_reauthenticate"))
    assert 'name="code"' in response.content.decode()


def test_allauth_strings_are_real_allauth_msgids():
    """Every string in himoya/accounts/allauth_strings.py is spelt exactly as allauth's
    catalogue has it, so that our translation of it is the one used."""
    import allauth

    po = polib.pofile(str(Path(allauth.__file__).parent / "locale/ru/LC_MESSAGES/django.po"))
    msgids = {entry.msgid for entry in po}
    listed = allauth_strings.STRINGS
    assert listed
    assert [s for s in listed if s not in msgids] == []
    assert len(set(listed)) == len(listed)


def test_allauth_messages_staff_can_meet_are_listed():
    from allauth.account.adapter import DefaultAccountAdapter
    from allauth.mfa.adapter import DefaultMFAAdapter

    account = DefaultAccountAdapter.error_messages
    mfa = DefaultMFAAdapter.error_messages
    seen = [
        account["email_password_mismatch"],
        account["too_many_login_attempts"],
        account["incorrect_code"],
        account["incorrect_password"],
        account["enter_current_password"],
        account["rate_limited"],
        mfa["incorrect_code"],
        mfa["cannot_generate_recovery_codes"],
    ]
    missing = [str(m) for m in seen if str(m) not in allauth_strings.STRINGS]
    assert missing == []


def test_a_used_totp_code_stays_refused_while_it_is_still_valid(client, monkeypatch):
    import time

    real = time.time
    if (real() - 31) % 30 >= 28:  # keep the first use early enough in its window
        time.sleep(3)
    used_at = real() - 31
    user = UserFactory()
    code = totp_code(user.totp_secret, at=used_at)
    monkeypatch.setattr(time, "time", lambda: used_at)  # the first login, 31 s ago
    full_login(client, user, code)
    client.post(LOGOUT)
    monkeypatch.setattr(time, "time", real)
    password_step(client, user.email)
    response = client.post(MFA, {"code": code})  # now: still within the tolerance
    assert response.status_code == 200, "a used TOTP code was accepted a second time"
