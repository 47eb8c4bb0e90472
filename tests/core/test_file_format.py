"""The stored file format: version 2 (a key per file from HKDF over a random salt,
counter nonces), version 1 still readable and rewritten by rotation, and a reader that
decrypts one segment at a time and never hands out bytes of a damaged segment."""

from __future__ import annotations

import base64
import io
import os
import struct
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.files.base import ContentFile
from django.core.management import call_command

from himoya.core import storage
from himoya.core.crypto import DecryptionError, KeyRing
from himoya.core.storage import CHUNK, TAG, DecryptingReader, EncryptedFileSystemStorage
from tests.testapp.models import Secret

OLD_KEY = bytes(range(32))
OLD_RING = f"kold:{base64.urlsafe_b64encode(OLD_KEY).decode().rstrip('=')}"
OLD_TEXT = "Письмо в старом формате (v1)\n".encode()
# Written by the version-1 code (commit da796c2) under OLD_KEY with the nonce prefix 07*7.
GOLDEN_V1 = base64.b64decode(
    "SE1ZRgEEa29sZAcHBwcHBweIFwYctBKVpCEBiClXVeN4vIPwHhM+Cbb+6zwgzrlM7AsXx/WgKEEnxhyu3jmZjJ/"
    "YiyDHaE+t4gDuklVu0Fnj9Q=="
)
SEG = CHUNK + TAG


def seal_v1(data: bytes, kid: str, key: bytes, prefix: bytes) -> bytes:
    """Version 1 as it was written, from its description: the data key itself, nonce =
    7-byte prefix | 32-bit counter | final flag, the header as associated data."""
    header = b"HMYF" + bytes([1, len(kid)]) + kid.encode() + prefix
    chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
    out = [header]
    for n, chunk in enumerate(chunks):
        nonce = prefix + struct.pack(">IB", n, int(n == len(chunks) - 1))
        out.append(AESGCM(key).encrypt(nonce, chunk, header))
    return b"".join(out)


def payload(size: int) -> bytes:
    return (b"Zq7x letter \xd0\x9f " * (size // 15 + 1))[:size]


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    return tmp_path / "media"


@pytest.fixture
def store(media: Path) -> EncryptedFileSystemStorage:
    return EncryptedFileSystemStorage()


def read(store: EncryptedFileSystemStorage, name: str) -> bytes:
    with store.open(name) as handle:
        return handle.read()


# -- version 1 stays readable -----------------------------------------------------------


def test_the_test_writer_reproduces_a_file_of_the_old_code() -> None:
    assert seal_v1(OLD_TEXT, "kold", OLD_KEY, b"\x07" * 7) == GOLDEN_V1


def test_a_version_1_file_still_opens(store: EncryptedFileSystemStorage, media: Path, settings):
    settings.HIMOYA_DATA_KEYS = f"knew:{base64.b64encode(os.urandom(32)).decode()},{OLD_RING}"
    (media / "old.bin").write_bytes(GOLDEN_V1)
    assert read(store, "old.bin") == OLD_TEXT
    assert store.size("old.bin") == len(OLD_TEXT)
    assert store.header("old.bin").version == 1
    assert store.key_id("old.bin") == "kold"


@pytest.mark.parametrize("size", [0, CHUNK, 2 * CHUNK + 5])
def test_multi_segment_version_1_files_open_and_damage_is_found(
    store: EncryptedFileSystemStorage, media: Path, settings: Any, size: int
) -> None:
    settings.HIMOYA_DATA_KEYS = OLD_RING
    data = payload(size)
    raw = seal_v1(data, "kold", OLD_KEY, os.urandom(7))
    (media / "old.bin").write_bytes(raw)
    assert read(store, "old.bin") == data
    assert store.size("old.bin") == size
    head = len(raw) - size - max(1, -(-size // CHUNK)) * TAG
    for damaged in (raw[:-1], raw[: head + SEG] if size > CHUNK else raw[:head], raw + b"\0"):
        (media / "old.bin").write_bytes(damaged)
        with pytest.raises(DecryptionError):
            read(store, "old.bin")


# -- version 2 ---------------------------------------------------------------------------


def test_each_file_has_its_own_key_from_a_random_salt(
    store: EncryptedFileSystemStorage, settings: Any
) -> None:
    data = payload(CHUNK + 10)
    first = store.save("a.bin", ContentFile(data))
    second = store.save("b.bin", ContentFile(data))
    one, two = store.header(first), store.header(second)
    assert (one.version, two.version) == (2, 2)
    assert one.kid == two.kid and len(one.salt) == 32 and one.salt != two.salt
    raw_one = Path(store.path(first)).read_bytes()
    raw_two = Path(store.path(second)).read_bytes()
    assert raw_one[: len(one.raw)] == one.raw
    # The key is HKDF-SHA256(data key, salt, "himoya file v2"); the nonce is the counter
    # and the final flag alone, so the same nonce is used in every file: only distinct
    # keys keep two files apart.
    data_key = KeyRing.parse(settings.HIMOYA_DATA_KEYS).key(one.kid)
    keys = [
        HKDF(hashes.SHA256(), 32, salt=h.salt, info=b"himoya file v2").derive(data_key)
        for h in (one, two)
    ]
    assert keys[0] != keys[1] and data_key not in keys
    nonce0 = bytes(11) + b"\0"
    seg0 = raw_one[len(one.raw) : len(one.raw) + SEG]
    assert AESGCM(keys[0]).decrypt(nonce0, seg0, one.raw) == data[:CHUNK]
    with pytest.raises(InvalidTag):
        AESGCM(data_key).decrypt(nonce0, seg0, one.raw)
    with pytest.raises(InvalidTag):
        AESGCM(keys[1]).decrypt(nonce0, seg0, one.raw)
    # A segment moved into another file at the same position does not open there.
    moved = raw_two[: len(two.raw)] + seg0 + raw_two[len(two.raw) + SEG :]
    Path(store.path(second)).write_bytes(moved)
    with pytest.raises(DecryptionError, match="segment 0"):
        read(store, second)


def test_associated_data_must_match(settings: Any) -> None:
    sealed = io.BytesIO()
    storage.encrypt_stream(io.BytesIO(payload(100)), sealed, aad=b"cases.appeal:7")
    sealed.seek(0)
    assert DecryptingReader(io.BytesIO(sealed.getvalue()), aad=b"cases.appeal:7").read() == (
        payload(100)
    )
    for other in (b"", b"cases.appeal:8"):
        with pytest.raises(DecryptionError):
            DecryptingReader(io.BytesIO(sealed.getvalue()), aad=other)


def test_cut_or_extended_files_are_refused_on_opening(store: EncryptedFileSystemStorage) -> None:
    size = 3 * CHUNK
    name = store.save("f.bin", ContentFile(payload(size)))
    path = Path(store.path(name))
    raw = path.read_bytes()
    head = len(store.header(name).raw)
    for damaged in (raw[: head + 2 * SEG], raw[: head + SEG], raw + raw[head : head + SEG]):
        path.write_bytes(damaged)
        with pytest.raises(DecryptionError):
            store.open(name)


def test_a_damaged_middle_segment_stops_the_reader_at_that_segment(
    store: EncryptedFileSystemStorage,
) -> None:
    data = payload(3 * CHUNK + 1)
    name = store.save("f.bin", ContentFile(data))
    path = Path(store.path(name))
    raw = bytearray(path.read_bytes())
    head = len(store.header(name).raw)
    raw[head + SEG + 100] ^= 1  # inside segment 1
    path.write_bytes(bytes(raw))
    with pytest.raises(DecryptionError, match="segment 1 "):
        store.open(name)  # opening authenticates every segment
    # Without the check on opening (or when the file changes while it is read) the
    # reader stops at the damaged segment and hands out none of its bytes.
    received = bytearray()
    with (
        DecryptingReader(path.open("rb"), verify=False) as handle,
        pytest.raises(DecryptionError, match="segment 1 "),
    ):
        while piece := handle.read(4096):
            received += piece
    assert bytes(received) == data[:CHUNK]


def test_the_reader_seeks_like_a_file(store: EncryptedFileSystemStorage) -> None:
    data = payload(2 * CHUNK + 300)
    name = store.save("f.bin", ContentFile(data))
    with store.open(name) as handle:
        assert handle.seekable()
        assert handle.seek(0, io.SEEK_END) == len(data)
        assert handle.read(10) == b""
        for pos in (CHUNK - 3, 5, 2 * CHUNK + 299, CHUNK):
            handle.seek(pos)
            assert handle.read(CHUNK + 7) == data[pos : pos + CHUNK + 7]
            assert handle.tell() == min(len(data), pos + CHUNK + 7)
        handle.seek(-4, io.SEEK_END)
        assert handle.read() == data[-4:]
        assert handle.size == len(data)


# -- rotation rewrites version 1 -----------------------------------------------------------


@pytest.mark.django_db
def test_rotation_rewrites_version_1_files_in_version_2(
    media: Path, settings: Any, store: EncryptedFileSystemStorage
) -> None:
    settings.HIMOYA_DATA_KEYS = OLD_RING  # the same key encrypts before and after
    data = payload(CHUNK + 77)
    secret = Secret.objects.create(name="Ерлан")
    secret.attachment.save("letter.pdf", ContentFile(b"placeholder"), save=True)
    name = secret.attachment.name
    Path(store.path(name)).write_bytes(seal_v1(data, "kold", OLD_KEY, os.urandom(7)))
    (media / "loose.bin").write_bytes(GOLDEN_V1)  # a file no row names any more

    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "2 files" in out.getvalue()
    for rel, plain in ((name, data), ("loose.bin", OLD_TEXT)):
        assert store.header(rel).version == 2 and store.key_id(rel) == "kold"
        assert read(store, rel) == plain
        assert oct(os.stat(store.path(rel)).st_mode & 0o777) == "0o600"
    call_command("rotate_keys", stdout=(again := io.StringIO()))
    assert "0 files" in again.getvalue()
