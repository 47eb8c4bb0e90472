"""Writes of evidence: receiving an item, recording its custody, deriving and redacting
working copies. Each checks permission, runs in one transaction with its audit event,
and removes any file it wrote when the transaction does not commit."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from himoya.cases.models import Case
from himoya.cases.services.common import user_of
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.core.tasks import enqueue_on_commit
from himoya.core.uploads import UploadPolicy
from himoya.evidence import files, imaging, kinds
from himoya.evidence.models import CopyKind, CopyProblem, CopyState, EvidenceItem, WorkingCopy
from himoya.evidence.receiving import SealingUploadHandler, allocate_item_pk, item_binding

EVIDENCE = UploadPolicy(
    kinds=kinds.ACCEPTED,
    too_large=gettext_lazy(
        "The file is larger than %(size)s and was not accepted; nothing was stored."
    ),
    wrong_kind=gettext_lazy(
        "This kind of file is not taken as evidence: upload a photograph, a scan or PDF, "
        "a recording, a video or an office document."
    ),
    receiver=SealingUploadHandler,
)


class Purpose:
    """Why an item was looked at, downloaded, shared or exported (stored as the code)."""

    CHOICES = (
        ("review", gettext_lazy("review of the case")),
        ("legal", gettext_lazy("legal work (complaint, appeal, court)")),
        ("medical", gettext_lazy("medical or psychological evaluation")),
        ("prosecutor", gettext_lazy("for the prosecutor's office")),
        ("court", gettext_lazy("for a court")),
        ("un_body", gettext_lazy("for a UN body")),
        ("ombudsman", gettext_lazy("for the Human Rights Commissioner")),
        ("other", gettext_lazy("other")),
    )
    CODES = frozenset(code for code, _label in CHOICES)


CUSTODY_ACTIONS = ("evidence.view", "evidence.download", "evidence.share", "evidence.export")


@dataclass(frozen=True)
class Capture:
    """Who captured an item, when and where, as told by whoever brought it."""

    by: str = ""
    when: str = ""
    where: str = ""
    description: str = ""


def _kind_of(name: str, aad: bytes) -> Any:
    with files.open_plain(name, aad, verify=False) as plain:
        return kinds.sniff(cast(IO[bytes], plain))


def _image_check(name: str, aad: bytes) -> str:
    """ "" when the header opens, else why no working copy can be made. An image bomb is
    refused here, from its header alone."""
    with files.open_plain(name, aad, verify=False) as plain:
        try:
            imaging.probe(plain)
        except imaging.TooManyPixels:
            raise ValidationError(
                _(
                    "The picture is too large (more than %(pixels)s million pixels) and "
                    "was not accepted; nothing was stored."
                )
                % {"pixels": imaging.MAX_PIXELS // 1_000_000},
                code="too_many_pixels",
            ) from None
        except imaging.Unreadable:
            return CopyProblem.UNREADABLE
    return ""


def evidence_receive(
    *,
    actor: Any,
    case: Case,
    source: IO[bytes] | files.Sealed,
    original_name: str = "",
    capture: Capture | None = None,
    sealed_by: SealingUploadHandler | None = None,
) -> EvidenceItem:
    """Records a file as evidence of ``case``. ``source`` is either a file already sealed
    while it streamed in (``receiving``), or a readable stream (the API's memory file,
    the bot, the demo), sealed and hashed here in one pass. The kind comes from the
    stored bytes; a refused file is removed before this raises."""
    require(actor, "evidence.add", case)
    capture = capture or Capture()
    if isinstance(source, files.Sealed):
        if source.organisation_id != case.organisation_id:
            raise ValueError("the sealed file is bound to another organisation")
        sealed = source
    else:
        pk = allocate_item_pk()
        name = files.new_name(case.organisation_id)
        digest, size = files.seal_stream(source, name, item_binding(pk, case.organisation_id))
        sealed = files.Sealed(name, pk, case.organisation_id, digest, size, original_name)
    aad = item_binding(sealed.pk, sealed.organisation_id)
    try:
        item = _record(actor, case, sealed, aad, capture, original_name or sealed.original_name)
    except BaseException:
        files.remove(sealed.name)
        raise
    if sealed_by is not None:
        sealed_by.claim(sealed)
    return item


def _record(
    actor: Any, case: Case, sealed: files.Sealed, aad: bytes, capture: Capture, name: str
) -> EvidenceItem:
    kind = _kind_of(sealed.name, aad)
    if kind is None or kind not in kinds.ACCEPTED:
        raise ValidationError(str(EVIDENCE.wrong_kind), code="wrong_kind")
    family = kinds.family(kind)
    problem = _image_check(sealed.name, aad) if family == "image" else ""
    if problem:
        state = CopyState.FAILED
    elif family in ("image", "pdf"):
        state = CopyState.PENDING
    elif family in ("audio", "video"):
        from himoya.evidence.media import media_tool

        state = CopyState.PENDING if media_tool() else CopyState.NONE
        problem = "" if media_tool() else CopyProblem.NO_TOOL
    else:
        state = CopyState.NONE
    with transaction.atomic():
        item = EvidenceItem.objects.create(
            id=sealed.pk,
            organisation_id=case.organisation_id,
            case=case,
            content_type=kind.content_type,
            extension=kind.extension,
            size=sealed.size,
            sha256=sealed.sha256,
            stored_name=sealed.name,
            original_name=_clean_name(name),
            description=capture.description.strip(),
            captured_by=capture.by.strip()[:300],
            captured_when=capture.when.strip()[:100],
            captured_where=capture.where.strip()[:300],
            received_by=user_of(actor),
            copy_state=state,
            copy_problem=problem,
        )
        record_event(
            actor=actor,
            action="evidence.receive",
            obj=item,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "item": item.pk,
                "kind": kind.extension,
                "size": sealed.size,
                "sha256": sealed.sha256,
            },
        )
        if state == CopyState.PENDING:
            from himoya.evidence.tasks import derive_working_copies

            enqueue_on_commit(derive_working_copies, item.pk)
    return item


_CONTROL = re.compile(r"[\x00-\x1f\x7f/\\]")


def _clean_name(name: str) -> str:
    """The name as the sender gave it, less path parts and control characters."""
    return _CONTROL.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip()[:300]


def custody_record(
    *, actor: Any, item: EvidenceItem, action: str, purpose: str, what: str = "original"
) -> None:
    """One entry of an item's chain of custody: who (the actor), when (the event's time),
    what (``action`` on the original or a working copy), why (``purpose``)."""
    if action not in CUSTODY_ACTIONS:
        raise ValueError(f"{action} is not a custody action")
    if purpose not in Purpose.CODES:
        raise ValidationError({"purpose": _("Choose why you need the file.")})
    require(actor, "evidence.view", item.case)
    with transaction.atomic():
        record_event(
            actor=actor,
            action=action,
            obj=item,
            organisation=item.case.organisation,
            data={"case": item.case_id, "item": item.pk, "what": what, "purpose": purpose},
        )


def _store_copy(
    *, item: EvidenceItem, kind: str, picture: imaging.Picture, made_by: Any = None,
    regions: list[list[int]] | None = None,
) -> tuple[WorkingCopy, Callable[[], None]]:  # fmt: skip
    """A working copy's row and sealed file; the second value removes the file (for a
    transaction that does not commit)."""
    import io

    copy = WorkingCopy(
        organisation_id=item.organisation_id,
        item=item,
        kind=kind,
        content_type=picture.content_type,
        extension=picture.extension,
        width=picture.width,
        height=picture.height,
        regions=regions or [],
        made_by=made_by,
    )
    copy.pk = allocate_copy_pk()
    copy.stored_name = files.new_name(item.organisation_id)
    digest, size = files.seal_stream(io.BytesIO(picture.data), copy.stored_name, copy_binding(copy))
    copy.sha256, copy.size = digest, size
    return copy, lambda: files.remove(copy.stored_name)


def allocate_copy_pk() -> int:
    from himoya.core.fields import SealedAutoField

    field = WorkingCopy._meta.pk
    assert isinstance(field, SealedAutoField)
    return int(field.get_pk_value_on_save(WorkingCopy()))


def copy_binding(copy: WorkingCopy) -> bytes:
    return files.binding(WorkingCopy, copy.pk, copy.organisation_id)


def item_aad(item: EvidenceItem) -> bytes:
    return item_binding(item.pk, item.organisation_id)


def save_copies(
    item: EvidenceItem, made: Sequence[tuple[str, imaging.Picture]], state: str
) -> None:
    """Records derived copies and the item's new state in one transaction."""
    stored: list[tuple[WorkingCopy, Callable[[], None]]] = []
    try:
        for kind, picture in made:
            stored.append(_store_copy(item=item, kind=kind, picture=picture))
        with transaction.atomic():
            for copy, _undo in stored:
                copy.save(force_insert=True)
            EvidenceItem.objects.filter(pk=item.pk).update(copy_state=state, copy_problem="")
    except BaseException:
        for _copy, undo in stored:
            undo()
        raise


def mark_failed(item: EvidenceItem, problem: str) -> None:
    EvidenceItem.objects.filter(pk=item.pk).update(
        copy_state=CopyState.FAILED, copy_problem=problem
    )


def evidence_redact(
    *, actor: Any, item: EvidenceItem, regions: list[tuple[int, int, int, int]]
) -> WorkingCopy:
    """A new working copy of an image with ``regions`` (x, y, width, height in pixels of
    the clean copy) blacked out. The original and the earlier copies stay as they are."""
    require(actor, "evidence.add", item.case)
    clean = item.copies.filter(kind=CopyKind.CLEAN).order_by("-id").first()
    if clean is None:
        raise ValidationError(_("This item has no picture to redact."))
    boxes = _checked_regions(regions, clean.width or 0, clean.height or 0)
    with files.open_plain(clean.stored_name, copy_binding(clean)) as plain:
        picture = imaging.redact(plain, boxes)
    copy, undo = _store_copy(
        item=item,
        kind=CopyKind.REDACTED,
        picture=picture,
        made_by=user_of(actor),
        regions=[list(b) for b in boxes],
    )
    try:
        with transaction.atomic():
            copy.save(force_insert=True)
            record_event(
                actor=actor,
                action="evidence.redact",
                obj=item,
                organisation=item.case.organisation,
                case=item.case,
                data={"case": item.case_id, "item": item.pk, "areas": len(boxes)},
            )
    except BaseException:
        undo()
        raise
    return copy


MAX_REGIONS = 50


def _checked_regions(
    regions: list[tuple[int, int, int, int]], width: int, height: int
) -> list[tuple[int, int, int, int]]:
    if not regions:
        raise ValidationError({"regions": _("Mark at least one area to black out.")})
    if len(regions) > MAX_REGIONS:
        raise ValidationError(
            {"regions": _("Mark at most %(count)s areas.") % {"count": MAX_REGIONS}}
        )
    boxes = []
    for x, y, w, h in regions:
        # Clipped to the picture: an area partly outside still covers what is inside.
        x0, y0 = max(0, int(x)), max(0, int(y))
        x1, y1 = min(width, int(x) + int(w)), min(height, int(y) + int(h))
        if x1 <= x0 or y1 <= y0:
            raise ValidationError({"regions": _("An area lies outside the picture.")})
        boxes.append((x0, y0, x1 - x0, y1 - y0))
    return boxes
