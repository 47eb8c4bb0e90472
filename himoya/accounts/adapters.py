from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from himoya.accounts import mfa_secrets, throttle
from himoya.core import context


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts come only from invitations: no public sign-up. Clients are told
    apart by the address the trusted proxy saw, and a locked-out client is told how
    long to wait (``himoya.accounts.throttle``)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        ip = context.client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code != "too_many_login_attempts":
                raise
            key = self._get_login_attempts_cache_key(request, **credentials)
            seconds = throttle.wait_seconds(request, limited="login_failed", key=key)
            raise ValidationError(
                throttle.login_wait_message(seconds), code="too_many_login_attempts"
            ) from None


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery seeds are encrypted on the instance's key ring, and a
    staff member cannot switch TOTP off: it is mandatory (an administrator resets it)."""

    def get_totp_label(self, user: Any) -> str:
        return str(user.email)

    def encrypt(self, text: str) -> str:
        # Sealed for the column until the row is saved, then for the row (mfa_secrets).
        return mfa_secrets.seal_fresh(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.open_token(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return authenticator.type != Authenticator.Type.TOTP
