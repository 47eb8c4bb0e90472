"""Per-request facts the audit log records (request id, client IP), set by middleware."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


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
