"""What error pages (DEBUG) and error e-mails may show.

Django's default filter hides settings whose names look secret and marks variables the
code names as sensitive. Here the encryption code is sensitive as a whole: its frames
hold data keys, plaintext and ciphertext; elsewhere a local variable may hold a stored
token (``hm1:...``, ``hm2:...``) read from the database. Settings and the process environment (the
request's META under runserver) carry keys and the database address, so only a short
list of harmless settings and the request's own headers are shown.
"""

from __future__ import annotations

from types import FrameType
from typing import Any

from django.template.defaultfilters import pprint
from django.views.debug import SafeExceptionReporterFilter

from himoya.core.crypto import ROW_PREFIX, TOKEN_PREFIX

HIDDEN = SafeExceptionReporterFilter.cleansed_substitute
SENSITIVE_MODULES = (
    "himoya.core.crypto",
    "himoya.core.fields",
    "himoya.core.rebind",
    "himoya.core.storage",
)
SHOWN_SETTINGS = (
    "DEBUG",
    "HIMOYA_ENV",
    "INSTALLED_APPS",
    "LANGUAGE_CODE",
    "MIDDLEWARE",
    "ROOT_URLCONF",
    "TIME_ZONE",
    "USE_TZ",
)
SHOWN_META = {
    "CONTENT_LENGTH",
    "CONTENT_TYPE",
    "PATH_INFO",
    "REMOTE_ADDR",
    "REQUEST_METHOD",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
}
_TOKEN_MARKS = (f"{TOKEN_PREFIX}:", f"{ROW_PREFIX}:")


class SafeReporterFilter(SafeExceptionReporterFilter):
    def get_safe_settings(self) -> dict[str, Any]:
        safe = super().get_safe_settings()
        return {name: safe[name] for name in SHOWN_SETTINGS if name in safe}

    def get_safe_request_meta(self, request: Any) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        return {
            name: value if name.startswith("HTTP_") or name in SHOWN_META else HIDDEN
            for name, value in meta.items()
            if name.startswith("HTTP_") or name in SHOWN_META
        }

    def get_traceback_frame_variables(self, request: Any, tb_frame: FrameType) -> Any:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        module = tb_frame.f_globals.get("__name__", "")
        if module.startswith(SENSITIVE_MODULES):
            return [(name, HIDDEN) for name, _ in variables]
        return [(name, _without_tokens(value)) for name, value in variables]


def _without_tokens(value: Any) -> Any:
    # The page prints each value with pprint; a token anywhere in that text hides it.
    try:
        shown = pprint(value)
    except Exception:  # noqa: BLE001 - a broken repr must not break the error page
        return value
    return HIDDEN if any(mark in shown for mark in _TOKEN_MARKS) else value
