"""Evidence files on a case: sent as ``multipart/form-data`` (field ``file``), and listed.

A caller with a personal API token sends the body after authentication, so the file is
taken as the staff page takes it: the case and the right to add are checked before a
byte of the body is read, the size guard stops an oversize file as it streams in, and
the bytes are hashed and encrypted as they arrive (``evidence.receiving``). A browser
session's request has had its body read by the CSRF check already (under the global
size limit, in memory); the same service seals that file. The bot will call the same
service.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from himoya.api import schemas as s
from himoya.api.common import Refused, created, current_user
from himoya.core import uploads
from himoya.core.policies import can
from himoya.evidence import selectors, services
from himoya.evidence.models import EvidenceItem
from himoya.evidence.receiving import ORGANISATION_ATTR, SealedUploadedFile, SealingUploadHandler

router = Router(tags=["evidence"])


class EvidenceOut(Schema):
    id: int
    content_type: str
    size: int
    sha256: str
    received_at: dt.datetime
    copy_state: str


@router.get(
    "/cases/{int:case_id}/evidence",
    response={200: list[EvidenceOut], **s.ERRORS},
    operation_id="evidence_list",
)
def evidence_list(request: HttpRequest, case_id: int) -> list[EvidenceItem]:
    """The case's evidence items with their SHA-256 as recorded on receipt."""
    case = selectors.access_case_evidence(current_user(request), case_id)
    return list(selectors.case_items(case))


@router.post(
    "/cases/{int:case_id}/evidence",
    response={201: EvidenceOut, 413: s.ErrorOut, **s.ERRORS},
    operation_id="evidence_add",
)
def evidence_add(request: HttpRequest, case_id: int) -> Any:
    """Adds a file (field ``file``; optional ``description``, ``captured_by``,
    ``captured_when``, ``captured_where``). The kind is recognised from the bytes."""
    user = current_user(request)
    case = selectors.access_case_evidence(user, case_id)
    if not can(user, "evidence.add", case):
        raise PermissionDenied
    setattr(request, ORGANISATION_ATTR, case.organisation_id)
    handler: SealingUploadHandler | None = None
    if not hasattr(request, "_files"):  # the body is still unread
        handler = SealingUploadHandler(request)
        guard = uploads.UploadGuard(request, services.EVIDENCE)
        request.upload_handlers = [guard, handler]
    try:
        files = request.FILES  # parsed here, under the guard when it was installed
        refused = uploads.upload_refusal(request)
        if refused:
            raise Refused(413, "too_large", refused)
        upload = files.get("file")
        if upload is None:
            raise ValidationError({"file": _('Attach the file as the field "file".')})
        capture = services.Capture(
            by=request.POST.get("captured_by", ""),
            when=request.POST.get("captured_when", ""),
            where=request.POST.get("captured_where", ""),
            description=request.POST.get("description", ""),
        )
        source: Any = upload.sealed if isinstance(upload, SealedUploadedFile) else upload
        item = services.evidence_receive(
            actor=user,
            case=case,
            source=source,
            original_name=upload.name or "",
            capture=capture,
            sealed_by=handler,
        )
        return created(item)
    finally:
        if handler is not None:
            handler.discard_unclaimed()
