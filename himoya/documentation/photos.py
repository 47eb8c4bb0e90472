"""Photographs linked to a finding, as the evaluation page and the report show them.

The photographs are evidence items, and the evidence app builds on this one (its package
needs the sharing consent and the medical report), so documentation does not import it:
evidence keeps the links (``evidence.FindingPhoto``) and registers here, in its
``ready()``, what reads them. With no source registered a finding has no photographs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from himoya.documentation.models import Finding


@dataclass(frozen=True)
class LinkedPhoto:
    item_id: int
    label: str
    sha256: str
    thumbnail_url: str = ""
    url: str = ""

    @property
    def short_hash(self) -> str:
        """The SHA-256 prefix a report names the file by (12 hex digits: 48 bits)."""
        return self.sha256[:12]


class PhotoSource(Protocol):
    def linked(self, case: Any, findings: Sequence[Finding]) -> dict[int, list[LinkedPhoto]]:
        """Each finding's photographs (by finding id), oldest link first."""
        ...

    def link_url(self, case: Any, finding: Finding) -> str:
        """Where a clinician chooses a finding's photographs."""
        ...


_sources: list[PhotoSource] = []


def register(source: PhotoSource) -> None:
    if source not in _sources:
        _sources.append(source)


def linked(case: Any, findings: Sequence[Finding]) -> dict[int, list[LinkedPhoto]]:
    found: dict[int, list[LinkedPhoto]] = {}
    for source in _sources:
        for finding_id, photos in source.linked(case, findings).items():
            found.setdefault(finding_id, []).extend(photos)
    return found


def link_url(case: Any, finding: Finding) -> str:
    return next((url for s in _sources if (url := s.link_url(case, finding))), "")
