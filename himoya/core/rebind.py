"""Rewriting stored values in place, in batches, with the rows locked: column-bound
``hm1`` tokens become row-bound ``hm2`` ones, and blind indexes are recomputed under
their organisation's sub-key. Plain SQL on table and column names, so the migration that
brings existing data over (``cases.0008``) and ``rotate-keys`` share it without depending
on the current models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from himoya.core import crypto
from himoya.core.fields import binding_text


@dataclass(frozen=True)
class Index:
    column: str
    source: str
    # ``(plain) -> normal``, or ``(plain, organisation_id) -> normal`` when it carries
    # ``by_organisation`` (phone numbers read in the organisation's country).
    normaliser: Callable[..., str]
    purpose: str

    def normal(self, plain: str, organisation_id: int | None) -> str:
        if getattr(self.normaliser, "by_organisation", False):
            return self.normaliser(plain, organisation_id)
        return self.normaliser(plain)


@dataclass(frozen=True)
class TableSpec:
    """``label`` is the model's ``app_label.model_name`` (the ciphertexts' context),
    ``scope`` its ``encryption_scope``, ``organisation`` the column naming the
    organisation whose sub-key keys its blind indexes (None: no organisation)."""

    table: str
    label: str
    columns: Sequence[str]
    scope: Sequence[str]
    indexes: Sequence[Index] = field(default_factory=tuple)
    organisation: str | None = None


def binding(spec: TableSpec, pk: Any, scope: Sequence[Any]) -> str:
    return binding_text(pk, list(spec.scope), scope)


def rebind_table(
    spec: TableSpec,
    *,
    rekey: bool = False,
    reindex: bool = False,
    batch_size: int = 500,
) -> int:
    """Rewrites the rows of one table whose tokens are column-bound (or, with ``rekey``,
    under another key than the primary one), and with ``reindex`` every row's blind
    indexes. Each batch is read ``FOR UPDATE`` in its own transaction: an edit saved
    meanwhile waits for the batch, and the batch's read is never older than its write.
    Returns the number of rows rewritten."""
    ring = crypto.keyring()
    q = connection.ops.quote_name
    scope = list(spec.scope)
    org_pos = scope.index(spec.organisation) if spec.organisation in scope else None
    extra = [] if spec.organisation is None or org_pos is not None else [spec.organisation]
    select = ", ".join(q(c) for c in ["id", *scope, *extra, *spec.columns])
    written = 0
    last = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {select} FROM {q(spec.table)} WHERE id > %s "  # noqa: S608
                "ORDER BY id LIMIT %s FOR UPDATE",
                [last, batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return written
            last = rows[-1][0]
            updates: list[list[Any]] = []
            for row in rows:
                pk = row[0]
                scope_values = row[1 : 1 + len(scope)]
                rest = row[1 + len(scope) :]
                org = scope_values[org_pos] if org_pos is not None else (rest[0] if extra else None)
                tokens = rest[len(extra) :]
                stale = [
                    t is not None
                    and (
                        crypto.token_version(t) != crypto.ROW_PREFIX
                        or (rekey and crypto.token_key_id(t) != ring.primary_id)
                    )
                    for t in tokens
                ]
                if not any(stale) and not reindex:
                    continue
                row_id = binding(spec, pk, scope_values)
                plains: dict[str, str | None] = {}
                new_tokens: list[Any] = []
                for column, token, old in zip(spec.columns, tokens, stale, strict=True):
                    context = f"{spec.label}.{column}"
                    plain = (
                        None
                        if token is None
                        else crypto.decrypt(token, context=context, row=row_id)
                    )
                    plains[column] = plain
                    new_tokens.append(
                        crypto.encrypt(plain, context=context, row=row_id, ring=ring)
                        if old and plain is not None
                        else token
                    )
                indexes = []
                if reindex or any(stale):
                    for index in spec.indexes:
                        normal = index.normal(plains.get(index.source) or "", org)
                        indexes.append(
                            crypto.blind_index(normal, purpose=index.purpose, organisation_id=org)
                            if normal
                            else None
                        )
                updates.append([*new_tokens, *indexes, pk])
            if not updates:
                continue
            assignments = [*spec.columns, *(i.column for i in spec.indexes)]
            width = len(updates[0]) - 1
            sets = ", ".join(f"{q(c)} = %s" for c in assignments[:width])
            cursor.executemany(
                f"UPDATE {q(spec.table)} SET {sets} WHERE id = %s",  # noqa: S608
                updates,
            )
            written += len(updates)
