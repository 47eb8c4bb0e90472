"""Issuing, revoking and checking personal API tokens.

A token reads ``hmy_<prefix><secret>``: an 8-character prefix that finds the row and
names the token in lists, then 43 characters of secret (256 random bits). Only the
SHA-256 of the whole token is stored; with that much entropy a plain digest cannot be
reversed, and unlike a keyed HMAC it survives a rotation of the instance's keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import User
from himoya.api.models import ApiToken
from himoya.core.audit import audit_record
from himoya.core.policies import SystemActor, require
from himoya.core.twofactor import has_mfa_device

TOKEN_MARK = "hmy_"  # noqa: S105 (the marker every token starts with, not a secret)
PREFIX_LENGTH = 8
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
LIFETIME_DAYS = (7, 30, 90, 180, 365)
DEFAULT_LIFETIME_DAYS = 90
MAX_ACTIVE_TOKENS = 20
# last_used_at is bookkeeping, not an audit record: write it at most once a minute.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the full token, shown to its owner once and never stored


def token_issue(
    *, actor: Any, name: str, lifetime_days: int = DEFAULT_LIFETIME_DAYS
) -> IssuedToken:
    """Issues a token for ``actor`` itself. Every token expires (a year at most)."""
    require(actor, "api_token.issue")
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the token, e.g. after the computer or script that uses it.")]
    elif len(name) > 100:
        errors["name"] = [_("The name is too long (at most 100 characters).")]
    if lifetime_days not in LIFETIME_DAYS:
        errors["lifetime_days"] = [_("Choose one of the offered lifetimes.")]
    active = ApiToken.objects.filter(
        user=actor, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    if active >= MAX_ACTIVE_TOKENS:
        errors.setdefault("name", []).append(
            _("You have %(count)d active tokens; revoke one you no longer use first.")
            % {"count": active}
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        while True:
            prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _i in range(PREFIX_LENGTH))
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        secret = f"{TOKEN_MARK}{prefix}{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=prefix,
            token_hash=token_digest(secret),
            created_at=now,
            expires_at=now + dt.timedelta(days=lifetime_days),
        )
        audit_record(
            actor=actor,
            action="api_token.issue",
            obj=token,
            data={"prefix": prefix, "expires_at": token.expires_at.isoformat()},
        )
    return IssuedToken(token=token, secret=secret)


def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    require(actor, "api_token.revoke", token)
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.revoked_by = actor if isinstance(actor, User) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            organisation=token.user.organisation,
            data={"prefix": token.prefix, "owner": token.user_id},
        )
    return token


# Why every token of an account was revoked (the audit event's "reason").
REVOKE_REASONS = ("deactivated", "reactivated", "password", "mfa_reset")
_REVOKER = SystemActor("system:credentials-changed")


def tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revokes every unrevoked token of ``user`` because the credentials they were
    issued under changed; returns how many. Called from the signals in
    ``himoya.api.signals`` whatever path made the change (staff pages, allauth, the
    admin site, a shell), so it is recorded under a system actor; the request id ties
    the event to the change that caused it."""
    if reason not in REVOKE_REASONS:
        raise ValueError(reason)
    with transaction.atomic():
        tokens = list(
            ApiToken.objects.select_for_update()
            .filter(user=user, revoked_at__isnull=True)
            .order_by("pk")
        )
        if not tokens:
            return 0
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=timezone.now())
        audit_record(
            actor=_REVOKER,
            action="api_token.revoke_all",
            obj=user,
            organisation=user.organisation,
            data={"reason": reason, "prefixes": [t.prefix for t in tokens]},
        )
    return len(tokens)


class TokenRejected(Exception):
    """The presented token does not authenticate; ``str(exc)`` says why, for the caller."""


def token_authenticate(raw: str) -> ApiToken:
    """The active token ``raw`` with its user loaded, or TokenRejected.

    Refused: unknown or malformed tokens, revoked or expired ones, and tokens whose
    owner was deactivated or no longer has two-factor authentication.
    """
    raw = raw.strip()
    prefix = raw[len(TOKEN_MARK) : len(TOKEN_MARK) + PREFIX_LENGTH]
    if not raw.startswith(TOKEN_MARK) or len(prefix) != PREFIX_LENGTH or len(raw) > 200:
        raise TokenRejected(_("The API token is not valid."))
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    # Compare digests in constant time even when no row matched.
    expected = token.token_hash if token else "0" * 64
    if not hmac.compare_digest(expected, token_digest(raw)) or token is None:
        raise TokenRejected(_("The API token is not valid."))
    if token.revoked_at is not None:
        raise TokenRejected(_("This API token was revoked. Issue a new one in the staff app."))
    now = timezone.now()
    if token.expires_at <= now:
        raise TokenRejected(_("This API token has expired. Issue a new one in the staff app."))
    if not token.user.is_active:
        raise TokenRejected(_("The staff account this API token belongs to is deactivated."))
    if not has_mfa_device(token.user):
        raise TokenRejected(
            _("The staff account this API token belongs to has no two-factor authentication.")
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
