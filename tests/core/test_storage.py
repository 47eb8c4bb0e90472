"""Encrypted file storage (himoya.core.storage): files at rest are sealed segment by
segment; any damage, reordering, truncation or wrong key is refused."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from himoya.core import storage
from himoya.core.crypto import DecryptionError
from himoya.core.storage import CHUNK, TAG, EncryptedFileSystemStorage, UploadTooLarge
from tests.testapp.models import Secret

MARKER = b"Zq7xFileMarker: \xd0\x9c\xd0\xb0\xd1\x80\xd0\xba\xd0\xb5\xd1\x80 "


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def store(media: Path) -> EncryptedFileSystemStorage:
    return EncryptedFileSystemStorage()


def payload(size: int) -> bytes:
    """Recognisable plaintext of ``size`` bytes with the marker all through it."""
    return (MARKER * (size // len(MARKER) + 1))[:size]


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


SIZES = [0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_and_plaintext_size(store: EncryptedFileSystemStorage, size: int) -> None:
    data = payload(size)
    name = store.save("evidence/file.bin", ContentFile(data))
    with store.open(name) as handle:
        assert handle.read() == data
    assert store.size(name) == size
    raw = Path(store.path(name)).read_bytes()
    assert raw.startswith(storage.MAGIC)
    segments = max(1, -(-size // CHUNK))
    assert len(raw) == len(store.header(name).raw) + size + segments * TAG
    if size >= len(MARKER):
        assert MARKER not in raw
        assert b"Zq7xFileMarker" not in raw
    assert oct(os.stat(store.path(name)).st_mode & 0o777) == "0o600"


def test_default_storage_is_encrypted_and_follows_media_root(media: Path) -> None:
    assert isinstance(default_storage, EncryptedFileSystemStorage)
    name = default_storage.save("a.txt", ContentFile(MARKER))
    path = media / name
    assert path.exists()
    assert MARKER not in path.read_bytes()


def test_same_file_encrypts_differently(store: EncryptedFileSystemStorage) -> None:
    first = store.save("a.bin", ContentFile(b"same"))
    second = store.save("b.bin", ContentFile(b"same"))
    assert Path(store.path(first)).read_bytes() != Path(store.path(second)).read_bytes()


def test_model_file_field_round_trip(media: Path, db: Any) -> None:
    secret = Secret(name="Ерлан")
    secret.attachment.save("акт.pdf", ContentFile(payload(CHUNK + 5)), save=True)
    loaded = Secret.objects.get(pk=secret.pk)
    with loaded.attachment.open("rb") as handle:
        assert handle.read() == payload(CHUNK + 5)
    assert loaded.attachment.size == CHUNK + 5
    [stored] = files_under(media)
    assert MARKER not in stored.read_bytes()


# -- damage is detected ----------------------------------------------------------------


def _write(store: EncryptedFileSystemStorage, data: bytes) -> tuple[str, Path, bytes]:
    name = store.save("f.bin", ContentFile(data))
    path = Path(store.path(name))
    return name, path, path.read_bytes()


def _read(store: EncryptedFileSystemStorage, name: str) -> bytes:
    with store.open(name) as handle:
        return handle.read()


def test_every_flipped_byte_of_a_small_file_is_detected(store: EncryptedFileSystemStorage) -> None:
    name, path, raw = _write(store, b"small secret " * 3)
    for i in range(len(raw)):
        for flip in (0x01, 0x80):
            damaged = bytearray(raw)
            damaged[i] ^= flip
            path.write_bytes(bytes(damaged))
            with pytest.raises(DecryptionError):
                _read(store, name)


def test_flipped_bytes_in_a_multi_segment_file_are_detected(
    store: EncryptedFileSystemStorage,
) -> None:
    name, path, raw = _write(store, payload(3 * CHUNK + 17))
    header = len(raw) - (3 * CHUNK + 17) - 4 * TAG
    seg = CHUNK + TAG
    positions = [header, header + 1, header + seg - 1, header + seg, header + 2 * seg + 5]
    positions += [len(raw) - 1, len(raw) - TAG]
    for i in positions:
        damaged = bytearray(raw)
        damaged[i] ^= 0x01
        path.write_bytes(bytes(damaged))
        with pytest.raises(DecryptionError, match=r"segment \d+ of the stored file"):
            _read(store, name)


def test_truncated_file_is_detected(store: EncryptedFileSystemStorage) -> None:
    size = 2 * CHUNK + 100
    name, path, raw = _write(store, payload(size))
    header = len(raw) - size - 3 * TAG
    seg = CHUNK + TAG
    cuts = [0, 3, 6, header - 1, header, header + 5, header + seg, header + 2 * seg]
    cuts += [header + seg + 1, len(raw) - 1]
    for cut in cuts:
        path.write_bytes(raw[:cut])
        with pytest.raises(DecryptionError):
            _read(store, name)


def test_appended_bytes_are_detected(store: EncryptedFileSystemStorage) -> None:
    for size in (10, CHUNK):
        name, path, raw = _write(store, payload(size))
        for extra in (b"\x00", b"x" * (CHUNK + TAG)):
            path.write_bytes(raw + extra)
            with pytest.raises(DecryptionError):
                _read(store, name)


def test_swapped_and_dropped_segments_are_detected(store: EncryptedFileSystemStorage) -> None:
    size = 3 * CHUNK + 17
    name, path, raw = _write(store, payload(size))
    header_len = len(raw) - size - 4 * TAG
    header, body = raw[:header_len], raw[header_len:]
    seg = CHUNK + TAG
    s0, s1, s2, s3 = body[:seg], body[seg : 2 * seg], body[2 * seg : 3 * seg], body[3 * seg :]
    for body_variant in (s1 + s0 + s2 + s3, s0 + s2 + s1 + s3, s0 + s1 + s3, s0 + s2 + s3):
        path.write_bytes(header + body_variant)
        with pytest.raises(DecryptionError, match="does not authenticate"):
            _read(store, name)
    # A segment from another file encrypted under the same key does not fit either.
    _, _, other = _write(store, payload(size))
    path.write_bytes(header + s0 + other[header_len + seg : header_len + 2 * seg] + s2 + s3)
    with pytest.raises(DecryptionError, match="segment 1"):
        _read(store, name)
    path.write_bytes(raw)
    assert _read(store, name) == payload(size)


def test_wrong_key_and_missing_key(store: EncryptedFileSystemStorage, settings: Any) -> None:
    name, _, _ = _write(store, payload(100))
    kid = store.key_id(name)
    settings.HIMOYA_DATA_KEYS = f"{kid}:{b64(os.urandom(32))}"
    with pytest.raises(DecryptionError, match=f"does not authenticate under key '{kid}'"):
        _read(store, name)
    settings.HIMOYA_DATA_KEYS = f"kother:{b64(os.urandom(32))}"
    with pytest.raises(DecryptionError, match=f"data key '{kid}' .* not in HIMOYA_DATA_KEYS"):
        _read(store, name)


def test_not_an_encrypted_file(store: EncryptedFileSystemStorage, media: Path) -> None:
    media.mkdir(parents=True, exist_ok=True)
    (media / "plain.txt").write_bytes(b"just some plaintext that was copied here")
    with pytest.raises(DecryptionError, match="not a Himoya encrypted file"):
        _read(store, "plain.txt")
    with pytest.raises(DecryptionError, match="not a Himoya encrypted file"):
        store.size("plain.txt")


def test_short_reads_from_the_source_are_handled(store: EncryptedFileSystemStorage) -> None:
    """A source that returns fewer bytes than asked (a pipe, a socket) still gives a file
    that opens: segment boundaries must not depend on how the source delivers bytes."""

    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = data
            self.pos = 0

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return True

        def seek(self, pos: int, whence: int = 0) -> int:
            self.pos = pos if whence == 0 else len(self.data) if whence == 2 else self.pos + pos
            return self.pos

        def tell(self) -> int:
            return self.pos

        def readinto(self, buffer: Any) -> int:
            piece = self.data[self.pos : self.pos + min(1000, len(buffer))]
            buffer[: len(piece)] = piece
            self.pos += len(piece)
            return len(piece)

    data = payload(2 * CHUNK + 3)
    name = store.save("trickle.bin", File(Trickle(data), name="trickle.bin"))
    assert _read(store, name) == data
    assert store.size(name) == len(data)


def test_files_are_never_served_by_url(store: EncryptedFileSystemStorage) -> None:
    name, _, _ = _write(store, b"x")
    with pytest.raises(NotImplementedError, match="access-checked views only"):
        store.url(name)
    with pytest.raises(NotImplementedError):
        default_storage.url(name)


def test_open_for_writing_is_refused(store: EncryptedFileSystemStorage) -> None:
    name, _, _ = _write(store, b"x")
    for mode in ("wb", "ab", "r+b"):
        with pytest.raises(ValueError, match="written with save"):
            store.open(name, mode)


# -- size limit ----------------------------------------------------------------------


def test_oversize_file_is_refused_before_storage(media: Path, settings: Any) -> None:
    settings.HIMOYA_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(UploadTooLarge, match="upload of 1001 bytes is over the limit of 1000"):
        default_storage.save("big.bin", ContentFile(payload(1001)))
    assert files_under(media) == []
    name = default_storage.save("ok.bin", ContentFile(payload(1000)))
    assert default_storage.size(name) == 1000


def _multipart(size: int) -> dict[str, Any]:
    return {
        "name": "Ерлан",
        "attachment": SimpleUploadedFile("акт.pdf", payload(size), "application/pdf"),
    }


@pytest.mark.urls("tests.testapp.urls")
class TestUploadHandler:
    """Uploads through a real request with the project's upload handlers."""

    def test_handler_is_installed(self, settings: Any) -> None:
        assert settings.FILE_UPLOAD_HANDLERS[0] == "himoya.core.storage.LimitedUploadHandler"

    def test_upload_within_limit_is_stored_encrypted(
        self, media: Path, settings: Any, db: Any
    ) -> None:
        settings.HIMOYA_MAX_UPLOAD_BYTES = 100 * 1024
        response = Client().post("/upload/", _multipart(90 * 1024))
        assert response.status_code == 201, response.content
        secret = Secret.objects.get(pk=response.json()["pk"])
        with secret.attachment.open("rb") as handle:
            assert handle.read() == payload(90 * 1024)
        [stored] = files_under(media)
        assert MARKER not in stored.read_bytes()

    def test_upload_over_limit_is_refused_while_streaming(
        self, media: Path, settings: Any, db: Any
    ) -> None:
        # Just over the limit: Content-Length alone does not give it away, so the handler
        # has to count the bytes as they arrive.
        settings.HIMOYA_MAX_UPLOAD_BYTES = 100 * 1024
        response = Client().post("/upload/", _multipart(100 * 1024 + 1))
        assert response.status_code == 413
        assert 100 * 1024 < response.json()["refused"] <= 100 * 1024 + 64 * 1024
        assert files_under(media) == []
        assert not Secret.objects.exists()

    @pytest.mark.parametrize("csrf", [False, True])
    def test_upload_far_over_limit_is_refused_from_its_length(
        self, media: Path, settings: Any, db: Any, csrf: bool
    ) -> None:
        """Refused before the body is read, also when the CSRF check reads the form
        first (as it does for every browser POST): a 400, not a server error."""
        settings.HIMOYA_MAX_UPLOAD_BYTES = 1024
        client = Client(enforce_csrf_checks=csrf)
        token = "a" * 32
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        data = {"csrfmiddlewaretoken": token, **_multipart(300 * 1024)}
        response = client.post("/upload/", data)
        assert response.status_code == 400
        assert files_under(media) == []
        assert not Secret.objects.exists()
