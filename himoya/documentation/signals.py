"""Signals other apps listen to without documentation importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by ``consent_revoke`` inside its transaction, with ``consent`` (the revoked row)
# and ``actor``: work that depends on the consent (a published story) is undone in the
# same transaction, so a revocation never commits while what it forbids stays public.
consent_revoked = Signal()
