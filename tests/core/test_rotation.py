"""Key rotation (himoya.core.rotation, ``himoya rotate-keys``): a new key put first,
every value and file rewritten under it, the old key removed, nothing lost."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from himoya.core import crypto
from himoya.core.crypto import DecryptionError
from himoya.core.demo_loader import totp_now
from himoya.core.fields import blind_lookup
from himoya.core.models import AuditEvent
from himoya.core.rotation import rotate_all
from himoya.core.storage import EncryptedFileSystemStorage
from tests.factories import UserFactory
from tests.testapp.models import Archived, Secret

pytestmark = pytest.mark.django_db


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


KEY_A = f"ka:{b64(os.urandom(32))}"
KEY_B = f"kb:{b64(os.urandom(32))}"
FILE_DATA = b"Zq7x scanned letter " * 5000  # several segments


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def under_a(settings: Any, media: Path) -> dict[str, Any]:
    """Rows, a stored file and a TOTP device, all written under key A alone."""
    settings.HIMOYA_DATA_KEYS = KEY_A
    secrets = [
        Secret.objects.create(name=f"Ерлан {i}", phone=f"+7 701 000 00 0{i}", story=f"Ёж {i}")
        for i in range(5)
    ]
    secrets[0].attachment.save("letter.pdf", ContentFile(FILE_DATA), save=True)
    hidden = Archived.objects.create(note="hidden row", hidden=True)
    user = UserFactory()
    RecoveryCodes.activate(user)
    return {"secrets": secrets, "hidden": hidden, "user": user}


def raw_tokens() -> list[str]:
    tokens: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, story FROM testapp_secret")
        for row in cursor.fetchall():
            tokens.extend(t for t in row if t is not None)
        cursor.execute("SELECT note FROM testapp_archived")
        tokens.extend(t for (t,) in cursor.fetchall())
    for auth in Authenticator.objects.all():
        tokens.extend(
            v for v in auth.data.values() if isinstance(v, str) and v.startswith(("hm1:", "hm2:"))
        )
    return tokens


def key_ids() -> set[str]:
    return {crypto.token_key_id(t) for t in raw_tokens()}


def read_everything(user: Any) -> None:
    for secret in Secret.objects.order_by("pk"):
        assert secret.name.startswith("Ерлан ")
        assert secret.story.startswith("Ёж ")
    assert Archived._base_manager.get().note == "hidden row"
    stored = Secret.objects.exclude(attachment="").get()
    with stored.attachment.open("rb") as handle:
        assert handle.read() == FILE_DATA
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert TOTP(totp).validate_code(totp_now(user.totp_secret))
    seed = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(seed).get_unused_codes()


def test_rotation_moves_everything_to_the_new_key(under_a: dict[str, Any], settings: Any) -> None:
    assert key_ids() == {"ka"}
    settings.HIMOYA_DATA_KEYS = f"{KEY_B},{KEY_A}"
    # Before rotation the old rows still read with both keys in the ring.
    assert Secret.objects.get(pk=under_a["secrets"][1].pk).name == "Ерлан 1"

    out = io.StringIO()
    call_command("rotate_keys", "--batch-size", "2", stdout=out)
    assert "primary key kb" in out.getvalue()
    assert "1 files" in out.getvalue()
    assert key_ids() == {"kb"}
    storage = EncryptedFileSystemStorage()
    assert storage.key_id(under_a["secrets"][0].attachment.name) == "kb"

    event = AuditEvent.objects.filter(action="keys.rotate").get()
    assert event.data["primary"] == "kb" and event.data["files"] == 1
    assert event.data["rows"] >= 6
    assert event.actor_label == "cli:rotate-keys"

    settings.HIMOYA_DATA_KEYS = KEY_B
    read_everything(under_a["user"])


def test_rotation_is_resumable_and_leaves_done_rows_alone(
    under_a: dict[str, Any], settings: Any
) -> None:
    settings.HIMOYA_DATA_KEYS = f"{KEY_B},{KEY_A}"
    first = rotate_all(actor=_system(), batch_size=3)
    assert first.rows >= 6 and first.files == 1
    before = sorted(raw_tokens())
    again = rotate_all(actor=_system(), batch_size=3)
    assert (again.rows, again.files) == (0, 0)
    assert sorted(raw_tokens()) == before
    assert AuditEvent.objects.filter(action="keys.rotate").count() == 2


def test_without_rotation_removing_the_old_key_breaks_reads(
    under_a: dict[str, Any], settings: Any
) -> None:
    settings.HIMOYA_DATA_KEYS = KEY_B
    with pytest.raises(DecryptionError, match="data key 'ka' .* is not in HIMOYA_DATA_KEYS"):
        Secret.objects.get(pk=under_a["secrets"][2].pk).name  # noqa: B018
    storage = EncryptedFileSystemStorage()
    with pytest.raises(DecryptionError, match="data key 'ka'"):
        storage.open(under_a["secrets"][0].attachment.name)
    totp = Authenticator.objects.get(user=under_a["user"], type=Authenticator.Type.TOTP)
    with pytest.raises(DecryptionError, match="data key 'ka'"):
        get_mfa_adapter().decrypt(totp.data["secret"])


def test_reindex_after_an_index_key_change(under_a: dict[str, Any], settings: Any) -> None:
    target = under_a["secrets"][3]
    assert Secret.objects.get(**blind_lookup(Secret, "phone_index", "87010000003")) == target
    old_index = Secret.objects.values_list("phone_index", flat=True).get(pk=target.pk)

    settings.HIMOYA_INDEX_KEY = b64(os.urandom(32))
    assert not Secret.objects.filter(**blind_lookup(Secret, "phone_index", "87010000003"))
    plain = rotate_all(actor=_system())
    assert plain.rows == 0, "without --reindex nothing needs rewriting"
    assert not Secret.objects.filter(**blind_lookup(Secret, "phone_index", "87010000003"))

    call_command("rotate_keys", "--reindex", stdout=io.StringIO())
    assert Secret.objects.get(**blind_lookup(Secret, "phone_index", "87010000003")) == target
    assert Secret.objects.get(**blind_lookup(Secret, "name_index", "ЕРЛАН 3")) == target
    new_index = Secret.objects.values_list("phone_index", flat=True).get(pk=target.pk)
    assert new_index != old_index
    assert AuditEvent.objects.filter(action="keys.rotate", data__reindex=True).exists()
    read_everything(under_a["user"])


def test_rotation_needs_the_operator(under_a: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        rotate_all(actor=under_a["user"])
    with pytest.raises(PermissionDenied):
        rotate_all(actor=None)


def _system() -> Any:
    from himoya.core.policies import SystemActor

    return SystemActor("test:rotate")


def _waiting_for_a_lock(pid_box: list[int]) -> bool:
    with connection.cursor() as cursor:
        # Statistics are a snapshot per transaction unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
            [pid_box[0] if pid_box else -1],
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_rotation_does_not_lose_an_edit_saved_meanwhile(settings: Any, media: Path) -> None:
    """An edit committed while rotation works on its row survives: the row's batch is
    read under a lock, so the rewrite starts from the edited value."""
    import threading
    import time

    from django.db import connections, transaction

    settings.HIMOYA_DATA_KEYS = KEY_A
    secret = Secret.objects.create(name="Ерлан", story="до правки")
    actor = _system()
    settings.HIMOYA_DATA_KEYS = f"{KEY_B},{KEY_A}"
    pid: list[int] = []
    errors: list[BaseException] = []

    def rotate() -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid.append(cursor.fetchone()[0])
            rotate_all(actor=actor)
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=rotate)
    with transaction.atomic():
        edited = Secret.objects.select_for_update().get(pk=secret.pk)
        edited.story = "после правки"
        edited.save()
        worker.start()
        deadline = time.monotonic() + 20
        # The rotation reaches the row this transaction holds and waits for it.
        while not _waiting_for_a_lock(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_for_a_lock(pid), errors or "the rotation never reached the edited row"
    worker.join(30)
    assert not errors, errors
    assert Secret.objects.get(pk=secret.pk).story == "после правки"
    assert key_ids() == {"kb"}
