"""Steps that browser tests share: TOTP codes, signing in, watching for CSP violations
and foreign requests, screenshots.

The API, for page tests of any app::

    from tests.browser_helpers import PageGuard, login, shoot, totp_code

    def test_something(page, live_server, user_factory):
        user = user_factory(role=Role.LAWYER)
        guard = PageGuard(page, live_server.url)    # before the first navigation
        login(page, live_server.url, user)          # password + TOTP, lands on /staff/
        page.goto(live_server.url + "/staff/...")
        shoot(page, "cases-list")                   # only when HIMOYA_SHOTS_DIR is set
        guard.assert_clean()                        # no CSP violation, nothing external

``user`` is made by ``tests.factories.UserFactory``, which keeps the TOTP secret on
``user.totp_secret`` and sets the password ``tests.factories.PASSWORD``.

Playwright is imported only by the fixtures in conftest.py; this module only needs the
``page`` objects they hand out, so the test-client tests can import ``totp_code`` too.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.factories import PASSWORD

LOGIN_PATH = "/staff/accounts/login/"
MFA_PATH = "/staff/accounts/2fa/authenticate/"
TOTP_ACTIVATE_PATH = "/staff/accounts/2fa/totp/activate/"
REAUTHENTICATE_PATH = "/staff/accounts/reauthenticate/"
HOME_PATH = "/staff/"

# Desktop and phone sizes for screenshots.
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}


def totp_code(secret: str, at: float | None = None) -> str:
    """The TOTP code an authenticator app shows for ``secret`` at ``at`` (now by
    default), computed with allauth's own functions."""
    counter = int(time.time() if at is None else at) // 30
    return format_hotp_value(hotp_value(secret, counter))


def fresh_totp_code(secret: str) -> str:
    """Like ``totp_code``, but waits out the last two seconds of a 30 s window so the
    code cannot expire between typing it and the server checking it. (The server
    tolerates one window of drift, so this is belt and braces for slow CI machines.)"""
    if 30 - time.time() % 30 < 2:
        time.sleep(2.1)
    return totp_code(secret)


def path_of(url: str) -> str:
    """The path (and query) of ``url``: ``path_of(page.url) == "/staff/"``."""
    return re.sub(r"^[a-z]+://[^/]+", "", url)


def fill_password_step(page: Any, email: str, password: str) -> None:
    """Fills and submits the login form of the page already on the sign-in page."""
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state()


def submit_code(page: Any, code: str) -> None:
    """Types a TOTP or recovery code into the page's code field and submits it."""
    page.fill("input[name=code]", code)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state()


def login(
    page: Any,
    live_server_url: str,
    user: Any,
    password: str = PASSWORD,
    *,
    expect: str = HOME_PATH,
) -> None:
    """Signs ``user`` in through the real pages: e-mail and password, then the current
    TOTP code from ``user.totp_secret``. Asserts that the browser ends on ``expect``
    (the staff dashboard by default; pass ``next`` in a goto before, if needed)."""
    page.goto(live_server_url + LOGIN_PATH)
    fill_password_step(page, user.email, password)
    assert path_of(page.url).startswith(MFA_PATH), f"no 2FA step after the password: {page.url}"
    submit_code(page, fresh_totp_code(user.totp_secret))
    assert path_of(page.url) == expect, f"login ended on {page.url}, not {expect}"


def confirm_password_if_asked(page: Any, password: str = PASSWORD) -> None:
    """allauth asks for the password again ("Confirm it is you") before security
    changes such as setting up TOTP, even right after a login; answers it if shown."""
    if path_of(page.url).startswith(REAUTHENTICATE_PATH):
        page.fill("input[name=password]", password)
        page.click("form.auth-form button[type=submit]")
        page.wait_for_load_state()


def read_totp_secret(page: Any) -> str:
    """The secret printed on the TOTP activation page (the groups copy as one word)."""
    return re.sub(r"\s+", "", page.inner_text("#totp-secret"))


def activate_totp(page: Any) -> str:
    """On the TOTP activation page: reads the secret as a person typing it by hand would,
    submits the current code, and returns the secret (store it on the user object as
    ``totp_secret`` to log in again later)."""
    assert path_of(page.url).startswith(TOTP_ACTIVATE_PATH), page.url
    secret = read_totp_secret(page)
    submit_code(page, fresh_totp_code(secret))
    return secret


def logout(page: Any) -> None:
    """Signs out with the button in the top bar."""
    page.click("header.topbar form[action$='/logout/'] button")
    page.wait_for_load_state()


@dataclass
class PageGuard:
    """Records, for every page the ``page`` visits, console messages about the Content
    Security Policy, ``securitypolicyviolation`` events, uncaught script errors and every
    request to anywhere but the live server (data: URIs excepted: they never leave the
    browser, and our CSP allows them for images). Create it before the first ``goto``."""

    page: Any
    base_url: str
    csp_messages: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/") + "/"
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        self.page.on("request", self._on_request)
        # Runs before the page's own scripts and is not subject to its CSP.
        self.page.add_init_script(
            "window.__cspViolations = [];"
            "document.addEventListener('securitypolicyviolation', function (e) {"
            "  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);"
            "});"
        )
        self.page.on("load", self._collect_violations)

    def _on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_messages.append(message.text)

    def _on_request(self, request: Any) -> None:
        url = request.url
        self.requests.append(url)
        if not (url.startswith(self.base_url) or url.startswith("data:")):
            self.foreign_requests.append(url)

    def _collect_violations(self, page: Any) -> None:
        try:
            found = page.evaluate("window.__cspViolations || []")
        except Exception:  # the page navigated away meanwhile
            return
        self.violations.extend(v for v in found if v not in self.violations)

    def check_now(self) -> None:
        """Collects the violations of the current page (``load`` may not have fired yet
        for the last one)."""
        self._collect_violations(self.page)

    def assert_clean(self) -> None:
        self.check_now()
        assert not self.csp_messages, f"CSP console errors: {self.csp_messages}"
        assert not self.violations, f"CSP violations: {self.violations}"
        assert not self.page_errors, f"script errors: {self.page_errors}"
        assert not self.foreign_requests, f"requests that left the server: {self.foreign_requests}"


def shoot(page: Any, name: str) -> list[Path]:
    """Full-page screenshots of the current page at desktop and phone size into
    ``$HIMOYA_SHOTS_DIR/<name>-<size>.png``; does nothing when the variable is unset
    (screenshots are for looking at, never committed)."""
    target = os.environ.get("HIMOYA_SHOTS_DIR")
    if not target:
        return []
    directory = Path(target)
    directory.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    paths = []
    for label, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        path = directory / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if before:
        page.set_viewport_size(before)
    return paths
