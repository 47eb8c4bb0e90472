"""Downloads of stored files stream: the real view holds one segment of plaintext at a
time, and a segment found damaged half way aborts the response instead of ending it
early as if the file were shorter."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Appeal
from himoya.core.crypto import DecryptionError
from himoya.core.models import AuditEvent
from himoya.core.storage import CHUNK, TAG, EncryptedFileSystemStorage
from tests.conftest import make_client
from tests.factories import UserFactory

PDF_HEAD = b"%PDF-1.4\n% a fictional scanned letter\n"
MB = 1024 * 1024


def fictional_pdf(path: Path, size: int) -> str:
    """A file of ``size`` bytes on disk, written in pieces, and its SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        piece = PDF_HEAD
        written = 0
        while written < size:
            piece = piece[: size - written]
            out.write(piece)
            digest.update(piece)
            written += len(piece)
            piece = bytes([written % 251]) * MB
    return digest.hexdigest()


def appeal_with_letter(org: Any, letter: Path) -> tuple[Any, Appeal]:
    user = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    with letter.open("rb") as handle:
        case = services.appeal_register(
            actor=user,
            organisation=org,
            data=services.AppealInput(
                received_on=timezone.localdate() - dt.timedelta(days=1),
                channel="phone",
                consent_processing=True,
                victim=services.PersonInput(full_name="Примеров Арман"),
                country="KZ",
                violations=["torture"],
                agency="police",
            ),
            attachment=File(handle, name="letter.pdf"),
        ).case
    return user, case.appeals.get()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_a_20_mb_download_does_not_hold_the_file_in_memory(
    org: Any, media: Path, tmp_path: Path
) -> None:
    size = 20 * MB
    expected = fictional_pdf(tmp_path / "letter.pdf", size)
    user, appeal = appeal_with_letter(org, tmp_path / "letter.pdf")
    client = make_client(user)
    url = reverse("cases:appeal_letter", args=[appeal.case_id, appeal.pk])
    gc.collect()
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200
        digest = hashlib.sha256()
        received = 0
        for piece in response.streaming_content:
            digest.update(piece)
            received += len(piece)
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (received, digest.hexdigest()) == (size, expected)
    assert int(response["Content-Length"]) == size
    assert response["Content-Type"] == "application/pdf"
    assert peak < 2 * MB, f"peak {peak / MB:.1f} MB while serving a {size // MB} MB file"


def damage(appeal: Appeal, segment: int) -> None:
    """Flips one byte of a stored segment in place (the same file, as a reader sees it)."""
    store = EncryptedFileSystemStorage()
    name = appeal.attachment.name
    offset = len(store.header(name).raw) + segment * (CHUNK + TAG) + 5
    with open(store.path(name), "r+b") as stored:
        stored.seek(offset)
        byte = stored.read(1)
        stored.seek(offset)
        stored.write(bytes([byte[0] ^ 1]))


@pytest.mark.django_db
def test_a_damaged_file_is_refused_before_the_download_starts(
    org: Any, media: Path, tmp_path: Path
) -> None:
    fictional_pdf(tmp_path / "letter.pdf", 3 * CHUNK + 10)
    user, appeal = appeal_with_letter(org, tmp_path / "letter.pdf")
    damage(appeal, 1)
    client = make_client(user)
    client.raise_request_exception = False
    response = client.get(reverse("cases:appeal_letter", args=[appeal.case_id, appeal.pk]))
    # The page that says the record is damaged (and audits it), not a server error.
    assert response.status_code == 200
    assert not response.streaming
    assert PDF_HEAD not in response.content
    assert AuditEvent.objects.filter(action="crypto.damaged").exists()


@pytest.mark.django_db
def test_a_segment_damaged_during_the_download_aborts_it(
    org: Any, media: Path, tmp_path: Path
) -> None:
    """Once the headers are out the status cannot change: the body fails at the damaged
    segment (the server drops the connection short of the announced Content-Length,
    which HTTP clients report as an error) instead of ending as if the file were
    shorter."""
    size = 3 * CHUNK + 10
    fictional_pdf(tmp_path / "letter.pdf", size)
    user, appeal = appeal_with_letter(org, tmp_path / "letter.pdf")
    response = make_client(user).get(
        reverse("cases:appeal_letter", args=[appeal.case_id, appeal.pk])
    )
    assert response.status_code == 200
    assert int(response["Content-Length"]) == size
    damage(appeal, 2)
    received = bytearray()
    with pytest.raises(DecryptionError, match="segment 2 "):
        for piece in response.streaming_content:
            received += piece
    assert len(received) <= 2 * CHUNK
    response.close()
