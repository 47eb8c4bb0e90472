"""Authentication events go to the audit chain (no identifiers typed by the user)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from himoya.core.audit import audit_record
from himoya.core.twofactor import mark_session


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", obj=user)
    if user.language and request is not None and hasattr(request, "session"):
        from django.utils import translation

        translation.activate(user.language)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    audit_record(actor=None, action="auth.login_failed")


@receiver(authenticator_added)
def on_mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    # Activation proves a fresh code from the device: this session has passed 2FA.
    mark_session(request, user)
    audit_record(actor=user, action="mfa.added", obj=user, data={"type": authenticator.type})


@receiver(authenticator_removed)
def on_mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="mfa.removed", obj=user, data={"type": authenticator.type})


@receiver(authenticator_reset)
def on_mfa_reset(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="mfa.reset", obj=user, data={"type": authenticator.type})


@receiver(authentication_failed)
def on_mfa_failed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="mfa.failed", obj=user)
