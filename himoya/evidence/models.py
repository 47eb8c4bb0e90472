"""Evidence items on a case: the original file as received (immutable, hashed on
receipt) and the working copies derived from it for viewing and sharing.

What can lead to a person is encrypted: the original file name, who captured the item,
when and where (as the person who brought it told it). The kind, size, SHA-256 and the
times of receipt stay plain: ``verify-evidence`` and the package manifest need them, and
a hash reveals nothing of the content.

Files lie under ``MEDIA_ROOT/evidence/<organisation>/`` in the encrypted storage format,
each bound to its row (``files.binding``): a file copied under another item's name does
not open.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Case
from himoya.core.fields import EncryptedCharField, EncryptedTextField, SealedAutoField


class CopyState(models.TextChoices):
    PENDING = "pending", _("working copies are being made")
    READY = "ready", _("working copies ready")
    NONE = "none", _("no working copy for this kind of file")
    FAILED = "failed", _("no working copy could be made")


class CopyProblem(models.TextChoices):
    """Why no working copy could be made (shown beside the original, which is kept)."""

    NONE = "", ""
    UNREADABLE = (
        "unreadable",
        _(
            "The file's header is damaged or not what its kind requires; the original is kept "
            "as received, but no working copy could be made."
        ),
    )
    NO_TOOL = (
        "no_tool",
        _(
            "No tool to remove the metadata of this kind of file is installed on the server; "
            "only the original is kept."
        ),
    )


class EvidenceItem(models.Model):
    """One file received as evidence in a case. The original is never changed after
    receipt: its SHA-256 was computed while it streamed into encrypted storage."""

    id = SealedAutoField(primary_key=True)
    encryption_scope = ("organisation_id",)
    # Its file is bound to the row (files.binding); key rotation rewrites it from here.
    bound_file_columns = ("stored_name",)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    # The sniffed kind (content type and extension), never the name's or the browser's.
    content_type = models.CharField(_("kind of file"), max_length=120)
    extension = models.CharField(max_length=10)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = EncryptedCharField(_("file name"), max_length=300, blank=True, default="")
    description = EncryptedTextField(_("description"), blank=True, default="")
    captured_by = EncryptedCharField(_("captured by"), max_length=300, blank=True, default="")
    captured_when = EncryptedCharField(
        _("captured when (as told)"), max_length=100, blank=True, default=""
    )
    captured_where = EncryptedCharField(
        _("captured where (as told)"), max_length=300, blank=True, default=""
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    copy_state = models.CharField(
        max_length=10, choices=CopyState.choices, default=CopyState.PENDING
    )
    copy_problem = models.CharField(
        max_length=20, choices=CopyProblem.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"E-{self.pk}"

    @property
    def label(self) -> str:
        """How the item is named where its file name may not show (logs, the CLI)."""
        return f"E-{self.pk}"


class CopyKind(models.TextChoices):
    CLEAN = "clean", _("working copy without metadata")
    THUMBNAIL = "thumbnail", _("thumbnail")
    PREVIEW = "preview", _("first-page preview")
    REDACTED = "redacted", _("redacted working copy")


class WorkingCopy(models.Model):
    """A file derived from an item's original: never the evidence itself, but what is
    looked at and shared. A redacted copy records the areas blacked out."""

    id = SealedAutoField(primary_key=True)
    encryption_scope = ("organisation_id",)
    # Its file is bound to the row (files.binding); key rotation rewrites it from here.
    bound_file_columns = ("stored_name",)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="copies")
    kind = models.CharField(max_length=10, choices=CopyKind.choices)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=10)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    # Rectangles blacked out, in pixels of the clean copy: [[x, y, width, height], ...].
    regions = models.JSONField(default=list, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"E-{self.item_id}/{self.kind}-{self.pk}"


class FindingPhoto(models.Model):
    """A photograph (an evidence item of the same case) linked to a finding of a medical
    or psychological evaluation. Kept here, not in documentation, which evidence builds
    on; the evaluation page and the report read it through ``documentation.photos``."""

    finding = models.ForeignKey("documentation.Finding", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="findings")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "item"], name="finding_photo_once")
        ]

    def __str__(self) -> str:
        return f"finding {self.finding_id}: E-{self.item_id}"
