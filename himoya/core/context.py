"""Per-request facts the audit log records (request id, client IP), set by middleware.

Behind the reverse proxy every connection comes from the proxy, so the client is the
address the first trusted proxy appended to X-Forwarded-For
(``HIMOYA_TRUSTED_PROXY_COUNT`` hops from the right; anything further left was sent by
the browser and is not believed). The login throttle counts the same address.
"""

from __future__ import annotations

import contextvars
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestFacts:
    request_id: str = ""
    ip: str | None = None


_facts: contextvars.ContextVar[RequestFacts] = contextvars.ContextVar(
    "himoya_request_facts",
    default=RequestFacts(),  # noqa: B039  (frozen, immutable)
)


def current() -> RequestFacts:
    return _facts.get()


def bind(facts: RequestFacts) -> contextvars.Token[RequestFacts]:
    return _facts.set(facts)


def reset(token: contextvars.Token[RequestFacts]) -> None:
    _facts.reset(token)


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def trusted_proxy_count() -> int:
    if not getattr(settings, "HIMOYA_BEHIND_PROXY", False):
        return 0
    return int(getattr(settings, "HIMOYA_TRUSTED_PROXY_COUNT", 0))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the hop the first
    of them saw. A request with fewer hops than trusted proxies did not come through
    them all, so its own connection's address is the one to trust."""
    count = trusted_proxy_count()
    if count:
        hops = request.headers.get("X-Forwarded-For", "").split(",")
        if len(hops) >= count:
            forwarded = _address(hops[-count])
            if forwarded:
                return forwarded
    return _address(request.META.get("REMOTE_ADDR"))
