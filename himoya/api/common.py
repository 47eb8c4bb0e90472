"""Small helpers the endpoints share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from himoya.accounts.models import Role, User
from himoya.api.auth import Caller
from himoya.api.schemas import Page
from himoya.core.audit import audit_record

# Roles that see statistics, not identities: no case or person record reaches them.
NO_CASEWORK_ROLES = (Role.ANALYST, Role.ADMIN)


def caller(request: HttpRequest) -> Caller:
    auth = getattr(request, "auth", None)
    assert isinstance(auth, Caller), "the endpoint was reached without authentication"
    return auth


def current_user(request: HttpRequest) -> User:
    return caller(request).user


class RoleForbids(PermissionDenied):
    """A 403 whose message is meant for the caller (a service's PermissionDenied carries
    only the policy's name)."""


class SearchInUrl(Exception):
    """Search words in a query string: refused (400) before anything is read, pointing
    to the endpoint that takes them in the body (``path``)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class Refused(Exception):
    """A refusal an endpoint words itself, answered by ``api.errors`` as ``{"detail",
    "code"}`` with ``status`` (e.g. 409 ``not_ready``, 413 ``too_large``): raised, not
    returned as a ``(status, body)`` pair, which django-ninja deprecates."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def require_casework(user: User) -> None:
    """Collections of cases and persons: refused outright to roles that never see any
    (a single record answers 404 instead, through the access helpers)."""
    if user.organisation_id is None or user.role in NO_CASEWORK_ROLES:
        raise RoleForbids(_("Your role gives access to statistics, not to case records."))


def page(qs: QuerySet[Any], *, limit: int, offset: int) -> Page:
    return Page(
        total=qs.count(), limit=limit, offset=offset, items=list(qs[offset : offset + limit])
    )


def audit_list(user: User, action: str, rows: Sequence[Model], total: int) -> None:
    """A page of protected records read through the API is one audit event listing the
    ids it returned (ids only, never names)."""
    audit_record(
        actor=user,
        action=action,
        data={"via": "api", "ids": [row.pk for row in rows], "total": total},
    )


def created(body: Any) -> Any:
    """A 201 response whose body the operation's 201 schema reads (ninja ≥ 1.6 spells
    it ``Status``; older ones take a tuple)."""
    try:
        from ninja import Status  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # pragma: no cover - django-ninja < 1.6
        return 201, body
    return Status(201, body)
