"""System checks: the key ring and index key parse, production is locked down."""

from __future__ import annotations

from pathlib import Path
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


@checks.register(checks.Tags.security, deploy=True)
def check_private_folders(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """var/ and the media folder are created private; one made by hand may not be."""
    problems: list[checks.CheckMessage] = []
    for folder in {Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT)}:
        if folder.is_dir() and folder.stat().st_mode & 0o066:
            problems.append(
                checks.Warning(
                    f"{folder} can be read or written by other users "
                    f"(mode {folder.stat().st_mode & 0o777:o}); make it 0700 (0711 for "
                    "var/ with the embedded PostgreSQL as root)",
                    id="himoya.W013",
                )
            )
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_proxy(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Behind a proxy with no trusted hop, every client would be the proxy: the login
    throttle would lock all staff out together and the audit would record one address."""
    if settings.HIMOYA_BEHIND_PROXY and settings.HIMOYA_TRUSTED_PROXY_COUNT < 1:
        return [
            checks.Warning(
                "HIMOYA_BEHIND_PROXY is on but HIMOYA_TRUSTED_PROXY_COUNT is 0",
                hint="Set HIMOYA_TRUSTED_PROXY_COUNT to the number of proxies in front "
                "of Himoya that append to X-Forwarded-For (usually 1).",
                id="himoya.W014",
            )
        ]
    return []


@checks.register(checks.Tags.security, checks.Tags.database, deploy=True)
def check_database_role(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """The application's role must not be able to rewrite the audit log
    (himoya/core/db_roles.py). Runs with ``check --deploy --database default``."""
    if not databases or "default" not in databases:
        return []
    from django.db import connections

    from himoya.core.db_roles import runtime_role_problems

    hint = (
        "run the application as a role that does not own the tables (DATABASE_URL) and "
        "migrate as the owner (HIMOYA_MIGRATE_DATABASE_URL); `himoya db-roles --print-sql`"
    )
    return [
        checks.Warning(problem, hint=hint, id="himoya.W020")
        for problem in runtime_role_problems(connections["default"])
    ]
