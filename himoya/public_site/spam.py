"""Spam protection of the public forms (help, self-help letters) without any
third-party service: a honeypot field, a signed time token (a form sent within seconds
of being shown, or hours later, is refused and shown again with a fresh token) and a
rate limit per client address.

The address is never stored: the limit counts a keyed hash of it (HMAC with the
secret key, then allauth's own hash), so the cache cannot be read back into addresses."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

from himoya.accounts.throttle import consume_keyed
from himoya.core.context import client_ip

_SALT = "himoya.public_site.help-time"
HONEYPOT = "website"
TIME_FIELD = "shown"
RATE_ACTION = "public_help_request"


def issue_time_token(now: float | None = None) -> str:
    return signing.dumps(round(time.time() if now is None else now, 3), salt=_SALT)


def time_token_problem(token: str, now: float | None = None) -> str:
    """ "" for a token in its window; "fast" or "stale" (a forged or broken token counts
    as stale: the visitor gets a fresh form either way)."""
    try:
        shown = float(signing.loads(token or "", salt=_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return "stale"
    elapsed = (time.time() if now is None else now) - shown
    if elapsed < settings.HIMOYA_HELP_MIN_SECONDS:
        return "fast"
    if elapsed > settings.HIMOYA_HELP_MAX_SECONDS:
        return "stale"
    return ""


def address_key(request: HttpRequest) -> str:
    address = client_ip(request) or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def rate_limited(request: HttpRequest, *, action: str = RATE_ACTION, rates: str = "") -> int:
    """Counts this submission of the form ``action`` (each form its own count); the
    seconds to wait when over ``rates`` (the help form's by default), else 0."""
    return consume_keyed(
        request,
        action=action,
        rates=rates or settings.HIMOYA_HELP_RATE_LIMIT,
        key=address_key(request),
    )
