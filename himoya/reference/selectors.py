"""Reads of reference data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from himoya.core.models import AuditEvent
from himoya.core.policies import can
from himoya.reference.models import Facility, Region, Term

M = TypeVar("M", bound=Model)


def offerable(qs: QuerySet[M], *, keep: Iterable[Any] = (), key: str = "pk") -> QuerySet[M]:
    """The one rule for what a new entry may choose from a vocabulary, the regions or the
    places of detention: the rows in use. A retired row stays on the records that already
    point at it, so ``keep`` (those records' current values, matched on ``key``) stays
    offered too: editing such a record must not silently drop or refuse its value."""
    kept = [k for k in keep if k not in (None, "")]
    return qs.filter(Q(active=True) | Q(**{f"{key}__in": kept}))


def offered_facilities(country: str = "", *, keep: Iterable[Any] = ()) -> QuerySet[Facility]:
    return offerable(facilities(country), keep=keep)


def offered_regions(country: str = "", *, keep: Iterable[Any] = ()) -> QuerySet[Region]:
    qs = Region.objects.filter(country=country.upper()) if country else Region.objects.all()
    return offerable(qs, keep=keep)


def offered_terms(vocabulary: str, *, keep: Iterable[str] = ()) -> QuerySet[Term]:
    """The terms a new entry may take, plus the codes in ``keep``."""
    return offerable(Term.objects.filter(vocabulary=vocabulary), keep=keep, key="code")


def terms(vocabulary: str, *, active_only: bool = True) -> QuerySet[Term]:
    return offered_terms(vocabulary) if active_only else Term.objects.filter(vocabulary=vocabulary)


def terms_for_country(vocabulary: str, country: str, *, keep: Iterable[str] = ()) -> QuerySet[Term]:
    """The active terms of ``vocabulary`` that apply in ``country``, plus the codes in
    ``keep`` (a record's own value, retired or not)."""
    kept = [k for k in keep if k]
    return offered_terms(vocabulary, keep=kept).filter(
        Q(countries=[]) | Q(countries__contains=[country]) | Q(code__in=kept)
    )


def facilities(country: str = "") -> QuerySet[Facility]:
    qs = Facility.objects.select_related("region", "type", "agency")
    return qs.filter(country=country) if country else qs


# The shared records' types, including the labels they had while they lived in ``cases``
# (stored events keep the type they were recorded with).
SHARED_TYPES = (
    "reference.term",
    "reference.region",
    "reference.facility",
    "reference.steward",
    "cases.term",
    "cases.region",
    "cases.facility",
)
CHANGE_ACTIONS = (
    "admin.add",
    "admin.change",
    "admin.delete",
    "facility.create",
    "facility.verify",
    "facility.update",
    "region.create",
    "region.update",
    "term.create",
    "term.update",
    "steward.grant",
    "steward.revoke",
)


def reference_changes(user: Any) -> QuerySet[AuditEvent]:
    """Changes to shared reference data, newest first, whoever made them and whichever
    organisation they were recorded under (instance level, or the importing
    organisation's for places and regions a register import added)."""
    if not can(user, "reference.changes"):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        action__in=CHANGE_ACTIONS, object_type__in=SHARED_TYPES
    ).order_by("-seq")


def changed_objects(events: Iterable[AuditEvent]) -> dict[tuple[str, str], str]:
    """The current names of the records ``events`` changed, by (type, id): a term as its
    vocabulary and label, a region and a place by name."""
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_id.isdigit():
            wanted.setdefault(e.object_type.split(".")[-1], set()).add(int(e.object_id))
    found: dict[tuple[str, str], str] = {}
    for kind, model in (("term", Term), ("region", Region), ("facility", Facility)):
        for obj in model.objects.filter(pk__in=wanted.get(kind, ())):
            text = f"{obj.vocabulary}: {obj}" if isinstance(obj, Term) else str(obj)
            found[(kind, str(obj.pk))] = text
    return found
