from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from himoya.core import crypto

_MFA_CONTEXT = "mfa.authenticator.secret"


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts come only from invitations: no public sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery seeds are encrypted on the instance's key ring, and a
    staff member cannot switch TOTP off: it is mandatory (an administrator resets it)."""

    def get_totp_label(self, user: Any) -> str:
        return str(user.email)

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text, context=_MFA_CONTEXT)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, context=_MFA_CONTEXT)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return authenticator.type != Authenticator.Type.TOTP
