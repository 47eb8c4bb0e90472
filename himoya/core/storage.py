"""Encrypted file storage on the field-encryption key ring.

Layout of a stored file (versions 2 and 3, the ones written)::

    b"HMYF" | version (1) | len(key id) (1) | key id | salt (32)
    segment* : AES-256-GCM(chunk of up to 64 KiB) || tag (16)

Each file has its own key, HKDF-SHA256(data key, salt, info=b"himoya file v2"), so nonces
never repeat across files under one data key and need no random part: a segment's nonce
is its 64-bit counter and a final-segment flag, so segments cannot be reordered, dropped
or the file cut short without detection. The associated data of every segment is the
header followed by the caller's ``aad``. Version 3 is a file bound to the record that
owns it (``aad`` names the record, see ``himoya.core.filefields``); version 2 is a file
bound to nothing (empty ``aad``). The version byte is authenticated, so a bound file
cannot be passed off as an unbound one, and a reader refuses a file whose version does
not match what it expects: a record's file must be bound to it.

Version 1 (read, never written; ``rotate-keys`` rewrites it) used the data key itself
with a 7-byte random nonce prefix: about 2^-17 odds of a nonce collision at a million
files, above NIST's 2^-32 bound for random nonces under one key::

    b"HMYF" | version 1 (1) | len(key id) (1) | key id | nonce prefix (7)
    segment* : as above, nonce = prefix | 32-bit counter | final flag

Opening a file authenticates all of it (one segment in memory at a time), then gives a
seekable reader that decrypts one segment at a time and checks each segment's tag again
before handing out any of its bytes.
"""

from __future__ import annotations

import contextvars
import io
import os
import struct
import tempfile
from dataclasses import dataclass
from typing import IO, Any, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.deconstruct import deconstructible

from himoya.core.crypto import DecryptionError, KeyRing, keyring

MAGIC = b"HMYF"
VERSION = 2  # not bound to a record
BOUND_VERSION = 3  # bound to its record by the associated data
LEGACY_VERSION = 1
CHUNK = 64 * 1024
TAG = 16
SEGMENT = CHUNK + TAG
SALT_BYTES = 32
LEGACY_PREFIX_BYTES = 7
FILE_KEY_INFO = b"himoya file v2"

# The aad of the file being saved: Storage.save() has no parameter to carry it to _save().
_saving_aad: contextvars.ContextVar[bytes] = contextvars.ContextVar("himoya_file_aad", default=b"")


class UploadTooLarge(Exception):
    """An upload is over ``HIMOYA_MAX_UPLOAD_BYTES``; nothing was stored."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"upload of {size} bytes is over the limit of {limit} bytes")
        self.size = size
        self.limit = limit


def file_key(data_key: bytes, salt: bytes) -> bytes:
    """The key of one version-2 file."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=FILE_KEY_INFO).derive(
        data_key
    )


@dataclass(frozen=True)
class Header:
    version: int
    kid: str
    salt: bytes  # version 1: the nonce prefix
    raw: bytes

    @classmethod
    def new(cls, kid: str, *, bound: bool = False) -> Header:
        salt = os.urandom(SALT_BYTES)
        kid_raw = kid.encode("ascii")
        version = BOUND_VERSION if bound else VERSION
        raw = MAGIC + bytes([version, len(kid_raw)]) + kid_raw + salt
        return cls(version=version, kid=kid, salt=salt, raw=raw)

    @property
    def bound(self) -> bool:
        return self.version == BOUND_VERSION

    @classmethod
    def read(cls, source: IO[bytes]) -> Header:
        head = source.read(6)
        if len(head) < 6 or head[:4] != MAGIC:
            raise DecryptionError("the stored file is not a Himoya encrypted file")
        version = head[4]
        if version not in (BOUND_VERSION, VERSION, LEGACY_VERSION):
            raise DecryptionError(f"unknown encrypted file version {version}")
        kid_raw = source.read(head[5])
        salt_len = LEGACY_PREFIX_BYTES if version == LEGACY_VERSION else SALT_BYTES
        salt = source.read(salt_len)
        if len(kid_raw) != head[5] or len(salt) != salt_len:
            raise DecryptionError("the stored file's header is truncated")
        try:
            kid = kid_raw.decode("ascii")
        except UnicodeDecodeError:
            raise DecryptionError("the stored file's header is damaged (key id)") from None
        return cls(version=version, kid=kid, salt=salt, raw=head + kid_raw + salt)

    def cipher(self, ring: KeyRing) -> AESGCM:
        if self.version == LEGACY_VERSION:
            return AESGCM(ring.key(self.kid))
        return AESGCM(file_key(ring.key(self.kid), self.salt))

    def nonce(self, counter: int, final: bool) -> bytes:
        if self.version == LEGACY_VERSION:
            return self.salt + struct.pack(">IB", counter, 1 if final else 0)
        # A fresh key per file: the counter alone makes each nonce unique under it.
        return struct.pack(">3xQB", counter, 1 if final else 0)


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


def encrypt_stream(
    source: IO[bytes], target: IO[bytes], ring: KeyRing | None = None, *, aad: bytes = b""
) -> int:
    """Encrypts ``source`` into ``target`` in the current format (version 3 with an
    ``aad``, else 2); returns the number of plaintext bytes. ``aad`` must be given again,
    byte for byte, to open the file."""
    ring = ring or keyring()
    header = Header.new(ring.primary_id, bound=bool(aad))
    aead = header.cipher(ring)
    associated = header.raw + aad
    target.write(header.raw)
    total = 0
    counter = 0
    chunk = _read_full(source, CHUNK)
    while True:
        following = _read_full(source, CHUNK) if len(chunk) == CHUNK else b""
        final = not following
        target.write(aead.encrypt(header.nonce(counter, final), chunk, associated))
        total += len(chunk)
        if final:
            return total
        chunk = following
        counter += 1


def _layout(header: Header, file_size: int) -> tuple[int, int]:
    """(number of segments, plaintext size) of a file from its size alone."""
    body = file_size - len(header.raw)
    if body < TAG:
        raise DecryptionError("the stored file is truncated")
    segments = -(-body // SEGMENT)
    if body - (segments - 1) * SEGMENT < TAG:
        raise DecryptionError("the stored file is truncated")
    return segments, body - segments * TAG


class DecryptingReader(io.RawIOBase):
    """A read-only, seekable view of the plaintext of an encrypted file.

    It keeps one decrypted segment in memory. With ``verify`` (the default) every
    segment is authenticated on opening, in a pass that keeps nothing, so a damaged,
    cut or extended file is refused before a download has sent its headers (then the
    error is an ordinary error page; afterwards the status could no longer change).
    Reading checks each segment's tag again before returning any of its bytes: a file
    changed in place while it is read raises ``DecryptionError`` at that segment, never
    returns a short file. Without ``verify`` only the last segment (and so the length)
    is checked on opening.
    """

    def __init__(
        self,
        raw: IO[bytes],
        ring: KeyRing | None = None,
        *,
        aad: bytes = b"",
        verify: bool = True,
    ) -> None:
        super().__init__()
        self._raw = raw
        ring = ring or keyring()
        self.header = Header.read(raw)
        if self.header.bound != bool(aad):
            # Checked before any decryption: an unbound file (written before files were
            # bound, or outside any record) in a record's place is refused like a moved
            # one, and a bound file opens only with the identity of its record.
            raise DecryptionError(
                "the stored file is bound to a record"
                if self.header.bound
                else "the stored file is not bound to the record that names it"
            )
        self._aead = self.header.cipher(ring)
        self._associated = self.header.raw + aad
        raw.seek(0, io.SEEK_END)
        self._segments, self.size = _layout(self.header, raw.tell())
        self._pos = 0
        self._index = -1
        self._plain = b""
        for index in range(self._segments if verify else 0):
            self._load(index)
        self._load(self._segments - 1)

    def _load(self, index: int) -> None:
        if index == self._index:
            return
        self._raw.seek(len(self.header.raw) + index * SEGMENT)
        sealed = _read_full(self._raw, SEGMENT)
        final = index == self._segments - 1
        try:
            self._plain = self._aead.decrypt(
                self.header.nonce(index, final), sealed, self._associated
            )
        except InvalidTag:
            self._index, self._plain = -1, b""
            raise DecryptionError(
                f"segment {index} of the stored file does not authenticate under key "
                f"{self.header.kid!r}: the key is wrong or the file was altered or cut short"
            ) from None
        self._index = index

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            # As a real file answers (EINVAL): readers such as zipfile expect OSError.
            raise OSError(22, "negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self.size:
            index, start = divmod(self._pos, CHUNK)
            self._load(index)
            piece = self._plain[start : start + len(view) - done]
            view[done : done + len(piece)] = piece
            done += len(piece)
            self._pos += len(piece)
        return done

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            self._plain = b""
        super().close()


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
            total = encrypt_stream(content, sealed, aad=_saving_aad.get())
            if total > limit:  # the size was unknown or wrong
                raise UploadTooLarge(total, limit)
            sealed.seek(0)
            return super()._save(name, File(sealed))  # type: ignore[misc]

    def save(
        self, name: str | None, content: Any, max_length: int | None = None, *, aad: bytes = b""
    ) -> str:
        """``aad``: the identity of the record that owns the file (``filefields``); the
        file then opens only with it."""
        token = _saving_aad.set(aad)
        try:
            return super().save(name, content, max_length=max_length)
        finally:
            _saving_aad.reset(token)

    def _open(self, name: str, mode: str = "rb") -> File:
        return self.open_bound(name, mode, aad=b"")

    def open_bound(self, name: str, mode: str = "rb", *, aad: bytes) -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("encrypted files are written with save(), not opened for writing")
        # Decrypted a segment at a time: a download holds one segment in memory, and no
        # plaintext is ever written to a temporary file.
        return File(cast(IO[bytes], self.open_reader(name, aad=aad)), name=name)

    def open_reader(self, name: str, *, aad: bytes = b"") -> DecryptingReader:
        """The plaintext of a stored file; ``aad`` as given when it was saved."""
        raw = open(self.path(name), "rb")  # noqa: SIM115 (the reader owns and closes it)
        try:
            return DecryptingReader(raw, aad=aad)
        except BaseException:
            raw.close()
            raise

    def size(self, name: str) -> int:
        with open(self.path(name), "rb") as raw:
            header = Header.read(raw)
        return _layout(header, os.path.getsize(self.path(name)))[1]

    def header(self, name: str) -> Header:
        with open(self.path(name), "rb") as raw:
            return Header.read(raw)

    def key_id(self, name: str) -> str:
        return self.header(name).kid

    def reencrypt(self, name: str, *, aad: bytes = b"", bind: bool = False) -> bool:
        """Rewrites one file in the current format under the primary key, unless it is in
        both already; returns whether it changed. With ``bind``, an unbound file (version
        1 or 2) is read as such and written bound to ``aad``: the migration that brought
        existing files to their records, not an everyday path (an unbound file in a
        record's place is otherwise refused)."""
        ring = keyring()
        header = self.header(name)
        target = BOUND_VERSION if aad else VERSION
        if header.kid == ring.primary_id and header.version == target:
            return False
        old_aad = b"" if (bind and aad and not header.bound) else aad
        path = self.path(name)
        tmp = path + ".rekey"
        # Created 0600 from the start: the umask would leave a readable window.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # a left-over .rekey from an interrupted run keeps its mode
        try:
            with self.open_reader(name, aad=old_aad) as plain, os.fdopen(fd, "wb") as out:
                encrypt_stream(cast(IO[bytes], plain), out, ring, aad=aad)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
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
