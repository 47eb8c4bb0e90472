"""How an API request proves who it is, and how fast it may go.

Two ways in, tried in this order:

* ``Authorization: Bearer <personal API token>``. When that header is present it is the
  only credential considered: a bad, revoked or expired token is a 401 even if the same
  request also carries a session cookie.
* the staff app's session, for htmx and scripts in the browser: the session must have
  completed two-factor authentication, unsafe methods pass Django's CSRF check (which
  also checks the Origin), and cross-site requests are refused.

Either way ``request.user`` becomes the authenticated staff member, the request is
counted against a per-token (or per-user) rate limit in the shared cache, and, unless
the client asked for a language, the staff member's interface language is used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from himoya.accounts.models import User
from himoya.api.models import ApiToken
from himoya.api.services import TokenRejected, token_authenticate
from himoya.core.twofactor import session_passed_mfa

DEFAULT_RATE_PER_MINUTE = 300


class NotAuthenticated(Exception):
    """401 with a message that says what is wrong with the credentials."""


class CsrfFailed(Exception):
    """403: a browser session's unsafe request without a valid CSRF token or origin."""


class Throttled(Exception):
    """429: the token (or session user) exceeded its rate."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Caller:
    """What ``request.auth`` holds after authentication."""

    user: User
    token: ApiToken | None

    @property
    def method(self) -> str:
        return "token" if self.token is not None else "session"


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value if scheme.lower() == "bearer" else None


def rate_per_minute() -> int:
    return int(getattr(settings, "HIMOYA_API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


def _throttle(key: str) -> None:
    """A fixed one-minute window per key in the shared (database) cache."""
    window = int(time.time() // 60)
    cache_key = f"himoya:api:rate:{key}:{window}"
    cache.add(cache_key, 0, timeout=120)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=120)
        count = 1
    if count > rate_per_minute():
        raise Throttled(retry_after=60 - int(time.time()) % 60)


def _use_language(request: HttpRequest, user: User) -> None:
    """The staff member's interface language, unless the request chose one."""
    if "HTTP_ACCEPT_LANGUAGE" in request.META:
        return
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    if user.language and user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


def _accept(request: HttpRequest, caller: Caller) -> Caller:
    request.user = caller.user
    _use_language(request, caller.user)
    _throttle(f"token:{caller.token.pk}" if caller.token else f"user:{caller.user.pk}")
    return caller


class TokenAuth(AuthBase):
    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_bearerFormat = "hmy_…"  # noqa: N815 (the OpenAPI field's own spelling)
    openapi_description = "A personal API token issued at /staff/api-tokens/."

    def __call__(self, request: HttpRequest) -> Caller | None:
        raw = _bearer(request)
        if raw is None:
            return None
        try:
            token = token_authenticate(raw)
        except TokenRejected as exc:
            raise NotAuthenticated(str(exc)) from None
        return _accept(request, Caller(user=token.user, token=token))


class SessionAuth(AuthBase):
    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The staff app's session after two-factor authentication; unsafe methods need "
        "the X-CSRFToken header."
    )

    def __call__(self, request: HttpRequest) -> Caller | None:
        if _bearer(request) is not None:
            return None  # the token decided, and it said no
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not session_passed_mfa(request):
            return None
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            raise CsrfFailed(_("Cross-site requests are not accepted."))
        if check_csrf(request) is not None:
            raise CsrfFailed(
                _("The CSRF check failed: send the X-CSRFToken header from this site's page.")
            )
        return _accept(request, Caller(user=user, token=None))


def authentication_failed_message() -> str:
    return _(
        "Authentication required: send “Authorization: Bearer <token>” with a personal API "
        "token, or use the staff app's session."
    )
