"""The case page's "Evidence" panel (registered on ``case_page``): the items with their
thumbnails and integrity facts, each linking to its page with the chain of custody, the
upload form, and the evidence package form for those who may share evidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.panels import Panel
from himoya.core.policies import can
from himoya.evidence.forms import EvidenceForm, PackageForm
from himoya.evidence.models import CopyKind, WorkingCopy
from himoya.evidence.selectors import case_items


def evidence(request: HttpRequest, case: Case, forms: Mapping[str, Any]) -> dict[str, Any]:
    items = list(case_items(case))
    thumbs: dict[int, WorkingCopy] = {}
    for copy in WorkingCopy.objects.filter(item__in=items, kind=CopyKind.THUMBNAIL).order_by("id"):
        thumbs[copy.item_id] = copy
    for item in items:
        item.thumbnail = thumbs.get(item.pk)  # type: ignore[attr-defined]
    can_share = bool(items) and can(request.user, "evidence.share", case)
    return {
        "evidence_items": items,
        "can_share_evidence": can_share,
        "package_form": (forms.get("package_form") or PackageForm(case=case, user=request.user))
        if can_share
        else None,
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "can_add_evidence": can(request.user, "evidence.add", case),
    }


case_page.register(
    Panel(
        id="evidence",
        title=_("Evidence"),
        template="evidence/panel.html",
        context=evidence,
        visible=lambda user, case: can(user, "evidence.view", case),
        order=760,
    )
)
