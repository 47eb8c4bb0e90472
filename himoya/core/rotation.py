"""Key rotation: re-encrypt under the primary key, recompute blind indexes."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction

from himoya.core import crypto
from himoya.core.audit import audit_record
from himoya.core.fields import blind_index_fields, encrypted_fields, encryption_scope
from himoya.core.filefields import bind_files, bound_file_specs
from himoya.core.policies import require
from himoya.core.rebind import Index, TableSpec, rebind_table
from himoya.core.storage import EncryptedFileSystemStorage


@dataclass
class RotationReport:
    rows: int = 0
    values: int = 0
    files: int = 0
    documents: int = 0
    primary_id: str = ""
    # Files of records still unbound after the migration that bound them: refused on
    # reading; an operator who knows where they came from binds them with bind_files.
    unbound_files: int = 0


def rotate_all(
    *,
    actor: Any,
    batch_size: int = 500,
    reindex: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RotationReport:
    """Reads every encrypted value (with any key in the ring) and writes it back under the
    primary key, bound to its row, and with ``reindex`` recomputes every blind index and
    rebuilds the search index (after a change of ``HIMOYA_INDEX_KEY``). Rows are rewritten
    in batches, each in its own transaction and locked (``SELECT ... FOR UPDATE``) from
    its read to its write, so an edit saved meanwhile is not overwritten, and a long run
    can be interrupted and resumed; a row already under the primary key is left alone."""
    require(actor, "keys.rotate")
    ring = crypto.keyring()
    report = RotationReport(primary_id=ring.primary_id)
    for model in apps.get_models():
        spec = table_spec(model)
        if spec is None or (not spec.columns and not (reindex and spec.indexes)):
            continue
        report.rows += rebind_table(spec, rekey=True, reindex=reindex, batch_size=batch_size)
        if progress:
            progress(f"{model._meta.label}: done")
    report.rows += _rotate_authenticators(ring.primary_id)
    storage = default_storage
    if isinstance(storage, EncryptedFileSystemStorage) and os.path.isdir(storage.location):
        # A bound file is rewritten with its record's identity, known only from its row;
        # files of no record (none in production) are rewritten unbound, as they were.
        for column in bound_file_specs():
            done = bind_files(column, storage=storage, batch_size=batch_size)
            report.files += done.rewritten
            report.unbound_files += done.unbound
        for root, _dirs, files in os.walk(storage.location):
            for name in files:
                if name.endswith(".rekey"):
                    continue
                rel = os.path.relpath(os.path.join(root, name), storage.location)
                if not storage.header(rel).bound and storage.reencrypt(rel):
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
                and value.startswith((f"{crypto.TOKEN_PREFIX}:", f"{crypto.ROW_PREFIX}:"))
                and crypto.token_key_id(value) != primary
            ]
            if not stale:
                continue
            for key in stale:
                # Sealed for the column here, for the row again when it is saved
                # (accounts.mfa_secrets).
                data[key] = adapter.encrypt(adapter.decrypt(data[key]))
            authenticator.data = data
            authenticator.save(update_fields=["data"])
            rewritten += 1
    return rewritten


def table_spec(model: type[models.Model]) -> TableSpec | None:
    """What ``rebind_table`` rewrites of ``model``: its encrypted columns, bound to its
    ``encryption_scope``, and its blind indexes, keyed by its organisation."""
    enc = encrypted_fields(model)
    idx = blind_index_fields(model)
    if not enc and not idx:
        return None
    organisation = (
        "organisation_id"
        if any(f.attname == "organisation_id" for f in model._meta.concrete_fields)
        else None
    )
    sources = {f.name: f.column for f in enc}
    return TableSpec(
        table=model._meta.db_table,
        label=model._meta.label_lower,
        # The ciphertexts' context names the field; rebind reads it by its column.
        columns=[f.column for f in enc],
        scope=[cast(Any, model._meta.get_field(n)).column for n in encryption_scope(model)],
        indexes=[
            Index(cast(str, f.column), sources[f.source], f.normaliser, f.index_purpose())
            for f in idx
        ],
        organisation=organisation,
    )
