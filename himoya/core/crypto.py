"""Field encryption and blind indexes.

* ``encrypt``/``decrypt``: AES-256-GCM with a key ring. A token looks like
  ``hm2:<key id>:<base64(nonce || ciphertext || tag)>``; the associated data binds it to
  the field it was written for (model and column) and, given ``row``, to the row: its
  primary key and its owner (organisation, or the case or person it belongs to). A
  ciphertext moved to another column, row or organisation fails to open. ``hm1`` tokens
  (bound to the column only) are still read; the migration ``cases.0008`` rewrites them.
* ``blind_index``: a keyed HMAC-SHA256 of a normalised value, for exact-match lookups
  without keeping plaintext. It uses its own key (``HIMOYA_INDEX_KEY``), or with
  ``organisation_id`` that organisation's sub-key, so equal values of two organisations
  have unrelated indexes. ``organisation_key`` derives every per-organisation key (the
  blind indexes', the search tokens').

A missing or wrong key, or a damaged token, raises ``DecryptionError``; callers never
get ciphertext or an empty string in place of the value.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "hm1"  # noqa: S105  (a format tag, not a secret): column-bound, read only
ROW_PREFIX = "hm2"  # bound to the column and the row
NONCE_BYTES = 12


class CryptoError(Exception):
    """Base of the errors the encryption layer raises."""


class DecryptionError(CryptoError):
    """A stored value could not be opened: wrong or missing key, or damaged data."""


class KeyRingError(ImproperlyConfigured):
    """The key ring in the environment is malformed."""


def _b64decode(value: str) -> bytes:
    """URL-safe or standard base64, padded or not; any other character is an error
    (the lenient decoder would silently drop it and decode something else)."""
    padded = (value + "=" * (-len(value) % 4)).encode("ascii")
    return base64.b64decode(padded.replace(b"-", b"+").replace(b"_", b"/"), validate=True)


def _b64encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class KeyRing:
    """Data keys by id; the first one listed encrypts, all of them decrypt."""

    keys: dict[str, bytes] = field(repr=False)  # never in a traceback or a log line
    primary_id: str

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        keys: dict[str, bytes] = {}
        primary = ""
        for item in spec.split(","):
            item = item.strip()
            if not item:
                continue
            kid, sep, encoded = item.partition(":")
            if not sep or not kid or not (kid.isascii() and kid.isalnum()) or len(kid) > 64:
                raise KeyRingError(
                    "HIMOYA_DATA_KEYS must be a comma-separated list of <key id>:<base64 key>, "
                    "key ids ASCII letters and digits only (at most 64)"
                )
            try:
                key = _b64decode(encoded)
            except (binascii.Error, ValueError) as exc:
                raise KeyRingError(f"HIMOYA_DATA_KEYS: key {kid!r} is not base64") from exc
            if len(key) != 32:
                raise KeyRingError(f"HIMOYA_DATA_KEYS: key {kid!r} must be 32 bytes")
            if kid in keys:
                raise KeyRingError(f"HIMOYA_DATA_KEYS: key id {kid!r} appears twice")
            keys[kid] = key
            primary = primary or kid
        if not keys:
            raise KeyRingError("HIMOYA_DATA_KEYS is empty")
        return cls(keys=keys, primary_id=primary)

    def key(self, kid: str) -> bytes:
        try:
            return self.keys[kid]
        except KeyError:
            raise DecryptionError(
                f"the data key {kid!r} that encrypted this value is not in HIMOYA_DATA_KEYS"
            ) from None


@functools.lru_cache(maxsize=8)
def _ring_for(spec: str) -> KeyRing:
    return KeyRing.parse(spec)


def keyring() -> KeyRing:
    return _ring_for(settings.HIMOYA_DATA_KEYS)


@functools.lru_cache(maxsize=8)
def _index_key_for(spec: str) -> bytes:
    try:
        key = _b64decode(spec)
    except (binascii.Error, ValueError) as exc:
        raise KeyRingError("HIMOYA_INDEX_KEY is not base64") from exc
    if len(key) < 32:
        raise KeyRingError("HIMOYA_INDEX_KEY must be at least 32 bytes")
    return key


def index_key() -> bytes:
    return _index_key_for(settings.HIMOYA_INDEX_KEY)


@functools.lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    # Setting up the cipher costs more than sealing a short value: every value of a row
    # is sealed on its own (bound to the row), so the bulk import seals tens of thousands.
    return AESGCM(key)


def encrypt_bytes(plain: bytes, *, context: str, ring: KeyRing | None = None) -> tuple[str, bytes]:
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(ring.key(ring.primary_id)).encrypt(nonce, plain, context.encode())
    return ring.primary_id, nonce + sealed


def decrypt_bytes(kid: str, blob: bytes, *, context: str, ring: KeyRing | None = None) -> bytes:
    ring = ring or keyring()
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionError("the encrypted value is truncated")
    try:
        nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        return _aead(ring.key(kid)).decrypt(nonce, sealed, context.encode())
    except InvalidTag:
        raise DecryptionError(
            f"the encrypted value does not authenticate under key {kid!r}: "
            "the key is wrong or the stored data was altered"
        ) from None


def _associated(prefix: str, context: str, row: str | None) -> str:
    if prefix == TOKEN_PREFIX:
        return context
    if row is None:
        raise DecryptionError("a row-bound value can only be opened knowing its row")
    return row_associated(context, row)


def row_associated(context: str, row: str) -> str:
    """The identity of one value of one record: its column (``context``) and its row
    (``fields.row_binding``). Row-bound field values, stored files and two-factor
    secrets all take their associated data from here."""
    # NUL cannot occur in a label or in the row description: the parts stay apart.
    return f"{ROW_PREFIX}\x00{context}\x00{row}"


def encrypt(
    plain: str, *, context: str, row: str | None = None, ring: KeyRing | None = None
) -> str:
    """``row`` (see ``fields.row_binding``) binds the token to one row; without it the
    token is bound to the column only (the two-factor secrets, which have no row here)."""
    prefix = TOKEN_PREFIX if row is None else ROW_PREFIX
    kid, blob = encrypt_bytes(
        plain.encode("utf-8"), context=_associated(prefix, context, row), ring=ring
    )
    return f"{prefix}:{kid}:{_b64encode(blob)}"


def token_key_id(token: str) -> str:
    prefix, kid, _ = _split(token)
    return kid


def token_version(token: str) -> str:
    """``hm1`` (bound to its column) or ``hm2`` (bound to its row)."""
    return _split(token)[0]


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] not in (TOKEN_PREFIX, ROW_PREFIX):
        raise DecryptionError("the stored value is not a Himoya encrypted token")
    return parts[0], parts[1], parts[2]


def decrypt(
    token: str, *, context: str, row: str | None = None, ring: KeyRing | None = None
) -> str:
    prefix, kid, body = _split(token)
    context = _associated(prefix, context, row)
    try:
        blob = _b64decode(body)
    except (binascii.Error, ValueError):
        raise DecryptionError("the encrypted value is not valid base64") from None
    plain = decrypt_bytes(kid, blob, context=context, ring=ring)
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:  # pragma: no cover - authenticated, so only on a bug
        raise DecryptionError("the decrypted value is not UTF-8 text") from None


def normalise_text(value: str) -> str:
    """Case-, space- and accent-insensitive form used before blind indexing."""
    value = unicodedata.normalize("NFKC", value).casefold()
    value = value.replace("ё", "е")
    return " ".join(value.split())


def normalise_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    # Kazakhstan's trunk prefix 8 is the country code 7 written domestically.
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits


def organisation_key(organisation_id: int | None, purpose: str = "") -> bytes:
    """One organisation's sub-key of the index key: HKDF with the organisation's id (and
    a purpose) as info. The one derivation of per-organisation keys: the blind indexes
    use it without a purpose, the search tokens with "search-token". Two organisations'
    keys are unrelated, so equal values under them cannot be linked; ``None`` (records
    of no organisation) has its own."""
    return _organisation_key(index_key(), organisation_id, purpose)


def organisation_index_key(organisation_id: int | None) -> bytes:
    """The blind-index key of one organisation (``organisation_key`` without a purpose:
    the indexes written before purposes existed stay valid)."""
    return organisation_key(organisation_id)


@functools.lru_cache(maxsize=1024)
def _organisation_key(root: bytes, organisation_id: int | None, purpose: str) -> bytes:
    info = b"himoya-index-org:" + (
        b"-" if organisation_id is None else str(organisation_id).encode()
    )
    if purpose:
        # NUL separates: an id is digits or "-", so no two (id, purpose) share an info.
        info += b"\x00" + purpose.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(root)


def blind_index(
    value: str, *, purpose: str, key: bytes | None = None, organisation_id: int | None = None
) -> str:
    """Keyed HMAC of an already normalised value under the organisation's sub-key; 32 hex
    characters (128 bits)."""
    key = key or organisation_index_key(organisation_id)
    mac = hmac.new(key, purpose.encode() + b"\x00" + value.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:32]


def derive_key(purpose: str) -> bytes:
    """A sub-key of the index key for a named purpose (search tokens, etc.)."""
    return hmac.new(index_key(), b"himoya-derive:" + purpose.encode(), hashlib.sha256).digest()
