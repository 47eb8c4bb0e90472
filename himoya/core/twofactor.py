"""What "completed two-factor authentication" means for a session."""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

SESSION_FLAG = "himoya_mfa_user"


def has_mfa_device(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request: HttpRequest) -> bool:
    """True when this session's login passed a TOTP or recovery-code challenge, or when
    the user proved a fresh TOTP device with a valid code in this very session."""
    user = request.user
    if not user.is_authenticated:
        return False
    if request.session.get(SESSION_FLAG) == str(user.pk):
        return True
    records = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


def mark_session(request: HttpRequest, user: Any) -> None:
    request.session[SESSION_FLAG] = str(user.pk)
