"""Photographs linked to findings: the write (``finding_photos_set``, by the clinicians
who write the evaluation) and the source the evaluation page and the report read them
through (``documentation.photos``). A link names the item; looking at its thumbnail is
not a custody entry (thumbnails are not the evidence), opening the item's page is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from himoya.cases.services.common import user_of
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.documentation.models import Finding
from himoya.documentation.photos import LinkedPhoto
from himoya.evidence.models import CopyKind, EvidenceItem, FindingPhoto, WorkingCopy


def finding_photos_set(*, actor: Any, finding: Finding, items: Sequence[EvidenceItem]) -> None:
    """Makes ``items`` (evidence of the finding's case) the finding's photographs: new
    ones are linked, the others unlinked, in one transaction with one event."""
    case = finding.evaluation.case
    require(actor, "documentation.evaluation.write", case)
    require(actor, "evidence.view", case)
    if any(item.case_id != case.pk for item in items):
        raise ValidationError({"items": _("Choose evidence of this case.")})
    wanted = {item.pk for item in items}
    with transaction.atomic():
        links = FindingPhoto.objects.select_for_update().filter(finding=finding)
        present = set(links.values_list("item_id", flat=True))
        removed, added = sorted(present - wanted), sorted(wanted - present)
        if not removed and not added:
            return
        FindingPhoto.objects.filter(finding=finding, item_id__in=removed).delete()
        FindingPhoto.objects.bulk_create(
            FindingPhoto(finding=finding, item_id=pk, linked_by=user_of(actor)) for pk in added
        )
        record_event(
            actor=actor,
            action="finding.photos",
            obj=finding,
            organisation=case.organisation,
            data={
                "case": case.pk,
                "evaluation": finding.evaluation_id,
                "finding": finding.pk,
                "added": added,
                "removed": removed,
            },
        )


class EvidencePhotos:
    """``documentation.photos``' source: the links kept here."""

    def linked(self, case: Any, findings: Sequence[Finding]) -> dict[int, list[LinkedPhoto]]:
        links = list(
            FindingPhoto.objects.filter(finding__in=[f.pk for f in findings])
            .select_related("item")
            .order_by("linked_at", "id")
        )
        thumbs = {
            copy.item_id: copy
            for copy in WorkingCopy.objects.filter(
                item__in=[link.item_id for link in links], kind=CopyKind.THUMBNAIL
            ).order_by("id")
        }
        found: dict[int, list[LinkedPhoto]] = {}
        for link in links:
            item = link.item
            thumb = thumbs.get(item.pk)
            found.setdefault(link.finding_id, []).append(
                LinkedPhoto(
                    item_id=item.pk,
                    label=item.label,
                    sha256=item.sha256,
                    thumbnail_url=reverse("evidence:copy", args=[case.pk, item.pk, thumb.pk])
                    if thumb
                    else "",
                    url=reverse("evidence:item", args=[case.pk, item.pk]),
                )
            )
        return found

    def link_url(self, case: Any, finding: Finding) -> str:
        return reverse("evidence:finding_photos", args=[case.pk, finding.pk])


SOURCE = EvidencePhotos()
