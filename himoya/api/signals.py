"""Tokens end with the credentials they were issued under.

The receivers watch the models rather than the views, so every path counts: the staff
pages, allauth's password change and reset, the admin site, a shell. A password that
``check_password`` merely rehashes is not a change: Django clears ``_password`` then.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_reset
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from himoya.accounts.models import User
from himoya.api.services import tokens_revoke_all

_WATCHED = frozenset({"is_active", "password"})


@receiver(pre_save, sender=User)
def _note_credential_change(sender: Any, instance: User, update_fields: Any, **kwargs: Any) -> None:
    instance._revoke_reason = None  # type: ignore[attr-defined]
    if instance.pk is None or (update_fields is not None and not _WATCHED & set(update_fields)):
        return
    was_active = User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    if was_active is not None and was_active != instance.is_active:
        reason = "reactivated" if instance.is_active else "deactivated"
    elif instance._password is not None:  # type: ignore[attr-defined]
        reason = "password"
    else:
        return
    instance._revoke_reason = reason  # type: ignore[attr-defined]


@receiver(post_save, sender=User)
def _revoke_on_credential_change(sender: Any, instance: User, **kwargs: Any) -> None:
    reason = getattr(instance, "_revoke_reason", None)
    if reason:
        instance._revoke_reason = None  # type: ignore[attr-defined]
        tokens_revoke_all(user=instance, reason=reason)


@receiver(post_delete, sender=Authenticator)
def _revoke_on_device_removed(sender: Any, instance: Authenticator, **kwargs: Any) -> None:
    # An administrator resets a lost second factor by removing the TOTP device; a token
    # must not come back to life when the new device is set up.
    if instance.type == Authenticator.Type.TOTP:
        user = User.objects.filter(pk=instance.user_id).first()
        if user is not None:
            tokens_revoke_all(user=user, reason="mfa_reset")


@receiver(authenticator_reset)
def _revoke_on_recovery_codes_reset(sender: Any, user: Any, **kwargs: Any) -> None:
    tokens_revoke_all(user=user, reason="mfa_reset")
