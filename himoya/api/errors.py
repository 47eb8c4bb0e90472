"""Every error as JSON with a message in the caller's language.

* services' ``ValidationError`` (and malformed input) -> 422 ``{"detail", "errors":
  {field: [messages]}}``;
* ``ConcurrentEdit`` -> 409, naming who changed the case and when;
* a stored value of the record that does not open (``DecryptionError``: moved, altered,
  or under a key the server lacks) -> 409 ``{"code": "damaged"}`` with the sentence the
  staff pages show, audited as ``crypto.damaged``; a damaged name of a person the
  response only mentions is marked in place (``PersonBrief.damaged``) instead;
* ``PermissionDenied`` -> 403, ``Http404`` -> 404 (missing and forbidden alike);
* bad or missing credentials -> 401, too many requests -> 429;
* an endpoint's own refusal (``common.Refused``: a letter's files not ready, 409; an
  upload over the limit, 413) -> its status with ``{"detail", "code"}``.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticError

from himoya.api.auth import (
    Caller,
    CsrfFailed,
    NotAuthenticated,
    Throttled,
    authentication_failed_message,
)
from himoya.api.common import Refused, RoleForbids, SearchInUrl
from himoya.cases.services import ConcurrentEdit
from himoya.core import damage
from himoya.core.crypto import DecryptionError
from himoya.core.damage import DamagedValue

_POLICY_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _json(api: NinjaAPI, request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
    return api.create_response(request, body, status=status)


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _input_message(error: dict[str, Any]) -> str:
    """Pydantic's messages are English only; the common kinds get ours."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a valid date as YYYY-MM-DD.")
    if kind.startswith("int"):
        return _("Enter a whole number.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind == "string_too_long":
        return _("Too long: at most %(max)s characters.") % {"max": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return _("This field cannot be empty.")
    if kind == "string_pattern_mismatch":
        return _("The value has the wrong format.")
    if kind in ("literal_error", "enum"):
        return _("Unknown value “%(value)s”.") % {"value": error.get("input", "")}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("The number is out of range.")
    if kind == "null_character":
        return _("Null characters are not allowed.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("The request body is not the expected JSON object.")
    return str(error.get("msg", _("Invalid value.")))


def input_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "victim", "full_name") -> "victim.full_name";
        # ("query", "limit") -> "limit"
        if loc and loc[0] == "body":
            loc = loc[2:] if len(loc) > 2 else loc[1:]
        elif loc:
            loc = loc[1:]
        errors.setdefault(".".join(loc) or "__all__", []).append(_input_message(error))
    return errors


def install(api: NinjaAPI) -> None:
    def on_concurrent_edit(request: HttpRequest, exc: ConcurrentEdit) -> HttpResponse:
        case = exc.case
        body = {
            "detail": str(exc.messages[0]),
            "code": "concurrent_edit",
            "current_version": case.version,
            "changed_by": str(case.updated_by) if case.updated_by else _("someone"),
            "changed_at": timezone.localtime(case.updated_at).isoformat(),
        }
        return _json(api, request, body, 409)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = {
            "detail": _("The request has errors; see the messages per field."),
            "code": "invalid",
            "errors": validation_errors(exc),
        }
        return _json(api, request, body, 422)

    def on_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        body = {
            "detail": _("The request has errors; see the messages per field."),
            "code": "invalid",
            "errors": input_errors(exc),
        }
        return _json(api, request, body, 422)

    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        body = {"detail": _("Your role does not allow this."), "code": "forbidden"}
        if isinstance(exc, RoleForbids):
            body["detail"] = str(exc)
        elif exc.args and _POLICY_NAME.match(str(exc.args[0])):
            body["action"] = str(exc.args[0])  # e.g. "case.manage": which rule said no
        return _json(api, request, body, 403)

    def on_csrf(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
        return _json(api, request, {"detail": str(exc), "code": "csrf"}, 403)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _json(api, request, {"detail": _("Not found."), "code": "not_found"}, 404)

    def on_unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc) if isinstance(exc, NotAuthenticated) else authentication_failed_message()
        response = _json(api, request, {"detail": message, "code": "not_authenticated"}, 401)
        response["WWW-Authenticate"] = 'Bearer realm="himoya"'
        return response

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        body = {
            "detail": _("Too many requests; try again in %(seconds)d seconds.")
            % {"seconds": exc.retry_after},
            "code": "throttled",
        }
        response = _json(api, request, body, 429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            body = {
                "detail": _("The request body could not be read as JSON."),
                "code": "bad_request",
            }
        else:
            body = {"detail": str(exc), "code": "error"}
        return _json(api, request, body, exc.status_code)

    def on_search_in_url(request: HttpRequest, exc: SearchInUrl) -> HttpResponse:
        body = {
            "detail": _(
                "Search words are not taken in a URL, where access logs and browser "
                "history keep them: send them in the body of POST %(path)s."
            )
            % {"path": exc.path},
            "code": "search_in_url",
        }
        return _json(api, request, body, 400)

    def on_refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        return _json(api, request, {"detail": exc.detail, "code": exc.code}, exc.status)

    def on_damaged(request: HttpRequest, exc: DecryptionError) -> HttpResponse:
        # Not a server error: the request was right and the server works; the stored
        # record is what cannot be read (a database writer moved or altered it).
        auth = getattr(request, "auth", None)
        damage.report(auth.user if isinstance(auth, Caller) else None, exc)
        return _json(api, request, {"detail": str(damage.DAMAGED), "code": "damaged"}, 409)

    def on_response_invalid(request: HttpRequest, exc: PydanticError) -> HttpResponse:
        # A response schema read an attribute that raised: pydantic keeps only its
        # message. A damaged value is answered as above; anything else stays a bug (500).
        damaged = damage.latest_damaged()
        if damaged is not None and any(
            e["type"] == "get_attribute_error"
            and str(e.get("ctx", {}).get("error", "")).startswith(f"{DamagedValue.__name__}:")
            for e in exc.errors()
        ):
            return on_damaged(request, damaged)
        raise exc

    api.add_exception_handler(DecryptionError, on_damaged)  # type: ignore[arg-type]
    api.add_exception_handler(PydanticError, on_response_invalid)  # type: ignore[arg-type]
    api.add_exception_handler(SearchInUrl, on_search_in_url)  # type: ignore[arg-type]
    api.add_exception_handler(Refused, on_refused)  # type: ignore[arg-type]
    api.add_exception_handler(ConcurrentEdit, on_concurrent_edit)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, on_validation)  # type: ignore[arg-type]
    api.add_exception_handler(NinjaValidationError, on_input)  # type: ignore[arg-type]
    api.add_exception_handler(PermissionDenied, on_denied)  # type: ignore[arg-type]
    api.add_exception_handler(CsrfFailed, on_csrf)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, on_not_found)  # type: ignore[arg-type]
    api.add_exception_handler(NotAuthenticated, on_unauthenticated)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(Throttled, on_throttled)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, on_http_error)  # type: ignore[arg-type]
