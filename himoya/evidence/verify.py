"""Re-hashing stored originals against the SHA-256 recorded on receipt
(``himoya verify-evidence``, a daily job beside ``verify-audit``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from himoya.core.crypto import DecryptionError
from himoya.evidence import files
from himoya.evidence.models import EvidenceItem
from himoya.evidence.services import item_aad


@dataclass(frozen=True)
class Problem:
    item: EvidenceItem
    case_number: str
    reason: str  # a short code: mismatch, size, unreadable, missing

    def describe(self) -> str:
        return f"{self.item.label} (case {self.case_number}): {self.reason}"


@dataclass
class EvidenceReport:
    checked: int = 0
    bytes: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _items(case_number: str | None) -> Iterator[EvidenceItem]:
    qs = EvidenceItem.objects.select_related("case").only(
        "id", "organisation_id", "stored_name", "sha256", "size", "case__number"
    )
    if case_number:
        qs = qs.filter(case__number=case_number)
    return qs.order_by("id").iterator(chunk_size=500)


def check_item(item: EvidenceItem) -> str:
    """ "" when the stored original still hashes to what was recorded, else why not."""
    try:
        digest, size = files.hash_stored(item.stored_name, item_aad(item))
    except FileNotFoundError:
        return "missing"
    except (DecryptionError, OSError):
        return "unreadable"
    if size != item.size:
        return "size"
    if digest != item.sha256:
        return "mismatch"
    return ""


def verify_evidence(case_number: str | None = None) -> EvidenceReport:
    report = EvidenceReport()
    for item in _items(case_number):
        report.checked += 1
        reason = check_item(item)
        if reason:
            report.problems.append(Problem(item, item.case.number, reason))
        else:
            report.bytes += item.size
    return report
