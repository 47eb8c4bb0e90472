"""Fictional demo data. Every name here is invented.

Each Himoya app may have a ``demo`` module with ``load(ctx: DemoContext)``; they run in
INSTALLED_APPS order inside one transaction, and each must be idempotent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from himoya.core.policies import SystemActor

DEMO_EMAIL_DOMAIN = "demo.himoya.invalid"
DEMO_PASSWORD = "himoya-demo-2026"  # noqa: S105  (printed on purpose: demo only)


@dataclass
class DemoContext:
    actor: SystemActor
    objects: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


@dataclass
class DemoSummary:
    logins: list[tuple[str, str, str]]
    lines: list[str]

    def render(self) -> str:
        out = ["", "Himoya demo data is loaded (all of it fictional).", ""]
        out.append(f"Every demo account's password: {DEMO_PASSWORD}")
        out.append("")
        out.append(f"{'e-mail':44} {'role':14} organisation")
        for email, role, org in self.logins:
            out.append(f"{email:44} {role:14} {org}")
        out.append("")
        out.append("Two-factor authentication: every demo account already has a TOTP device.")
        out.append("After the password, enter the current code, printed by:")
        out.append("    .venv/bin/himoya totp-code <e-mail>")
        out.append("or add the account's secret to an authenticator app:")
        out.append("    .venv/bin/himoya totp-code --secret <e-mail>")
        out.extend(self.lines)
        return "\n".join(out)


def demo_totp_secret(email: str) -> str:
    """Stable per instance (derived from the secret key), different between instances."""
    mac = hmac.new(str(settings.SECRET_KEY).encode(), b"demo-totp:" + email.encode(), hashlib.sha1)
    return base64.b32encode(mac.digest()).decode()


def totp_now(secret: str, at: float | None = None) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(at if at is not None else time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter))


def current_totp_code(email: str) -> str | None:
    from allauth.mfa.models import Authenticator

    from himoya.accounts.models import User

    user = User.objects.filter(email=email).first()
    if (
        user is None
        or not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        return None
    return totp_now(demo_totp_secret(email))


def load_demo(only: Collection[str] | None = None) -> DemoSummary:
    """All apps' demo data, or only that of the apps named in ``only`` (e.g.
    ``{"accounts", "cases"}``, still in INSTALLED_APPS order): a test that needs one
    corner of the demo need not wait for the rest."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("demo data is never loaded in production")
    ctx = DemoContext(actor=SystemActor("cli:demo"))
    with transaction.atomic():
        for config in apps.get_app_configs():
            if not config.name.startswith("himoya."):
                continue
            if only is not None and config.name.removeprefix("himoya.") not in only:
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.load(ctx)
    logins = ctx.objects.get("logins", [])
    return DemoSummary(logins=logins, lines=ctx.lines)
