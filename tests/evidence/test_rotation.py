"""Key rotation reaches evidence files: they are bound to their rows like every stored
file (``bound_file_columns``), so ``rotate-keys`` rewrites them under the new key with
the same identity, and they still verify and open afterwards."""

from __future__ import annotations

import base64
import io
import os
from typing import Any

import pytest

from himoya.core.policies import SystemActor
from himoya.core.rotation import rotate_all
from himoya.core.storage import EncryptedFileSystemStorage
from himoya.evidence import files, services
from tests.evidence.helpers import photo

pytestmark = pytest.mark.django_db

ACTOR = SystemActor("test:evidence-rotation")


def _key(kid: str) -> str:
    return f"{kid}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


def test_rotation_rewrites_evidence_originals_and_copies(
    world: Any, media: Any, settings: Any
) -> None:
    old, new = _key("ea"), _key("eb")
    first = settings.HIMOYA_DATA_KEYS  # the world's rows are under the test key
    settings.HIMOYA_DATA_KEYS = f"{old},{first}"
    item = services.evidence_receive(actor=ACTOR, case=world.case, source=io.BytesIO(photo()))
    from himoya.evidence.tasks import derive_working_copies

    derive_working_copies.call(item.pk)
    stored = [item.stored_name, *item.copies.values_list("stored_name", flat=True)]
    storage = EncryptedFileSystemStorage()
    assert {storage.key_id(name) for name in stored} == {"ea"}

    settings.HIMOYA_DATA_KEYS = f"{new},{old},{first}"
    report = rotate_all(actor=ACTOR)
    assert report.files >= len(stored)
    assert {storage.key_id(name) for name in stored} == {"eb"}

    settings.HIMOYA_DATA_KEYS = new  # the old keys gone: everything still opens
    digest, size = files.hash_stored(item.stored_name, files.binding_of(item))
    assert (digest, size) == (item.sha256, item.size)
    clean = item.copies.get(kind="clean")
    with files.open_plain(clean.stored_name, services.copy_binding(clean)) as plain:
        assert plain.read(3) == b"\xff\xd8\xff"
