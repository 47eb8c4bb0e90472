"""Importing a register whose rows are known by their ``external_id`` (publications,
trainings; interchange.md): every row checked first, all or nothing, a known id updates
its record, one audit entry per record created or changed and a ``register.import``
summary, in one transaction. One definition for every such register."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import IO, Any

from django.db import models, transaction

from himoya.accounts.models import Organisation
from himoya.core.audit import audit_record_many
from himoya.core.policies import require
from himoya.imports.models import ImportJob
from himoya.imports.reading import ImportInvalid
from himoya.imports.rules import BATCH, Progress, parse
from himoya.imports.services import ImportResult
from himoya.imports.writing import assign, bulk_update


def import_keyed(
    *,
    actor: Any,
    organisation: Organisation,
    source: str | os.PathLike[str] | IO[bytes],
    kind: str,
    model: type[models.Model],
    columns: Any,
    row_rule: Callable[..., Any],
    fields: Sequence[str],
    event: str,
    dry_run: bool = False,
    job: ImportJob | None = None,
    progress: Progress | None = None,
    max_errors: int | None = None,
) -> ImportResult:
    """Raises ``ImportInvalid`` listing every bad row (the first ``max_errors`` of them,
    if given; nothing written)."""
    require(actor, "imports.run", organisation)
    rows, rules = parse(source, columns, row_rule, progress, max_errors)
    if rules.error_count:
        raise ImportInvalid(
            sorted(rules.errors, key=lambda e: e.line), rows=len(rows), count=rules.error_count
        )
    result = ImportResult(kind=kind, rows=len(rows), dry_run=dry_run)
    manager: Any = model._default_manager
    known = {
        record.external_id: record
        for record in manager.filter(
            organisation=organisation, external_id__in=[r.external_id for r in rows]
        )
    }
    create: list[Any] = []
    update: list[Any] = []
    audit: list[tuple[str, Any, dict[str, Any] | None]] = []
    for row in rows:
        values = {name: getattr(row, name) for name in fields}
        existing = known.get(row.external_id)
        if existing is None:
            create.append(model(organisation=organisation, external_id=row.external_id, **values))
            continue
        changed = assign(existing, **values)
        if changed:
            update.append(existing)
            audit.append((event, existing, {"created": False, "fields": changed}))
    result.created, result.updated = len(create), len(update)
    result.unchanged = len(rows) - len(create) - len(update)
    if dry_run:
        return result
    job_id = job.pk if job else None
    with transaction.atomic():
        created = manager.bulk_create(create, batch_size=BATCH)
        bulk_update(model, update, list(fields))
        audit_record_many(
            actor=actor,
            organisation=organisation,
            entries=[
                *((event, record, {"created": True, "job": job_id}) for record in created),
                *audit,
                ("register.import", job, {"kind": kind, "job": job_id, **result.counts()}),
            ],
        )
        if progress:
            progress("write", len(rows), len(rows))
    return result
