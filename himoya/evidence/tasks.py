"""Background work on evidence (run by ``himoya worker``)."""

from __future__ import annotations

from himoya.core.tasks import task
from himoya.evidence import files, imaging, kinds
from himoya.evidence.models import CopyKind, CopyProblem, CopyState, EvidenceItem
from himoya.evidence.services import item_aad, mark_failed, save_copies


@task()
def derive_working_copies(item_id: int) -> str:
    """Makes an item's working copies (idempotent: an item whose copies exist is left
    alone). Returns a short code of what happened."""
    item = EvidenceItem.objects.filter(pk=item_id).first()
    if item is None or item.copy_state != CopyState.PENDING:
        return "nothing"
    family = kinds.family(next(k for k in kinds.ACCEPTED if k.content_type == item.content_type))
    try:
        with files.open_plain(item.stored_name, item_aad(item), verify=False) as plain:
            if family == "image":
                clean, thumb = imaging.clean_and_thumbnail(plain)
                made = [(CopyKind.CLEAN, clean), (CopyKind.THUMBNAIL, thumb)]
            elif family == "pdf":
                preview, thumb = imaging.pdf_preview(plain)
                made = [(CopyKind.PREVIEW, preview), (CopyKind.THUMBNAIL, thumb)]
            elif family in ("audio", "video"):
                from himoya.evidence.media import strip_metadata

                data = strip_metadata(plain, item.extension)
                made = [
                    (
                        CopyKind.CLEAN,
                        imaging.Picture(data, item.content_type, item.extension, 0, 0),
                    )
                ]
            else:
                return "none"
    except (imaging.Unreadable, imaging.TooManyPixels):
        mark_failed(item, CopyProblem.UNREADABLE)
        return "failed"
    save_copies(item, made, CopyState.READY)
    return "ready"
