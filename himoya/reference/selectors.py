"""Reads of reference data."""

from __future__ import annotations

from django.db.models import QuerySet

from himoya.reference.models import Facility, Term


def terms(vocabulary: str, *, active_only: bool = True) -> QuerySet[Term]:
    qs = Term.objects.filter(vocabulary=vocabulary)
    return qs.filter(active=True) if active_only else qs


def facilities(country: str = "") -> QuerySet[Facility]:
    qs = Facility.objects.select_related("region", "type", "agency")
    return qs.filter(country=country) if country else qs
