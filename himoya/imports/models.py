"""Register imports started from the staff pages, and what each import made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Appeal, Case, Person
from himoya.core.fields import EncryptedCharField, EncryptedJSONField, SealedAutoField
from himoya.core.filefields import BoundFileField

ORG = "accounts.Organisation"


class ImportJob(models.Model):
    """One upload of a register (cases, publications or trainings) through the staff pages.

    The file is kept encrypted only until the job ends. ``errors`` holds the validation
    report as ``[line, column, reason]`` triples, the reasons in the uploader's language;
    reasons quote cell values (a name, a register number), so the report is encrypted
    whole, as is the file's name, which is often a person's. ``counts`` holds what the
    import did (created, updated, unchanged). Finished jobs are deleted after
    ``HIMOYA_IMPORT_JOB_RETENTION_DAYS`` (``jobs.import_jobs_purge``).
    """

    id = SealedAutoField(primary_key=True)
    # The file name and the report are sealed for this row and its organisation.
    encryption_scope = ("organisation_id",)

    class Kind(models.TextChoices):
        CASES = "cases", _("case register")
        PUBLICATIONS = "publications", _("publications")
        TRAININGS = "trainings", _("trainings and seminars")

    class Status(models.TextChoices):
        VALIDATING = "validating", _("checking the file")
        INVALID = "invalid", _("the file has errors")
        VALID = "valid", _("ready to import")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.CASES)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALIDATING)
    file = BoundFileField(upload_to="imports/%Y/", blank=True)
    filename = EncryptedCharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, blank=True)
    rows = models.PositiveIntegerField(default=0)
    errors = EncryptedJSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cases_importjob"
        ordering = ["-created_at", "-id"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"


class ImportedCase(models.Model):
    """Which case, appeal and victim an import made for an external register number.

    ``fingerprint`` is a keyed HMAC of the row as last imported (never the row itself),
    so that importing an unchanged row again is recognised without decrypting anything
    and writes nothing.
    """

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=100)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="imported")
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    victim = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "cases_importedcase"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="imported_case_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.external_id}"
