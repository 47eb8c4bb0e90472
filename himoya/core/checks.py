"""System checks: the key ring and index key parse, production is locked down."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from himoya.core import crypto


@checks.register(checks.Tags.security)
def check_keys(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    try:
        crypto.keyring()
    except crypto.KeyRingError as exc:
        errors.append(checks.Error(str(exc), id="himoya.E001"))
    try:
        crypto.index_key()
    except crypto.KeyRingError as exc:
        errors.append(checks.Error(str(exc), id="himoya.E002"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_production(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    problems: list[checks.CheckMessage] = []
    if settings.DEBUG:
        problems.append(checks.Error("HIMOYA_DEBUG must be off in production", id="himoya.E010"))
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        problems.append(checks.Warning("production e-mail is not sent over SMTP", id="himoya.W012"))
    return problems
