"""Two-factor secrets bound to the authenticator row that holds them (finding 3).

allauth keeps a TOTP secret and a recovery-code seed inside ``Authenticator.data`` and
calls our adapter's ``encrypt(text)`` / ``decrypt(text)`` with the text alone, before
the row exists. So the binding happens around allauth, not in those calls:

* ``encrypt`` seals for the column only (``hm1``, a ``FreshToken``), in memory;
* before the row is saved (``pre_save``) every secret not yet bound to this row is
  sealed again bound to it (``hm2``), so none is ever stored column-bound;
* a loaded row's secrets are handed to allauth as ``BoundToken`` strings that carry
  the row, and ``decrypt`` opens them only with it; a column-bound secret read from the
  database is refused (the migration ``accounts.0003`` bound those there were).

The row is named by its user and type, not by its primary key: allauth's model takes its
key at the INSERT, after ``encrypt``, and a user has at most one TOTP and one
recovery-code authenticator (allauth's ``unique_authenticator_type``), so user and type
name the row as surely. A secret copied into another user's row, or from the TOTP row
into the recovery-code row, does not open.
"""

from __future__ import annotations

from typing import Any

from himoya.core import crypto

MFA_CONTEXT = "mfa.authenticator.secret"
# The keys of Authenticator.data that hold secrets (a list of them for migrated codes).
SECRET_KEYS = ("secret", "seed", "migrated_codes")


class BoundToken(str):
    """A stored secret as loaded, with the row it was loaded from (JSON sees a str)."""

    row: str | None = None


class FreshToken(str):
    """A secret ``encrypt`` has just sealed for the column, not yet stored: the one
    column-bound token that opens (a loaded one never does)."""


def authenticator_row(user_id: Any, kind: str) -> str:
    """The row part of a secret's associated data (``crypto.row_associated``)."""
    return f"user={user_id};type={kind}"


def seal(text: str, row: str) -> BoundToken:
    bound = BoundToken(crypto.encrypt(text, context=MFA_CONTEXT, row=row))
    bound.row = row
    return bound


def seal_fresh(text: str) -> FreshToken:
    """Column-bound, only until the row is saved (``bind``)."""
    return FreshToken(crypto.encrypt(text, context=MFA_CONTEXT))


def open_token(token: str) -> str:
    if isinstance(token, FreshToken):
        return crypto.decrypt(str(token), context=MFA_CONTEXT)
    row = token.row if isinstance(token, BoundToken) else None
    if row is None or crypto.token_version(token) != crypto.ROW_PREFIX:
        # Stored column-bound (such a secret would open in any user's row), or read
        # without its row.
        raise crypto.DecryptionError("a stored two-factor secret is not bound to its row")
    return crypto.decrypt(str(token), context=MFA_CONTEXT, row=row)


def _tokens(data: Any) -> list[tuple[str, int | None, str]]:
    found: list[tuple[str, int | None, str]] = []
    if not isinstance(data, dict):
        return found
    for key in SECRET_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            found.append((key, None, value))
        elif isinstance(value, list):
            found.extend((key, i, v) for i, v in enumerate(value) if isinstance(v, str))
    return found


def _put(data: dict[str, Any], key: str, index: int | None, value: str) -> None:
    if index is None:
        data[key] = value
    else:
        data[key][index] = value


def stamp(instance: Any) -> None:
    """On loading: each secret remembers the row it was read from."""
    loaded = instance.__dict__
    # A deferred column is not read here: that would cost a query per row.
    if loaded.get("user_id") is None or not isinstance(loaded.get("data"), dict):
        return
    row = authenticator_row(instance.user_id, instance.type)
    for key, index, token in _tokens(instance.data):
        if isinstance(token, FreshToken):
            continue  # a new row's own secret, handed to its constructor
        bound = BoundToken(token)
        bound.row = row
        _put(instance.data, key, index, bound)


def bind(instance: Any) -> None:
    """Before saving: every secret is sealed for this row, unless it already is."""
    if not isinstance(instance.data, dict):
        return
    row = authenticator_row(instance.user_id, instance.type)
    for key, index, token in _tokens(instance.data):
        if (
            isinstance(token, BoundToken)
            and token.row == row
            and crypto.token_version(token) == crypto.ROW_PREFIX
        ):
            continue
        _put(instance.data, key, index, seal(open_token(token), row))


def _on_init(sender: Any, instance: Any, **kwargs: Any) -> None:
    stamp(instance)


def _on_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        bind(instance)


def connect() -> None:
    from allauth.mfa.models import Authenticator
    from django.db.models.signals import post_init, pre_save

    post_init.connect(_on_init, sender=Authenticator, dispatch_uid="himoya-mfa-stamp")
    pre_save.connect(_on_save, sender=Authenticator, dispatch_uid="himoya-mfa-bind")
