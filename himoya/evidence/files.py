"""Evidence files on disk: where they lie, how each is bound to its row, and sealing a
stream while hashing it.

A file is written as ``<name>.part`` and renamed into place only when it is complete, so a
reader never meets half a file and an interrupted write leaves only a ``.part`` that
``discard`` (or the sweep of stale parts) removes. Each file's associated data names its
table, its row and its organisation (``binding``): a file copied over another item's
does not open, and neither does one moved to another organisation.

The identity is the one every stored file and row-bound value uses
(``core.filefields.file_aad`` of the column and ``core.fields.row_binding`` of the row),
so evidence files are version-3 (bound) files like the appeals' letters.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from django.conf import settings
from django.db import models

from himoya.core.crypto import keyring
from himoya.core.fields import row_binding
from himoya.core.filefields import file_aad, file_context
from himoya.core.storage import CHUNK, DecryptingReader, Header

ROOT = "evidence"
PART = ".part"
STALE_PART_SECONDS = 24 * 3600


def binding(model: type[models.Model], pk: int, organisation_id: int) -> bytes:
    """The associated data that ties a stored file (``stored_name``) to the row that owns
    it; the model's ``encryption_scope`` is its organisation alone."""
    row = row_binding(model, pk, [organisation_id])
    return file_aad(file_context(model, "stored_name"), row)


def binding_of(obj: models.Model) -> bytes:
    return binding(
        type(obj),
        cast(int, obj.pk),
        cast(int, obj.organisation_id),  # type: ignore[attr-defined]
    )


def new_name(organisation_id: int) -> str:
    """A random stored name (the original name may name a person)."""
    return f"{ROOT}/{organisation_id}/{uuid.uuid4().hex}.hmy"


def path_of(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _create_part(name: str) -> IO[bytes]:
    path = path_of(name + PART)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


class SealingWriter:
    """Takes plaintext in pieces of any size, hashes it and writes it encrypted to
    ``<name>.part``; at most one 64 KiB segment of plaintext is held at a time."""

    def __init__(self, name: str, aad: bytes) -> None:
        self.name = name
        ring = keyring()
        self._header = Header.new(ring.primary_id, bound=True)
        self._aead = self._header.cipher(ring)
        self._associated = self._header.raw + aad
        self._target = _create_part(name)
        self._target.write(self._header.raw)
        self._hash = hashlib.sha256()
        self._pending = bytearray()
        self._counter = 0
        self.size = 0
        self.finished = False

    def write(self, data: bytes) -> None:
        self._hash.update(data)
        self.size += len(data)
        view = memoryview(data)
        if self._pending:
            # Complete the segment begun by the previous piece first.
            take = CHUNK - len(self._pending)
            self._pending += view[:take]
            view = view[take:]
            if not view:
                return  # a full segment waits: only the final one carries the flag
            self._seal(bytes(self._pending), final=False)
            self._pending.clear()
        # Whole segments straight from the piece, without copying; the last full one
        # waits, since only the final segment carries the final flag.
        while len(view) > CHUNK:
            self._seal(view[:CHUNK], final=False)
            view = view[CHUNK:]
        self._pending += view

    def _seal(self, chunk: bytes | memoryview, *, final: bool) -> None:
        nonce = self._header.nonce(self._counter, final)
        self._target.write(self._aead.encrypt(nonce, chunk, self._associated))
        self._counter += 1

    def finish(self) -> str:
        """Seals the last segment, puts the file in place; returns the SHA-256."""
        self._seal(bytes(self._pending), final=True)
        self._pending.clear()
        self._target.flush()
        os.fsync(self._target.fileno())
        self._target.close()
        os.replace(path_of(self.name + PART), path_of(self.name))
        self.finished = True
        return self._hash.hexdigest()

    def abandon(self) -> None:
        """Removes what was written (an interrupted upload, a refused file)."""
        if not self._target.closed:
            self._target.close()
        path_of(self.name + PART).unlink(missing_ok=True)
        if self.finished:
            path_of(self.name).unlink(missing_ok=True)


def seal_stream(source: IO[bytes], name: str, aad: bytes) -> tuple[str, int]:
    """Writes ``source`` encrypted under ``name``; returns its SHA-256 and size."""
    writer = SealingWriter(name, aad)
    try:
        while piece := source.read(CHUNK * 4):
            writer.write(piece)
        digest = writer.finish()
    except BaseException:
        writer.abandon()
        raise
    return digest, writer.size


def open_plain(name: str, aad: bytes, *, verify: bool = True) -> DecryptingReader:
    raw = open(path_of(name), "rb")  # noqa: SIM115 (the reader owns and closes it)
    try:
        return DecryptingReader(raw, aad=aad, verify=verify)
    except BaseException:
        raw.close()
        raise


def hash_stored(name: str, aad: bytes) -> tuple[str, int]:
    """The SHA-256 and size of a stored file's plaintext, read a segment at a time."""
    digest = hashlib.sha256()
    size = 0
    with open_plain(name, aad, verify=False) as plain:
        while piece := plain.read(CHUNK * 4):
            digest.update(piece)
            size += len(piece)
    return digest.hexdigest(), size


def remove(name: str) -> None:
    path_of(name).unlink(missing_ok=True)
    path_of(name + PART).unlink(missing_ok=True)


def stale_parts(now: float | None = None) -> Iterator[Path]:
    """``.part`` files older than a day: writes that a killed process never finished."""
    now = time.time() if now is None else now
    base = path_of(ROOT)
    if not base.exists():
        return
    for path in base.rglob("*" + PART):
        if now - path.stat().st_mtime > STALE_PART_SECONDS:
            yield path


def sweep_stale_parts(now: float | None = None) -> int:
    """Removes the ``.part`` files older than a day; returns how many. A write still
    under way is younger than that (an upload is refused long before a day passes)."""
    removed = 0
    for path in list(stale_parts(now)):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


@dataclass(frozen=True)
class Sealed:
    """A file already sealed under ``name`` for the row ``pk`` (the upload handler's
    result): the service records it instead of sealing again."""

    name: str
    pk: int
    organisation_id: int
    sha256: str
    size: int
    original_name: str
