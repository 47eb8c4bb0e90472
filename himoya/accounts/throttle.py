"""Login throttling: how long a refused client has to wait.

Clients are counted by ``himoya.core.context.client_ip``, the address the trusted
proxy saw, which the audit log records too.

The waiting time reads allauth's own rate-limit history (``allauth.core.internal``,
django-allauth 65): how long until the hit that fills an exceeded rate expires.
"""

from __future__ import annotations

import math
import time
from typing import Any

from allauth.core.internal.ratelimit import consume, get_cache_key, get_rates
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

_APP = "allauth.account"
# The allauth pages that answer 429, and the rate-limit action each consumes.
_ACTIONS = {
    "account_login": "login",
    "account_change_password": "change_password",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_reauthenticate": "reauthenticate",
}


def wait_seconds(
    request: HttpRequest,
    *,
    limited: str,
    key: str | None = None,
    config: dict[str, str] | None = None,
) -> int:
    """Seconds until allauth's rate-limited action ``limited`` (e.g. "login_failed") is
    allowed again for this request (0: it is now). ``config``: rates of our own
    (``{action: rates}``), counted by the same machinery (the public help form's)."""
    now = time.time()
    wait = 0.0
    user = request.user if getattr(request, "user", None) else None
    for rate in get_rates(app=_APP, action=limited, config=config):
        if (rate.per == "key" and key is None) or (
            rate.per == "user" and not (user and user.is_authenticated)
        ):
            continue
        cache_key = get_cache_key(request, app=_APP, action=limited, rate=rate, key=key)
        hits = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
        if len(hits) >= rate.amount:
            hits.sort(reverse=True)
            wait = max(wait, hits[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def login_wait_message(seconds: int) -> str:
    count = minutes(seconds)
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        count,
    ) % {"minutes": count}


def too_many_requests(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The 429 page of allauth's rate limits (``handler429`` in the root URLconf)."""
    match = getattr(request, "resolver_match", None)
    action = _ACTIONS.get(match.url_name or "") if match else None
    seconds = wait_seconds(request, limited=action) if action else 0
    context = {"wait_minutes": minutes(seconds) if seconds else None}
    return render(request, "429.html", context, status=429)


def consume_keyed(request: HttpRequest, *, action: str, rates: str, key: str) -> int:
    """Counts one hit of ``action`` for ``key`` against ``rates`` (allauth's syntax, per
    key); 0 when allowed, else the seconds to wait. The key is hashed before it reaches
    the cache (allauth hashes keyed rates), so the cache holds no address."""
    config = {action: rates}
    if consume(request, app=_APP, action=action, config=config, key=key):
        return 0
    return max(1, wait_seconds(request, limited=action, key=key, config=config))
