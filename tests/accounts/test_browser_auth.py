"""Staff sign-in in a real Chromium against the live server: invitation to dashboard,
the 2FA challenge, the language switcher, CSP and cookie flags.

Every test watches its page with ``PageGuard``: no Content Security Policy violation and
no request to anywhere but the live server, on every page it visits.
Set HIMOYA_SHOTS_DIR=/tmp/shots to also get screenshots (desktop and phone).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from himoya.accounts.models import Role, User
from tests.browser_helpers import (
    HOME_PATH,
    LOGIN_PATH,
    MFA_PATH,
    TOTP_ACTIVATE_PATH,
    PageGuard,
    activate_totp,
    confirm_password_if_asked,
    fill_password_step,
    fresh_totp_code,
    login,
    logout,
    path_of,
    shoot,
    submit_code,
)
from tests.factories import PASSWORD, UserFactory, has_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and used TOTP codes live in the database cache, which the flush
    between transactional tests leaves alone."""
    cache.clear()
    yield
    cache.clear()


def test_invitation_leads_to_totp_setup_and_the_dashboard(page, live_server, org):
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, full_name="Гульнара Тестова")
    guard = PageGuard(page, live_server.url)
    page.goto(live_server.url + LOGIN_PATH)
    shoot(page, "login")
    login(page, live_server.url, coordinator)

    page.goto(live_server.url + "/staff/people/")
    page.fill("input[name=full_name]", "Тимур Приглашённый")
    page.fill("input[name=email]", "timur.invited@example.invalid")
    page.select_option("select[name=role]", Role.LAWYER)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert path_of(page.url) == "/staff/people/"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/staff/invite/\S+", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)
    logout(page)

    page.goto(link)
    page.fill("input[name=new_password1]", "a-long-new-passphrase-2026")
    page.fill("input[name=new_password2]", "a-long-new-passphrase-2026")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert path_of(page.url) == LOGIN_PATH

    fill_password_step(page, "timur.invited@example.invalid", "a-long-new-passphrase-2026")
    confirm_password_if_asked(page, "a-long-new-passphrase-2026")
    # Nothing but the TOTP set-up opens until it is done.
    assert path_of(page.url) == TOTP_ACTIVATE_PATH
    page.goto(live_server.url + HOME_PATH)
    assert path_of(page.url) == TOTP_ACTIVATE_PATH
    assert page.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert page.locator("header nav a").count() == 0  # no staff menu before 2FA
    shoot(page, "totp-activation")
    activate_totp(page)

    member = User.objects.get(email="timur.invited@example.invalid")
    assert has_totp(member)
    assert path_of(page.url) == "/staff/accounts/2fa/recovery-codes/"
    codes = [c.strip() for c in page.locator("#recovery-codes li").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"\d{8}", c) for c in codes)
    with page.expect_download() as download:
        page.click("a[href$='/recovery-codes/download/']")
    assert download.value.suggested_filename == "recovery-codes.txt"
    shoot(page, "recovery-codes")
    page.click(f"main a[href='{HOME_PATH}']")
    page.wait_for_load_state()
    assert path_of(page.url) == HOME_PATH
    assert "Тимур Приглашённый" in page.inner_text("h1")
    shoot(page, "dashboard")
    page.goto(live_server.url + "/staff/accounts/2fa/")
    assert page.locator("a[href$='/totp/deactivate/']").count() == 0
    shoot(page, "security")
    guard.assert_clean()


def test_wrong_totp_code_shows_the_error_then_the_right_one_works(page, live_server):
    user = UserFactory()
    guard = PageGuard(page, live_server.url)
    page.goto(live_server.url + LOGIN_PATH)
    fill_password_step(page, user.email, PASSWORD)
    assert path_of(page.url) == MFA_PATH
    shoot(page, "2fa-challenge")
    submit_code(page, "000000" if fresh_totp_code(user.totp_secret) != "000000" else "111111")
    assert path_of(page.url) == MFA_PATH
    code_input = page.locator("input[name=code]")
    assert code_input.get_attribute("aria-invalid") == "true"
    with translation.override("ru"):
        expected = gettext("Incorrect code.")
    assert page.locator(".field.has-error .errorlist").inner_text().strip() == expected
    shoot(page, "2fa-wrong-code")
    submit_code(page, fresh_totp_code(user.totp_secret))
    assert path_of(page.url) == HOME_PATH
    guard.assert_clean()


def test_wrong_password_shows_the_error(page, live_server):
    user = UserFactory()
    guard = PageGuard(page, live_server.url)
    page.goto(live_server.url + LOGIN_PATH)
    fill_password_step(page, user.email, "certainly-not-the-password")
    assert path_of(page.url) == LOGIN_PATH
    with translation.override("ru"):
        expected = gettext("The email address and/or password you specified are not correct.")
    assert page.locator(".errorlist.nonfield").inner_text().strip() == expected
    assert page.input_value("input[name=login]") == user.email
    assert page.input_value("input[name=password]") == ""
    shoot(page, "login-error")
    guard.assert_clean()


def _switch_language(page, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)  # himoya.js submits on change
    page.wait_for_load_state()


@pytest.mark.parametrize("signed_in", [False, True], ids=["login-page", "dashboard"])
def test_language_switcher(page, live_server, signed_in):
    """Our own catalogues are still being written, so this checks <html lang>, the
    switcher's value and one string whose translation Django itself ships in all four
    languages (the switcher's "Change" button), never our translated words."""
    guard = PageGuard(page, live_server.url)
    if signed_in:
        login(page, live_server.url, UserFactory())
        start = HOME_PATH
    else:
        page.goto(live_server.url + LOGIN_PATH)
        start = LOGIN_PATH
    assert page.get_attribute("html", "lang") == "ru"
    assert page.input_value("#language-select") == "ru"
    for code in ("kk", "tg", "en", "ru"):
        _switch_language(page, code)
        assert path_of(page.url) == start, f"the switcher left {start} for {page.url}"
        assert page.get_attribute("html", "lang") == code
        assert page.input_value("#language-select") == code
        button = page.text_content(".langswitch button").strip()
        assert (button == "Change") == (code == "en"), (code, button)
    if not signed_in:
        _switch_language(page, "en")
        assert page.inner_text("h1") == "Staff sign-in"
    guard.assert_clean()


def test_session_and_csrf_cookies_are_secure_httponly_strict(page, live_server):
    user = UserFactory()
    guard = PageGuard(page, live_server.url)
    login(page, live_server.url, user)
    _switch_language(page, "en")
    cookies = {c["name"]: c for c in page.context.cookies()}
    for name in ("himoya_session", "himoya_csrf", "himoya_language"):
        assert name in cookies, f"{name} missing: the browser refused it? {sorted(cookies)}"
        cookie = cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httpOnly"] is True, name
        assert cookie["sameSite"] == "Strict", name
    assert cookies["himoya_session"]["expires"] == -1  # gone when the browser closes
    guard.assert_clean()


def test_page_guard_catches_csp_violations_and_foreign_requests(page, live_server):
    """The guard is only worth something if it notices; a positive control."""
    guard = PageGuard(page, live_server.url)
    page.goto(live_server.url + LOGIN_PATH)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.head.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.injected") is None  # the inline script did not run
    with pytest.raises(AssertionError, match="CSP"):
        guard.assert_clean()
    assert guard.csp_messages and guard.violations
    # A request elsewhere (answered by Playwright itself, so nothing really leaves).
    page.route("http://example.invalid/**", lambda route: route.fulfill(body="elsewhere"))
    page.goto("http://example.invalid/page")
    assert guard.foreign_requests == ["http://example.invalid/page"]
