"""Reads of evidence. An item is reached through its case (``cases.selectors``: 404 for
missing and forbidden alike) and then the evidence policy, which also answers 404: an
analyst learns nothing, not even that the case holds evidence."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from himoya.cases import selectors as case_selectors
from himoya.cases.models import Case
from himoya.core.access import record_denial
from himoya.core.models import AuditEvent
from himoya.core.policies import can
from himoya.evidence.models import CopyKind, EvidenceItem, WorkingCopy


def access_case_evidence(user: Any, case_pk: Any) -> Case:
    """The case if ``user`` may see its evidence; else 404."""
    case = case_selectors.access_case(user, case_pk, audit=False)
    if not can(user, "evidence.view", case):
        record_denial(user, Case, case_pk)
        raise Http404
    return case


def access_item(user: Any, case: Case, item_pk: Any) -> EvidenceItem:
    """An item of ``case`` (already checked with ``access_case_evidence``)."""
    try:
        pk = int(item_pk)
    except (TypeError, ValueError):
        raise Http404 from None
    item = EvidenceItem.objects.filter(case=case, pk=pk).first()
    if item is None:
        record_denial(user, EvidenceItem, pk)
        raise Http404
    item.case = case
    return item


def case_items(case: Case) -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.filter(case=case).select_related("received_by")


def latest_copy(item: EvidenceItem, *kinds: str) -> WorkingCopy | None:
    return item.copies.filter(kind__in=kinds).order_by("-id").first()


def viewing_copy(item: EvidenceItem) -> WorkingCopy | None:
    """What a reader looks at: the newest redacted copy, else the clean copy or preview."""
    return latest_copy(item, CopyKind.REDACTED) or latest_copy(
        item, CopyKind.CLEAN, CopyKind.PREVIEW
    )


def custody_history(item: EvidenceItem) -> QuerySet[AuditEvent]:
    """Every audit event about the item, oldest first: its chain of custody."""
    return (
        AuditEvent.objects.filter(
            object_type=EvidenceItem._meta.label_lower, object_id=str(item.pk)
        )
        .select_related("actor")
        .order_by("seq")
    )
