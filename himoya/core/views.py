"""Helpers every app's staff pages share."""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest

from himoya.accounts.models import Organisation, User

PAGE_SIZE = 50


def staff_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def staff_organisation(request: HttpRequest) -> Organisation:
    """The user's organisation; a user without one (an instance administrator) gets 404."""
    org = staff_user(request).organisation
    if org is None:
        raise Http404
    return org


def querystring(request: HttpRequest, *, drop: tuple[str, ...] = ("page",), **extra: str) -> str:
    """The page's query string without ``drop`` and with ``extra``, for links that keep
    the user's filters."""
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    for name, value in extra.items():
        params[name] = value
    return params.urlencode()
