"""Cases in the audit log go by their numbers (registered with core.object_labels)."""

from __future__ import annotations

from typing import Any

from himoya.cases.models import Case


def case_numbers(organisation: Any, ids: list[str]) -> dict[str, str]:
    pks = [int(i) for i in ids if i.isdigit()]
    found = Case.objects.filter(organisation=organisation, pk__in=pks)
    return {str(pk): number for pk, number in found.values_list("pk", "number")}


def cases_numbered(organisation: Any, number: str) -> list[str]:
    found = Case.objects.filter(organisation=organisation, number__iexact=number.strip())
    return [str(pk) for pk in found.values_list("pk", flat=True)]
