"""Request context, deny-by-default access to staff URLs, and security headers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from himoya.core import context
from himoya.core.env import is_loopback_host
from himoya.core.twofactor import has_mfa_device, session_passed_mfa

# The whole value (fullmatch: ``$`` would let a final newline through).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

Handler = Callable[[HttpRequest], HttpResponse]


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and binds it for the audit log.

    The id is the server's own unless a trusted reverse proxy (``HIMOYA_BEHIND_PROXY``)
    set it, so that the proxy's access log and the audit events share it; a client's
    X-Request-ID would let it give its events another request's id. The proxy must
    overwrite the header (nginx: ``proxy_set_header X-Request-ID $request_id;``); a value
    that is not 8 to 64 letters, digits, dots, dashes or underscores is replaced."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        behind_proxy = getattr(settings, "HIMOYA_BEHIND_PROXY", False)
        # A client's own id only from our proxy: otherwise a client could give its events
        # another request's id.
        incoming = request.headers.get("X-Request-ID", "") if behind_proxy else ""
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # The same address the login throttle counts (the trusted proxy's hop).
        ip = context.client_ip(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.bind(context.RequestFacts(request_id=request_id, ip=ip))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class LoopbackDebugMiddleware:
    """With DEBUG on, answers only clients on this machine: a debug page shows source,
    settings and local variables. The settings refuse DEBUG with public host names and
    runserver refuses a public address; this holds whatever address a server was bound
    to. (Behind a proxy every client would look local, so DEBUG refuses the proxy
    setting at start-up.)"""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG and not is_loopback_host(request.META.get("REMOTE_ADDR") or ""):
            return HttpResponseForbidden(
                _("This server runs in debug mode and answers only this computer."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _starts(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path.startswith(prefix) for prefix in prefixes)


class StaffAccessMiddleware:
    """Deny by default: everything under /staff/ and /api/ needs a logged-in user who
    completed two-factor authentication in this session, except a short allow-list
    (login, password reset, the 2FA challenge, invitations). A user without a TOTP
    device is sent to set one up and can reach nothing else.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not _starts(path, settings.HIMOYA_STAFF_PREFIXES):
            return self.get_response(request)
        is_api = path.startswith("/api/")
        if _starts(path, settings.HIMOYA_PUBLIC_STAFF_PATHS) or (
            is_api and _starts(path, settings.HIMOYA_API_PUBLIC_PATHS)
        ):
            return self.get_response(request)
        if is_api and request.headers.get("Authorization", "").startswith("Bearer "):
            # API tokens are checked by the API's own authentication; a token can only be
            # issued by a user who completed 2FA, and the API refuses anything without one.
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or not user.is_active:
            if is_api:
                return JsonResponse({"detail": "authentication required"}, status=401)
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        if session_passed_mfa(request):
            return self.get_response(request)
        if not has_mfa_device(user):
            if _starts(path, settings.HIMOYA_MFA_SETUP_PATHS):
                return self.get_response(request)
            if is_api:
                return JsonResponse({"detail": "two-factor authentication required"}, status=403)
            return redirect("mfa_activate_totp")
        # A device exists but this session never passed it: start again from the login.
        if is_api:
            return JsonResponse({"detail": "two-factor authentication required"}, status=403)
        logout(request)
        return redirect_to_login(request.get_full_path(), reverse("account_login"))


class SecurityHeadersMiddleware:
    """Headers that Django's own settings do not cover; no-store on staff and API pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        if _starts(request.path_info, settings.HIMOYA_STAFF_PREFIXES):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
