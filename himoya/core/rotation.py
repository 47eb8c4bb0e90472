"""Key rotation: re-encrypt under the primary key, recompute blind indexes."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast

from himoya.core import crypto
from himoya.core.audit import audit_record
from himoya.core.fields import blind_index_fields, encrypted_fields
from himoya.core.policies import require
from himoya.core.storage import EncryptedFileSystemStorage


@dataclass
class RotationReport:
    rows: int = 0
    values: int = 0
    files: int = 0
    documents: int = 0
    primary_id: str = ""


def rotate_all(
    *,
    actor: Any,
    batch_size: int = 500,
    reindex: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RotationReport:
    """Reads every encrypted value (with any key in the ring) and writes it back under the
    primary key, and with ``reindex`` recomputes every blind index and rebuilds the search
    index (after a change of ``HIMOYA_INDEX_KEY``). Rows are rewritten in batches, each in
    its own transaction, so a long run can be interrupted and resumed; a row already under
    the primary key is left alone."""
    require(actor, "keys.rotate")
    ring = crypto.keyring()
    report = RotationReport(primary_id=ring.primary_id)
    for model in apps.get_models():
        enc = encrypted_fields(model)
        idx = blind_index_fields(model)
        if not enc and not (reindex and idx):
            continue
        names = [f.name for f in enc]
        # Cast to plain text reads the stored tokens without decrypting them.
        raw = {f"_raw_{f.name}": Cast(F(f.name), TextField()) for f in enc}
        raw_names = list(raw)
        # The base manager: a default manager may hide rows (soft deletion), and a row left
        # under the old key is lost once that key is removed.
        qs = model._base_manager.annotate(**raw).order_by("pk")
        last_pk: Any = None
        while True:
            page = qs if last_pk is None else qs.filter(pk__gt=last_pk)
            raw_rows = (
                list(page.values_list("pk", *raw_names)[:batch_size])
                if raw_names
                else [(pk,) for pk in page.values_list("pk", flat=True)[:batch_size]]
            )
            if not raw_rows:
                break
            last_pk = raw_rows[-1][0]
            # Raw tokens tell which rows still carry an old key without decrypting them all.
            stale = [r[0] for r in raw_rows if _needs_rekey(r[1:], ring.primary_id)]
            targets = [r[0] for r in raw_rows] if reindex else stale
            if not targets:
                continue
            with transaction.atomic():
                objs = list(model._base_manager.filter(pk__in=targets))
                for obj in objs:
                    for f in idx:
                        f.pre_save(obj, add=False)
                fields = names + [f.name for f in idx]
                model._base_manager.bulk_update(objs, fields, batch_size=batch_size)
                report.rows += len(objs)
                report.values += len(stale) * len(names)
        if progress:
            progress(f"{model._meta.label}: done")
    report.rows += _rotate_authenticators(ring.primary_id)
    storage = default_storage
    if isinstance(storage, EncryptedFileSystemStorage) and os.path.isdir(storage.location):
        for root, _dirs, files in os.walk(storage.location):
            for name in files:
                if name.endswith(".rekey"):
                    continue
                rel = os.path.relpath(os.path.join(root, name), storage.location)
                if storage.reencrypt(rel):
                    report.files += 1
    if reindex and apps.is_installed("himoya.search"):
        # The search tokens are keyed HMACs too: under a new index key every search
        # would find nothing until the documents are re-tokenised from the decrypted text.
        from himoya.search.services import rebuild_index

        report.documents = sum(rebuild_index().values())
        if progress:
            progress(f"search index: {report.documents} documents")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="keys.rotate",
            data={
                "rows": report.rows,
                "files": report.files,
                "documents": report.documents,
                "primary": ring.primary_id,
                "reindex": reindex,
            },
        )
    return report


def _rotate_authenticators(primary: str) -> int:
    """TOTP secrets and recovery-code seeds live inside allauth's Authenticator.data,
    encrypted on this key ring by the MFA adapter. Left under the old key, removing it
    would lock every account out of two-factor authentication."""
    if not apps.is_installed("allauth.mfa"):
        return 0
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    adapter = get_adapter()
    rewritten = 0
    for pk in Authenticator.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().get(pk=pk)
            data = dict(authenticator.data)
            stale = [
                key
                for key, value in data.items()
                if isinstance(value, str)
                and value.startswith(f"{crypto.TOKEN_PREFIX}:")
                and crypto.token_key_id(value) != primary
            ]
            if not stale:
                continue
            for key in stale:
                data[key] = adapter.encrypt(adapter.decrypt(data[key]))
            authenticator.data = data
            authenticator.save(update_fields=["data"])
            rewritten += 1
    return rewritten


def _needs_rekey(tokens: tuple[Any, ...], primary: str) -> bool:
    return any(t is not None and crypto.token_key_id(t) != primary for t in tokens)
