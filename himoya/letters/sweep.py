"""Letter files no row refers to. The worker saves a letter's encrypted DOCX and PDF in
the transaction that marks it ready (``generation.generate_stored``); a worker killed
before that transaction commits leaves the files written and the row as it was, so
they are ciphertext nobody will ever open. A dispatch or an answer whose transaction
failed after its upload was stored leaves the same. :func:`orphan_files` finds them
under the letters' upload path; :func:`sweep_orphans` removes them, audited.

Only files older than an hour count: a job still under way (a render takes seconds)
has written its files before its commit, and they must not go from under it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from himoya.core.audit import audit_record

ROOT = "letters"
MIN_AGE_SECONDS = 3600


def referenced() -> set[str]:
    """Every stored name a file column of the letters app holds (letters, batches, and
    whatever file column is added later)."""
    names: set[str] = set()
    for model in apps.get_app_config("letters").get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    n
                    for n in model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator()
                    if n
                )
    return names


def orphan_files(now: float | None = None) -> Iterator[str]:
    """The stored names under ``letters/`` older than an hour that no row refers to."""
    now = time.time() if now is None else now
    media = Path(settings.MEDIA_ROOT)
    base = media / ROOT
    if not base.exists():
        return
    # Read the rows after listing the files: a file written and committed in between is
    # in the set, never taken for an orphan.
    found = [p for p in base.rglob("*") if p.is_file()]
    known = referenced()
    for path in found:
        name = path.relative_to(media).as_posix()
        if name in known:
            continue
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:
            continue
        if age > MIN_AGE_SECONDS:
            yield name


def sweep_orphans(*, actor: Any, delete: bool, now: float | None = None) -> list[str]:
    """The orphan files; removed when ``delete``. Either way one audit event counts them
    (names are random and say nothing of a case, but the count is what an auditor asks)."""
    names = sorted(orphan_files(now))
    if delete:
        media = Path(settings.MEDIA_ROOT)
        for name in names:
            (media / name).unlink(missing_ok=True)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="letter.files.sweep",
            data={"found": len(names), "deleted": len(names) if delete else 0},
        )
    return names
