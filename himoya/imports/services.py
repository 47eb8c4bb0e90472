"""Importing an organisation's registers (cases, publications) from CSV or XLSX.

The formats are a contract (``shared/interchange.md``). One function per register,
used by the CLI (as ``SystemActor``) and by the staff pages alike:

* every row is validated first, with the domain rules of ``cases.services``; any invalid
  row means nothing is written, and every bad row is reported as (line, column, reason),
  line numbers as in the file (the header is line 1);
* then everything is written in ONE transaction with bulk inserts, in batches, together
  with the audit events: one ``case.import`` event per case created or changed, one per
  place of detention or region added, and a ``register.import`` summary with the counts;
* a row whose ``external_id`` is already known updates that case (and the appeal and
  victim the import made for it). Each imported row leaves a keyed fingerprint
  (``ImportedCase``), so a row imported again unchanged is skipped: re-importing the same
  file writes nothing but the summary event. A case edited in the staff pages keeps those
  edits until its row in the register changes.

Each row's victim becomes a person of their own: people are never merged by name (two
people with one name are common), so "distinct victims" in the statistics are distinct
rows of the register. The register does not record consent, so imported appeals record
none.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation
from himoya.cases.models import (
    Case,
)
from himoya.core.audit import audit_record_many
from himoya.core.crypto import derive_key
from himoya.core.policies import require
from himoya.imports.models import ImportedCase, ImportJob
from himoya.imports.reading import ImportInvalid
from himoya.imports.rules import (
    BATCH,
    CASE_COLUMNS,
    PUBLICATION_COLUMNS,
    CaseRow,
    Progress,
    case_row,
    parse,
    publication_row,
)
from himoya.imports.writing import CaseWriter, Places, index_cases
from himoya.outreach.models import Publication


class OrganisationChoice(Exception):
    """``--org`` was left out but the instance has several organisations (or none)."""


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    facilities_added: int = 0
    regions_added: int = 0
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "facilities_added": self.facilities_added,
            "regions_added": self.regions_added,
        }


def organisation_for_import(slug: str | None) -> Organisation:
    """The organisation named by ``--org``; without it, the only one on the instance."""
    if slug:
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            raise OrganisationChoice(
                _("There is no organisation “%(slug)s”. Choose one of: %(choices)s.")
                % {"slug": slug, "choices": _org_choices()}
            )
        return org
    orgs = list(Organisation.objects.order_by("slug")[:2])
    if len(orgs) == 1:
        return orgs[0]
    if not orgs:
        raise OrganisationChoice(
            _("There is no organisation yet: create one with `himoya org create`.")
        )
    raise OrganisationChoice(
        _("This instance has several organisations: choose one with --org (%(choices)s).")
        % {"choices": _org_choices()}
    )


def _org_choices() -> str:
    return ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True))


# ---------------------------------------------------------------- reading the file


def _fingerprints(rows: list[CaseRow], organisation: Organisation) -> None:
    # The label is part of every stored fingerprint: renamed, every row would look changed.
    key = derive_key(f"register.import:{organisation.pk}")
    for row in rows:
        row.fingerprint = hmac.new(key, row.canonical(), hashlib.sha256).hexdigest()


def import_cases(
    *,
    actor: Any,
    organisation: Organisation,
    source: str | os.PathLike[str] | IO[bytes],
    dry_run: bool = False,
    job: ImportJob | None = None,
    progress: Progress | None = None,
    max_errors: int | None = None,
) -> ImportResult:
    """Imports a case register (interchange.md); all or nothing.

    Raises ``ImportInvalid`` listing every bad row (the first ``max_errors`` of them, if
    given; nothing written) and PermissionDenied
    unless ``actor`` may import into ``organisation`` (policy ``imports.run``).
    """
    require(actor, "imports.run", organisation)
    rows, rules = parse(source, CASE_COLUMNS, case_row, progress, max_errors)
    if rules.error_count:
        raise ImportInvalid(
            sorted(rules.errors, key=lambda e: e.line), rows=len(rows), count=rules.error_count
        )
    _fingerprints(rows, organisation)
    result = ImportResult(kind="cases", rows=len(rows), dry_run=dry_run)
    # What is known already: first only fingerprints (an unchanged row costs nothing
    # more), then full records for the rows that will change.
    fingerprints: dict[str, str] = {}
    case_ids: dict[str, int] = {}
    external_ids = [row.external_id for row in rows]
    for start in range(0, len(external_ids), 5000):
        chunk = external_ids[start : start + 5000]
        fingerprints.update(
            ImportedCase.objects.filter(
                organisation=organisation, external_id__in=chunk
            ).values_list("external_id", "fingerprint")
        )
        for external_id, case_id in Case.objects.filter(
            organisation=organisation, external_id__in=chunk
        ).values_list("external_id", "pk"):
            if external_id is not None:
                case_ids[external_id] = case_id
    new = [row for row in rows if row.external_id not in case_ids]
    existing = [
        row
        for row in rows
        if row.external_id in case_ids and fingerprints.get(row.external_id) != row.fingerprint
    ]
    known: dict[str, ImportedCase | int] = {
        row.external_id: case_ids[row.external_id] for row in existing
    }
    for start in range(0, len(existing), 5000):
        chunk = [row.external_id for row in existing[start : start + 5000]]
        for record in ImportedCase.objects.filter(organisation=organisation, external_id__in=chunk):
            known[record.external_id] = record
    result.created = len(new)
    result.unchanged = len(rows) - len(new) - len(existing)
    if dry_run:
        result.updated = len(existing)
        return result
    with transaction.atomic():
        places = Places()
        writer = CaseWriter(actor=actor, organisation=organisation, job=job, places=places)
        total = len(new) + len(existing)
        done = 0
        writer.reserve_numbers(new)
        for start in range(0, len(new), BATCH):
            batch = new[start : start + BATCH]
            places.prepare(batch)
            writer.create(batch)
            done += len(batch)
            if progress:
                progress("write", done, total)
        for start in range(0, len(existing), BATCH):
            batch = existing[start : start + BATCH]
            places.prepare(batch)
            result.updated += writer.update(batch, known)
            done += len(batch)
            if progress:
                progress("write", done, total)
        index_cases(writer.documents, progress)
        result.unchanged += len(existing) - result.updated
        result.facilities_added = sum(1 for a, _o in places.added if a == "facility.create")
        result.regions_added = sum(1 for a, _o in places.added if a == "region.create")
        audit_record_many(
            actor=actor,
            organisation=organisation,
            entries=[
                *(
                    (action, obj, {"import": "cases", "job": writer.job_id})
                    for action, obj in places.added
                ),
                *writer.audit,
                (
                    "register.import",
                    job,
                    {"kind": "cases", "job": writer.job_id, **result.counts()},
                ),
            ],
        )
    return result


# ---------------------------------------------------------------- publications


def import_publications(
    *,
    actor: Any,
    organisation: Organisation,
    source: str | os.PathLike[str] | IO[bytes],
    dry_run: bool = False,
    job: ImportJob | None = None,
    progress: Progress | None = None,
    max_errors: int | None = None,
) -> ImportResult:
    """Imports the register of publications (interchange.md); all or nothing, a known
    external_id updates that publication."""
    # Imported here: keyed.py builds on this module's ImportResult.
    from himoya.imports.keyed import import_keyed

    return import_keyed(
        actor=actor,
        organisation=organisation,
        source=source,
        kind="publications",
        model=Publication,
        columns=PUBLICATION_COLUMNS,
        row_rule=publication_row,
        fields=["published_on", "language", "title", "kind", "url"],
        event="publication.import",
        dry_run=dry_run,
        job=job,
        progress=progress,
        max_errors=max_errors,
    )
