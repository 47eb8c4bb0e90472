"""Core models: the append-only, hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing that happened. Never updated or deleted (a PostgreSQL trigger refuses it).

    ``hash`` is SHA-256 over the event's canonical form, which includes ``prev_hash``,
    the hash of the event before it; ``himoya verify-audit`` re-computes the chain.
    ``data`` holds ids and field names only, never personal data.
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class JobProgress(models.Model):
    """How far a long piece of background work has got, readable by every process.

    ``key`` names the job (``cases.importjob:42``): a label and ids, never personal data.
    Rows are written only through ``himoya.core.progress``, which uses its own database
    connection so that progress made inside a task's open transaction is visible at once.
    """

    key = models.CharField(_("job"), max_length=120, unique=True)
    done = models.PositiveBigIntegerField(_("steps done"), default=0)
    total = models.PositiveBigIntegerField(_("steps in all"), null=True, blank=True)
    # A short code naming the stage of a job that counts its steps again in each stage
    # (an import checks its rows, then writes them, then indexes them).
    phase = models.CharField(_("stage"), max_length=20, blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("job progress")
        verbose_name_plural = _("job progress")

    def __str__(self) -> str:
        return f"{self.key}: {self.done}/{self.total if self.total is not None else '?'}"

    @property
    def fraction(self) -> float | None:
        """Share of the work done (0 to 1), or None while the total is unknown."""
        if not self.total:
            return None
        return min(self.done / self.total, 1.0)


class FormSubmission(models.Model):
    """A creating form's one-time token, spent by the request that created something.

    The row is inserted in the same transaction as what the form creates (see
    ``himoya.core.idempotency``): the unique key makes a second submission of the same
    page (the browser's Back button, a double click, a retried request) wait for the first
    and then find the token spent, and ``url`` sends it to what the first one made. A
    failed submission rolls back with its row, so the corrected form can be sent again.
    """

    # Empty for a form anyone may send (the public help form): its token is unique alone.
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    token = models.CharField(_("form token"), max_length=64)
    # Where the first submission led: a staff URL with ids, never personal data.
    url = models.CharField(_("result"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once"),
            models.UniqueConstraint(
                fields=["token"],
                condition=models.Q(user__isnull=True),
                name="form_submission_once_anonymous",
            ),
        ]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.created_at:%Y-%m-%d %H:%M}"


class ScheduledJob(models.Model):
    """When a periodic job of ``himoya.core.schedule`` is next due, shared by every worker:
    the worker that locks the row (``FOR UPDATE SKIP LOCKED``) enqueues the job and moves
    ``next_run_at`` on in the same transaction, so a due time is taken once."""

    name = models.CharField(_("job"), max_length=64, primary_key=True)
    # The timing next_run_at was computed with ("07:00", "5m"): a changed setting
    # recomputes it.
    when = models.CharField(_("when"), max_length=32)
    next_run_at = models.DateTimeField(_("next run"))
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
