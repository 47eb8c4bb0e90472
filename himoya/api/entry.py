"""The API's front door: /api/v1/ lists the entry points, and the schema and the docs page
are shown only to a caller the API itself would accept.

The staff-access middleware lets any request with ``Authorization: Bearer`` through to the
API, which checks the token; ninja serves the schema and the docs outside its operations,
so without this check a made-up token would open them. They describe every route and field
of the case register, which is for the organisations' staff, not for the internet.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja.errors import AuthenticationError

from himoya.api.auth import CsrfFailed, NotAuthenticated, SessionAuth, Throttled, TokenAuth

View = Callable[..., HttpResponse]


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """None when the request carries a valid token or a signed-in 2FA session, else the
    API's own JSON answer (401, 403 or 429) saying why not."""
    from himoya.api.api import api  # the API module imports this one for its decorator

    try:
        if TokenAuth()(request) is None and SessionAuth()(request) is None:
            raise AuthenticationError()
    except (AuthenticationError, NotAuthenticated, CsrfFailed, Throttled) as exc:
        return api.on_exception(request, exc)
    return None


def require_caller(view: View) -> View:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _refusal(request) or view(request, *args, **kwargs)

    return guarded


@require_caller
def root(request: HttpRequest) -> JsonResponse:
    """What a client needs to start: where the schema and docs are and every operation."""
    from himoya.api.api import api

    schema = api.get_openapi_schema()
    entry_points = [
        {
            "method": method.upper(),
            "path": path,
            "summary": str(operation.get("summary", "")),
        }
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]
    body = {
        "name": api.title,
        "version": api.version,
        "openapi": reverse("api-v1:openapi-json"),
        "docs": reverse("api-v1:openapi-view"),
        "entry_points": entry_points,
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
