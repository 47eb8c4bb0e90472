"""Security headers, cookie flags and pages that load nothing from other hosts."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from himoya.accounts.models import Role
from himoya.core.demo_loader import totp_now
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import PASSWORD, UserFactory
from tests.test_access_walk import PROTECTED, PUBLIC, is_api

pytestmark = pytest.mark.django_db

LOGIN = "/staff/accounts/login/"


def csp(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.COORDINATOR)


def pages(coordinator: Any) -> list[tuple[str, Any]]:
    from himoya.public_site.content import home_page

    home_page(title="Himoya")  # the public site's home, as the demo or an editor makes it
    anonymous = Client()
    staff = make_client(coordinator)
    return [
        ("public home", anonymous.get("/ru/", follow=True)),
        ("login", anonymous.get(LOGIN)),
        ("staff home", staff.get("/staff/")),
        ("staff list", staff.get("/staff/people/")),
        ("audit log", staff.get("/staff/audit/")),
    ]


def test_csp_is_strict_everywhere(coordinator: Any) -> None:
    for label, response in pages(coordinator):
        assert response.status_code == 200, label
        policy = csp(response)
        assert policy["default-src"] == ["'self'"], label
        for directive in ("script-src", "style-src", "connect-src", "form-action"):
            assert policy[directive] == ["'self'"], (label, directive)
        assert policy["frame-ancestors"] == ["'none'"], label
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"], label
        header = response["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, label
        assert "*" not in header and "http:" not in header, label


def test_other_security_headers(coordinator: Any) -> None:
    for label, response in pages(coordinator):
        assert response["X-Frame-Options"] == "DENY", label
        assert response["X-Content-Type-Options"] == "nosniff", label
        assert response["Referrer-Policy"] == "same-origin", label
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", label
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", label
        assert "camera=()" in response["Permissions-Policy"], label
        assert response["X-Request-ID"], label


def test_staff_pages_are_never_cached(coordinator: Any) -> None:
    staff = make_client(coordinator)
    for response in (
        staff.get("/staff/"),
        staff.get("/staff/people/"),
        Client().get(LOGIN),
        Client().get("/staff/people/"),  # the redirect to the login too
        Client().get("/api/v1/cases/"),
    ):
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache, response["Cache-Control"]


def _request_id(**headers: str) -> str:
    value: str = Client().get("/", **headers)["X-Request-ID"]
    return value


def _generated(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def test_request_id_from_the_client_is_replaced() -> None:
    """Without a proxy in front, X-Request-ID comes from the client, which could make its
    requests' audit events share another request's id: the server makes its own."""
    assert _generated(_request_id(HTTP_X_REQUEST_ID="abc-12345678"))
    assert _generated(_request_id())


@override_settings(HIMOYA_BEHIND_PROXY=True)
@pytest.mark.parametrize(
    "sent",
    [
        "<script>\r\nSet-Cookie: x",
        "abcdefgh\n",  # `$` in a pattern matches before a final newline
        "abcdefgh\r",
        "x" * 65,
        "short",
        "task:12345678",  # the form of a background task's id
        "abc def 12345",
        "ид-запроса-12345",
    ],
)
def test_request_id_from_the_proxy_is_replaced_unless_well_formed(sent: str) -> None:
    assert _generated(_request_id(HTTP_X_REQUEST_ID=sent))


@override_settings(HIMOYA_BEHIND_PROXY=True)
def test_request_id_from_the_proxy_reaches_the_audit_chain(org: Any) -> None:
    """The reverse proxy (trusted with HIMOYA_BEHIND_PROXY) sets the id of each request,
    so its access log and the audit events of the request carry the same one."""
    sent = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    client = Client()
    response = client.post(
        LOGIN, {"login": "nobody@example.org", "password": "wrong"}, HTTP_X_REQUEST_ID=sent
    )
    assert response["X-Request-ID"] == sent
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "auth.login_failed"
    assert event.request_id == sent
    client.post(
        LOGIN, {"login": "nobody@example.org", "password": "wrong"}, HTTP_X_REQUEST_ID=sent + "\n"
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and _generated(event.request_id)


def _assert_cookie(cookie: Any) -> None:
    assert cookie["secure"] is True, cookie.key
    assert cookie["httponly"] is True, cookie.key
    assert cookie["samesite"] == "Strict", cookie.key


def test_csrf_cookie_of_the_login_page() -> None:
    response = Client().get(LOGIN)
    _assert_cookie(response.cookies[settings.CSRF_COOKIE_NAME])


def test_session_cookie_after_a_real_login() -> None:
    """Password, then TOTP code, through allauth's own views."""
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN)
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    step1 = client.post(
        LOGIN, {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert step1.status_code == 302
    assert step1["Location"] == "/staff/accounts/2fa/authenticate/"
    _assert_cookie(step1.cookies[settings.SESSION_COOKIE_NAME])
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    step2 = client.post(
        "/staff/accounts/2fa/authenticate/",
        {"code": totp_now(user.totp_secret), "csrfmiddlewaretoken": token},
    )
    assert step2.status_code == 302, step2.content[:500]
    session_cookie = step2.cookies[settings.SESSION_COOKIE_NAME]
    _assert_cookie(session_cookie)
    assert session_cookie["max-age"] in ("", None) or int(session_cookie["max-age"]) <= 3600
    assert client.get("/staff/").status_code == 200


def test_language_cookie() -> None:
    response = Client().post("/i18n/setlang/", {"language": "kk", "next": "/"})
    assert response.status_code == 302
    _assert_cookie(response.cookies[settings.LANGUAGE_COOKIE_NAME])


# -- nothing from other hosts ------------------------------------------------------


class Resources(HTMLParser):
    """Collects every URL a page would load or send to, and what CSP would block."""

    URL_ATTRS = ("src", "href", "action", "formaction", "srcset", "poster", "data", "background")

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in self.URL_ATTRS:
                self.urls.extend(v.strip().split()[0] for v in value.split(",") if v.strip())
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=...>")
            if name == "style":
                self.inline.append(f"<{tag} style=...>")
        kind = (values.get("type") or "text/javascript").lower()
        executable = kind in ("module", "text/javascript", "application/javascript")
        if tag == "script" and not values.get("src") and executable:
            # A data block (type="application/json") is never run, so the CSP allows it.
            self._in_script = True
        if tag == "style":
            self.inline.append("<style> element")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("inline <script>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("", "data") and not url.startswith("//"):
        return False
    if parts.scheme in ("mailto", "tel"):
        return False
    return parts.hostname not in ("testserver", None) or url.startswith("//")


def _scan(label: str, response: Any) -> list[str]:
    if "text/html" not in response.get("Content-Type", ""):
        return []
    parser = Resources()
    parser.feed(response.content.decode())
    problems = [f"{label}: loads or links {url}" for url in parser.urls if _foreign(url)]
    problems += [f"{label}: {what} (blocked by the CSP)" for what in parser.inline]
    return problems


def test_no_page_uses_other_hosts_or_inline_code(coordinator: Any) -> None:
    """Every page a coordinator can open by GET (found by the URL walk, so new pages are
    included), the public pages and the login: no resource from another host and no
    inline script or style, which the CSP would block."""
    staff = make_client(coordinator)
    anonymous = Client()
    problems: list[str] = []
    scanned = 0
    for label, response in pages(coordinator):
        problems += _scan(label, response)
        scanned += 1
    for path in PUBLIC:
        problems += _scan(path, anonymous.get(path))
    for path in PROTECTED:
        if is_api(path) or path.startswith("/staff/accounts/logout/"):
            continue
        response = staff.get(path)
        if response.status_code == 200:
            scanned += 1
            problems += _scan(path, response)
    assert scanned > 10
    assert problems == [], "\n".join(problems)


def test_static_files_load_nothing_from_other_hosts() -> None:
    for name in ("himoya/himoya.css", "himoya/himoya.js", "vendor/htmx/htmx.min.js"):
        path = finders.find(name)
        assert path, name
        text = Path(path).read_text(encoding="utf-8")
        assert "@import" not in text, name
        for needle in ("url(http", "url(//", "url('http", 'url("http'):
            assert needle not in text, (name, needle)


def test_scanner_finds_what_it_looks_for() -> None:
    """The scan above would be worthless if it could not see a foreign resource."""

    class Fake:
        content = (
            b'<link href="https://cdn.example.com/x.css"><script src="//evil.example/x.js">'
            b'</script><a href="/staff/">ok</a><img src="data:image/png;base64,AA">'
            b'<button onclick="x()">b</button><div style="color:red"></div><script>1</script>'
            b'<script type="application/json">{"data": "not run"}</script>'
        )

        def get(self, key: str, default: str = "") -> str:
            return "text/html; charset=utf-8"

    problems = _scan("fake", Fake())
    assert len(problems) == 5, problems
