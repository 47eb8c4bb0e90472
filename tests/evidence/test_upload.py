"""Receiving evidence through the case page: hashing, sniffing, the bad inputs, and the
files left (or not) under the media root."""

from __future__ import annotations

import hashlib
import html
from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import override

from himoya.evidence import files
from himoya.evidence.models import CopyProblem, CopyState, EvidenceItem
from himoya.evidence.services import item_aad
from tests.conftest import make_client, run_queued_tasks
from tests.evidence.helpers import SIGNATURES, media_files, photo, png_bomb, upload

pytestmark = pytest.mark.django_db


def _post(client: Any, case: Any, data: bytes, name: str = "photo.jpg", **extra: Any) -> Any:
    page = client.get(reverse("cases:detail", args=[case.pk]))
    token = page.context["evidence_form"]["form_token"].value()
    return client.post(
        reverse("evidence:upload", args=[case.pk]),
        {"form_token": token, "captured_by": "Фиктивный свидетель", "file": upload(data, name)},
        **extra,
    )


def test_a_photo_is_hashed_sealed_and_stripped_of_its_location(
    world: Any, media: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = photo()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(make_client(world.a_lawyer), world.case, data, name="Иванов_побои.jpg")
    assert response.status_code == 302
    item = EvidenceItem.objects.get(case=world.case)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert (item.size, item.content_type) == (len(data), "image/jpeg")
    assert item.original_name == "Иванов_побои.jpg"
    assert item.captured_by == "Фиктивный свидетель"
    assert item.received_by == world.a_lawyer
    # The name and what was told are sealed in the database, never in clear.
    raw = EvidenceItem.objects.filter(pk=item.pk).values_list("original_name", flat=True)[0]
    assert "Иванов" not in str(raw)
    with files.open_plain(item.stored_name, item_aad(item)) as plain:
        assert plain.read() == data
    assert run_queued_tasks() == 1
    item.refresh_from_db()
    assert item.copy_state == CopyState.READY
    clean = item.copies.get(kind="clean")
    from himoya.evidence.services import copy_binding

    with files.open_plain(clean.stored_name, copy_binding(clean)) as plain:
        made = plain.read()
    assert b"FictionalCam" in data and b"FictionalCam" not in made
    import io

    from PIL import Image

    assert not Image.open(io.BytesIO(made)).getexif()
    assert item.copies.filter(kind="thumbnail").exists()
    for path in media_files(media):
        head = path.read_bytes()[:8]
        assert head.startswith(b"HMYF")
        assert not any(head.startswith(sig) for sig in SIGNATURES)


def test_the_kind_comes_from_the_bytes_not_the_name(world: Any, media: Any) -> None:
    client = make_client(world.a_lawyer)
    _post(client, world.case, b"%PDF-1.4\n%fictional\n", name="photo.jpg")
    item = EvidenceItem.objects.get()
    assert (item.content_type, item.extension) == ("application/pdf", "pdf")


def test_an_unknown_binary_is_refused_and_leaves_nothing(world: Any, media: Any) -> None:
    response = _post(make_client(world.a_lawyer), world.case, b"\x00\x01\x02binary", "x.jpg")
    assert response.status_code == 400
    assert not EvidenceItem.objects.exists()
    assert media_files(media) == []


def test_an_oversize_file_is_refused_before_it_is_stored(
    world: Any, media: Any, settings: Any
) -> None:
    settings.HIMOYA_MAX_UPLOAD_BYTES = 100_000
    response = _post(make_client(world.a_lawyer), world.case, b"\xff\xd8\xff" + b"0" * 300_000)
    assert response.status_code in (303, 413)
    assert not EvidenceItem.objects.exists()
    assert media_files(media) == []


def test_an_image_bomb_is_refused_from_its_header(world: Any, media: Any) -> None:
    response = _post(make_client(world.a_lawyer), world.case, png_bomb(), "bomb.png")
    assert response.status_code == 400
    assert "million pixels" in response.content.decode() or response.context
    assert not EvidenceItem.objects.exists()
    assert media_files(media) == []


def test_a_broken_header_is_kept_with_a_note(world: Any, media: Any) -> None:
    data = b"\xff\xd8\xff\xe0" + b"\x13" * 500
    _post(make_client(world.a_lawyer), world.case, data, "broken.jpg")
    item = EvidenceItem.objects.get()
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.copy_state == CopyState.FAILED
    assert item.copy_problem == "unreadable"
    assert not item.copies.exists()
    page = make_client(world.a_lawyer).get(reverse("cases:detail", args=[world.case.pk]))
    with override("ru"):
        note = str(CopyProblem.UNREADABLE.label)
    assert "рабочую копию сделать не удалось" in note
    assert note in html.unescape(page.content.decode())


def _multipart(case: Any, client: Any, data: bytes) -> tuple[bytes, str]:
    page = client.get(reverse("cases:detail", args=[case.pk]))
    token = page.context["evidence_form"]["form_token"].value()
    csrf = page.context["csrf_token"]
    boundary = "XxFictionalBoundaryxX"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name="form_token"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="cut.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode() + data
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_truncated_upload_leaves_no_row_and_no_file(world: Any, media: Any) -> None:
    client = make_client(world.a_lawyer)
    client.handler.enforce_csrf_checks = False
    body, ctype = _multipart(world.case, client, photo()[:200])  # no closing boundary
    client.generic("POST", reverse("evidence:upload", args=[world.case.pk]), body, ctype)
    assert not EvidenceItem.objects.exists()
    assert media_files(media) == []


def test_an_interrupted_upload_leaves_no_row_and_no_file(world: Any, media: Any) -> None:
    client = make_client(world.a_lawyer)
    body, ctype = _multipart(world.case, client, b"\xff\xd8\xff" + b"1" * 200_000)
    # The connection drops: the body ends long before the length it announced.
    with pytest.raises(Exception):  # noqa: B017 (whatever the server raises on a cut body)
        client.generic(
            "POST",
            reverse("evidence:upload", args=[world.case.pk]),
            body,
            ctype,
            CONTENT_LENGTH=str(len(body) + 1_000_000),
        )
    assert not EvidenceItem.objects.exists()
    assert media_files(media) == []
