"""Second-factor forms that refuse a TOTP code for as long as it could still be accepted.

allauth remembers a used TOTP code for one period (30 s), but with a tolerance of one
period either side a code stays valid for up to three periods. These forms remember each
used code for the whole window, so a code seen over someone's shoulder cannot be replayed.
"""

from __future__ import annotations

from allauth.core.internal.cryptokit import normalize_user_code
from allauth.mfa import app_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm as BaseAuthenticate
from allauth.mfa.base.forms import ReauthenticateForm as BaseReauthenticate
from allauth.mfa.models import Authenticator
from django.core.cache import cache


def _window_seconds() -> int:
    return int(app_settings.TOTP_PERIOD) * (2 * int(app_settings.TOTP_TOLERANCE) + 1)


class ReplayGuard:
    user: object
    authenticator: Authenticator
    cleaned_data: dict

    def _key(self, code: str) -> str:
        return f"himoya.totp.used:{getattr(self.user, 'pk', '')}:{normalize_user_code(code)}"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if cache.get(self._key(code)):
            totp = Authenticator.objects.filter(
                user=self.user, type=Authenticator.Type.TOTP
            ).first()
            if totp is not None:
                self._emit_authentication_failed(totp)  # type: ignore[attr-defined]
            raise get_adapter().validation_error("incorrect_code")
        code = super().clean_code()  # type: ignore[misc]
        if self.authenticator.type == Authenticator.Type.TOTP:
            cache.set(self._key(code), 1, timeout=_window_seconds())
        return code


class AuthenticateForm(ReplayGuard, BaseAuthenticate):
    pass


class ReauthenticateForm(ReplayGuard, BaseReauthenticate):
    pass
