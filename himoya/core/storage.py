"""Encrypted file storage on the field-encryption key ring.

Layout of a stored file::

    b"HMYF" | version (1) | len(key id) (1) | key id | nonce prefix (7)
    segment* : AES-256-GCM(chunk of up to 64 KiB) || tag (16)

Each segment's nonce is the prefix, a 32-bit counter and a final-segment flag, so
segments cannot be reordered, dropped or the file cut short without detection. The
header is the associated data of every segment.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.deconstruct import deconstructible

from himoya.core.crypto import DecryptionError, KeyRing, keyring

MAGIC = b"HMYF"
VERSION = 1
CHUNK = 64 * 1024
TAG = 16
PREFIX_BYTES = 7


class UploadTooLarge(Exception):
    """An upload is over ``HIMOYA_MAX_UPLOAD_BYTES``; nothing was stored."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"upload of {size} bytes is over the limit of {limit} bytes")
        self.size = size
        self.limit = limit


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if final else 0)


def _header(kid: str, prefix: bytes) -> bytes:
    raw = kid.encode("ascii")
    return MAGIC + bytes([VERSION, len(raw)]) + raw + prefix


def _read_full(source: IO[bytes], size: int) -> bytes:
    """Reads ``size`` bytes, or fewer only at the end: a source may return short reads
    (pipes, sockets, raw files), and a short chunk would otherwise end the file there."""
    parts: list[bytes] = []
    while size > 0:
        piece = source.read(size)
        if not piece:
            break
        parts.append(piece)
        size -= len(piece)
    return b"".join(parts)


def encrypt_stream(source: IO[bytes], target: IO[bytes], ring: KeyRing | None = None) -> int:
    """Encrypts ``source`` into ``target``; returns the number of plaintext bytes."""
    ring = ring or keyring()
    prefix = os.urandom(PREFIX_BYTES)
    header = _header(ring.primary_id, prefix)
    aead = AESGCM(ring.key(ring.primary_id))
    target.write(header)
    total = 0
    counter = 0
    chunk = _read_full(source, CHUNK)
    while True:
        following = _read_full(source, CHUNK) if len(chunk) == CHUNK else b""
        final = not following
        target.write(aead.encrypt(_nonce(prefix, counter, final), chunk, header))
        total += len(chunk)
        if final:
            return total
        chunk = following
        counter += 1


def read_header(source: IO[bytes]) -> tuple[str, bytes, bytes]:
    head = source.read(6)
    if len(head) < 6 or head[:4] != MAGIC:
        raise DecryptionError("the stored file is not a Himoya encrypted file")
    if head[4] != VERSION:
        raise DecryptionError(f"unknown encrypted file version {head[4]}")
    kid_raw = source.read(head[5])
    prefix = source.read(PREFIX_BYTES)
    if len(kid_raw) != head[5] or len(prefix) != PREFIX_BYTES:
        raise DecryptionError("the stored file's header is truncated")
    try:
        kid = kid_raw.decode("ascii")
    except UnicodeDecodeError:
        raise DecryptionError("the stored file's header is damaged (key id)") from None
    return kid, prefix, head + kid_raw + prefix


def decrypt_stream(source: IO[bytes], ring: KeyRing | None = None) -> Iterator[bytes]:
    """Yields the plaintext of an encrypted file, segment by segment, authenticated."""
    ring = ring or keyring()
    kid, prefix, header = read_header(source)
    aead = AESGCM(ring.key(kid))
    counter = 0
    segment = _read_full(source, CHUNK + TAG)
    while True:
        following = _read_full(source, CHUNK + TAG) if len(segment) == CHUNK + TAG else b""
        final = not following
        if len(segment) < TAG:
            raise DecryptionError("the stored file is truncated")
        try:
            yield aead.decrypt(_nonce(prefix, counter, final), segment, header)
        except InvalidTag:
            raise DecryptionError(
                f"segment {counter} of the stored file does not authenticate under key "
                f"{kid!r}: the key is wrong or the file was altered or cut short"
            ) from None
        if final:
            return
        segment = following
        counter += 1


@deconstructible
class EncryptedFileSystemStorage(FileSystemStorage):
    """Local storage whose files are encrypted at rest; opening returns plaintext."""

    def __init__(self, **kwargs: Any) -> None:
        # location and base_url stay unset so that they follow MEDIA_ROOT and MEDIA_URL
        # (and no absolute path ends up in a migration that names this storage).
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def _save(self, name: str, content: File) -> str:
        limit = settings.HIMOYA_MAX_UPLOAD_BYTES
        size = getattr(content, "size", None)
        if size is not None and size > limit:
            raise UploadTooLarge(size, limit)
        with tempfile.SpooledTemporaryFile(max_size=CHUNK * 16) as sealed:
            content.seek(0)
            total = encrypt_stream(content, sealed)
            if total > limit:  # the size was unknown or wrong
                raise UploadTooLarge(total, limit)
            sealed.seek(0)
            return super()._save(name, File(sealed))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("encrypted files are written with save(), not opened for writing")
        # Plaintext stays in memory (uploads are capped by HIMOYA_MAX_UPLOAD_MB): a
        # temporary file would put decrypted data on disk while it is served.
        plain = io.BytesIO()
        with open(self.path(name), "rb") as raw:
            for piece in decrypt_stream(raw):
                plain.write(piece)
        plain.seek(0)
        return File(plain, name=name)

    def size(self, name: str) -> int:
        with open(self.path(name), "rb") as raw:
            _, _, header = read_header(raw)
        body = os.path.getsize(self.path(name)) - len(header)
        full, rest = divmod(body, CHUNK + TAG)
        if rest == 0 and full:
            return body - full * TAG
        return body - full * TAG - TAG

    def key_id(self, name: str) -> str:
        with open(self.path(name), "rb") as raw:
            return read_header(raw)[0]

    def reencrypt(self, name: str) -> bool:
        """Re-encrypts one file under the primary key; returns whether it changed."""
        ring = keyring()
        if self.key_id(name) == ring.primary_id:
            return False
        path = self.path(name)
        tmp = path + ".rekey"
        with self._open(name) as plain, open(tmp, "wb") as target:
            encrypt_stream(plain, target, ring)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return True

    def url(self, name: str | None) -> str:
        raise NotImplementedError("encrypted files are served through access-checked views only")


class LimitedUploadHandler(FileUploadHandler):
    """Refuses an upload over the size limit while it streams in, before storage."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        limit = settings.HIMOYA_MAX_UPLOAD_BYTES
        if content_length and content_length > limit + 64 * 1024:
            # StopUpload is not caught here by Django's parser (a 500 error); this is its
            # own "request too big" error, answered with 400 before a byte is read.
            if self.request is not None:
                self.request.himoya_upload_refused = content_length  # type: ignore[attr-defined]
            raise RequestDataTooBig(
                f"upload of {content_length} bytes is over the limit of {limit} bytes"
            )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.HIMOYA_MAX_UPLOAD_BYTES:
            if self.request is not None:
                self.request.himoya_upload_refused = self.received  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
