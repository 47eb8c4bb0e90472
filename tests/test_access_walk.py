"""Deny by default: every URL pattern of the project under /staff/ and /api/, found by
walking the URL configuration (so patterns added later are covered without editing this
file), is requested with GET and POST by an anonymous visitor, by a user without a TOTP
device and by a user whose session did not pass two-factor authentication."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.regex_helper import normalize

from himoya.core.twofactor import SESSION_FLAG
from tests.factories import UserFactory

# Values tried, in order, for each captured part of a pattern; the first combination the
# pattern's own regex accepts is used. A new converter that accepts none of them makes
# test_every_pattern_gets_a_concrete_path fail and name the pattern.
SAMPLES = [
    "1",
    "2",
    "abc",
    "a1b2",
    "a-b",
    "csv",
    "xlsx",
    "json",
    "auth",
    "accounts",
    "2024",
    "00000000-0000-0000-0000-000000000001",
    "a1b2-c3d4",
    "1/2",
    "about/",  # a public content page's path (Wagtail's pages)
]


@dataclass(frozen=True)
class Route:
    pattern: str  # the full regular expression, for messages
    path: str | None  # a concrete path that this pattern answers, or None


def _leaves(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        regex = entry.pattern.regex.pattern
        regex = regex[1:] if regex.startswith("^") else regex
        if isinstance(entry, URLResolver):
            found.extend(_leaves(entry, prefix + regex))
        else:
            found.append((prefix + regex, entry))
    return found


def _concrete(regex: str) -> str | None:
    full = re.compile(regex)
    for template, params in normalize(regex):
        for values in itertools.product(SAMPLES, repeat=len(params)):
            candidate = template % dict(zip(params, values, strict=True))
            if full.fullmatch(candidate) or full.match(candidate + "\n"):
                return "/" + candidate
    return None


def walk() -> list[Route]:
    routes: dict[str, Route] = {}
    for regex, _pattern in _leaves(get_resolver()):
        route = Route(regex, _concrete(regex))
        routes.setdefault(route.path or regex, route)
    return list(routes.values())


ROUTES = walk()
PREFIXES: tuple[str, ...] = settings.HIMOYA_STAFF_PREFIXES


def _starts(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path.startswith(p) for p in prefixes)


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def is_public(path: str) -> bool:
    return _starts(path, settings.HIMOYA_PUBLIC_STAFF_PATHS) or (
        is_api(path) and _starts(path, settings.HIMOYA_API_PUBLIC_PATHS)
    )


# Besides every pattern: paths that match no pattern must not tell anything either.
UNKNOWN = ["/staff/no-such-page/", "/staff/people/999999/", "/api/v1/no-such-thing"]
STAFF_PATHS = sorted(
    {r.path for r in ROUTES if r.path and _starts(r.path, PREFIXES)} | set(UNKNOWN)
)
PROTECTED = [p for p in STAFF_PATHS if not is_public(p)]
PUBLIC = [p for p in STAFF_PATHS if is_public(p)]
MFA_SETUP = [p for p in PROTECTED if _starts(p, settings.HIMOYA_MFA_SETUP_PATHS)]
LOGIN = "/staff/accounts/login/"


def test_every_pattern_gets_a_concrete_path() -> None:
    missing = [r.pattern for r in ROUTES if r.path is None]
    assert missing == [], f"add a value to SAMPLES that these patterns accept: {missing}"
    for path in STAFF_PATHS:
        if path not in UNKNOWN:
            resolve(path)  # raises Resolver404 if the walk built a path nothing answers


def test_walk_sees_the_whole_project() -> None:
    """The walk is not a hand-kept list: it finds the admin, allauth, staff pages and
    everything else the URL configuration includes."""
    for expected in ("/staff/people/1/", "/staff/admin/", LOGIN, "/staff/accounts/2fa/"):
        assert expected in STAFF_PATHS
    assert len(PROTECTED) > 60
    if any(r.pattern.startswith("api/") for r in ROUTES):
        assert any(is_api(p) for p in PROTECTED)


def _login_next(response: Any) -> str | None:
    """The page a redirect to the login would come back to, or None if the response is
    not a redirect to the login."""
    if response.status_code != 302:
        return None
    location = urlsplit(response["Location"])
    if location.path != LOGIN:
        return None
    return parse_qs(location.query).get("next", [""])[0]


def _walk(check: Any, paths: list[str]) -> None:
    """Runs ``check(method, path)`` for every path with GET and POST; collects every
    failure so one run names all the paths that let a request through."""
    failures = []
    for path in paths:
        for method in ("get", "post"):
            problem = check(method, path)
            if problem:
                failures.append(f"{method.upper()} {path}: {problem}")
    assert failures == [], "\n".join(failures)


def _describe(response: Any) -> str:
    return f"{response.status_code} {response.get('Location', '')}".strip()


@pytest.mark.django_db
def test_anonymous_is_denied() -> None:
    client = Client()

    def check(method: str, path: str) -> str | None:
        response = getattr(client, method)(path)
        if is_api(path):
            if response.status_code != 401 or response.json() != {
                "detail": "authentication required"
            }:
                return f"expected 401, got {_describe(response)}"
        elif _login_next(response) != path:
            return f"expected a redirect to the login, got {_describe(response)}"
        return None

    _walk(check, PROTECTED)


@pytest.mark.django_db
def test_api_refuses_a_bogus_bearer_token() -> None:
    """A Bearer header gets past the staff middleware to the API's own authentication,
    which must refuse a token it did not issue."""
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-real-token")

    def check(method: str, path: str) -> str | None:
        response = getattr(client, method)(path)
        # 405 (a method the path does not have) and 404 say nothing about any record.
        if response.status_code not in (401, 404, 405):
            return f"expected 401, got {_describe(response)}"
        return None

    _walk(check, [p for p in PROTECTED if is_api(p)])


def logged_in(user: Any) -> Callable[[], Client]:
    """Clients whose session is the one ``force_login`` made for ``user`` (password only,
    no 2FA flag). Each gets its own copy, because a refused request may end the session;
    copying the session row is much cheaper than logging in again for every request."""
    template = Client()
    template.force_login(user)
    data = dict(template.session.items())
    assert SESSION_FLAG not in data
    store_class = import_module(settings.SESSION_ENGINE).SessionStore

    def make() -> Client:
        store = store_class()
        store.update(data)
        store.create()
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
        return client

    return make


@pytest.mark.django_db
def test_user_without_totp_device_only_reaches_2fa_setup() -> None:
    new_client = logged_in(UserFactory(totp=False))
    activate = reverse("mfa_activate_totp")

    def check(method: str, path: str) -> str | None:
        client = new_client()
        response = getattr(client, method)(path)
        if path in MFA_SETUP:
            if response.status_code >= 500 or _login_next(response) is not None:
                return f"the 2FA setup page was not served: {_describe(response)}"
        elif is_api(path):
            if response.status_code != 403 or response.json() != {
                "detail": "two-factor authentication required"
            }:
                return f"expected 403, got {_describe(response)}"
        elif response.status_code != 302 or response["Location"] != activate:
            return f"expected a redirect to TOTP activation, got {_describe(response)}"
        return None

    _walk(check, PROTECTED)


@pytest.mark.django_db
def test_session_that_did_not_pass_2fa_is_never_served() -> None:
    new_client = logged_in(UserFactory())  # has a device; password only in this session

    def check(method: str, path: str) -> str | None:
        client = new_client()
        response = getattr(client, method)(path)
        if is_api(path):
            if response.status_code != 403:
                return f"expected 403, got {_describe(response)}"
        elif _login_next(response) != path:
            return f"expected a redirect to the login, got {_describe(response)}"
        elif "_auth_user_id" in client.session:
            return "the half-authenticated session was not ended"
        return None

    _walk(check, PROTECTED)


@pytest.mark.django_db
def test_user_without_device_is_served_the_totp_setup_page() -> None:
    """After a real password login, a user without a device lands on TOTP activation and
    the page with its form is served."""
    from tests.factories import PASSWORD

    user = UserFactory(totp=False)
    client = Client()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, follow=True)
    chain = [url for url, _status in response.redirect_chain]
    assert reverse("mfa_activate_totp") in chain
    # allauth may ask for the password again before a device is added: both pages are
    # part of the setup and are served.
    assert response.status_code == 200
    assert _starts(response.request["PATH_INFO"], settings.HIMOYA_MFA_SETUP_PATHS)
    assert b"<form" in response.content
    assert client.get("/staff/")["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_redirect_to_login_keeps_the_whole_next_url() -> None:
    response = Client().get("/staff/people/", {"page": "2", "q": "Әсел & Co"})
    assert _login_next(response) == "/staff/people/?page=2&q=%D3%98%D1%81%D0%B5%D0%BB+%26+Co"


# -- the allow-list ------------------------------------------------------------------


def test_allow_list_is_the_reviewed_one() -> None:
    """Anything added here opens pages to the internet: it needs a security review and a
    matching change of this test."""
    assert settings.HIMOYA_PUBLIC_STAFF_PATHS == (
        "/staff/accounts/login/",
        "/staff/accounts/password/reset/",
        "/staff/accounts/2fa/authenticate/",
        "/staff/accounts/inactive/",
        "/staff/accounts/logout/",
        "/staff/invite/",
    )
    assert settings.HIMOYA_API_PUBLIC_PATHS == ()
    assert settings.HIMOYA_MFA_SETUP_PATHS == (
        "/staff/accounts/2fa/",
        "/staff/accounts/logout/",
        "/staff/accounts/reauthenticate/",
    )
    assert settings.HIMOYA_STAFF_PREFIXES == ("/staff/", "/api/")
    allowed = settings.HIMOYA_PUBLIC_STAFF_PATHS
    assert PUBLIC and all(_starts(p, allowed + settings.HIMOYA_API_PUBLIC_PATHS) for p in PUBLIC)


@pytest.mark.django_db
def test_public_paths_answer_without_login() -> None:
    client = Client()

    def check(method: str, path: str) -> str | None:
        response = getattr(client, method)(path)
        if response.status_code >= 500 or response.status_code == 401:
            return f"got {_describe(response)}"
        # A public page may send the visitor to the login (a 2FA step with no login
        # pending does), but never as a page that needs the login first.
        if _login_next(response) == path:
            return "treated as protected"
        return None

    _walk(check, PUBLIC)


@pytest.mark.django_db
def test_public_pages_are_what_they_claim() -> None:
    client = Client()
    login = client.get(LOGIN)
    assert login.status_code == 200 and b'type="password"' in login.content
    assert client.get("/staff/accounts/password/reset/").status_code == 200
    invalid = client.get("/staff/invite/MQ/not-a-token/")
    assert invalid.status_code == 400
    if any(p.startswith("/api/v1/openapi.json") for p in PUBLIC):
        schema = client.get("/api/v1/openapi.json")
        assert schema.status_code == 200 and "openapi" in schema.json()


@pytest.mark.django_db
def test_deactivated_user_with_2fa_session_is_refused() -> None:
    from tests.conftest import make_client

    user = UserFactory()
    client = make_client(user)
    assert client.get("/staff/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
