"""Background work on evidence (run by ``himoya worker``): working copies, and the
daily sweep of files a killed process left half written."""

from __future__ import annotations

from himoya.core.tasks import enqueue_once_a_day, task
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


@task()
def stale_parts_sweep() -> int:
    """Deletes the ``.part`` files older than a day (``files.stale_parts``): what a
    process killed in the middle of sealing left. Idempotent; returns how many."""
    return files.sweep_stale_parts()


def stale_parts_enqueue_daily() -> bool:
    """Queues ``stale_parts_sweep`` unless it was queued today (``enqueue_once_a_day``);
    returns whether it did."""
    return enqueue_once_a_day(stale_parts_sweep)
