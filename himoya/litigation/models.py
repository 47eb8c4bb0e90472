"""Litigation and remedies: a case's court proceedings, their decisions, and the
compensation claimed and awarded.

What can lead to a person is encrypted: a court's case number can be looked up in the
courts' public registers, and a decision's text names people. The court, the instance,
dates, the strategic flag and the amounts stay plain for filters and statistics; a payer
is a state body, not a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.cases.models import Case
from himoya.core.fields import EncryptedCharField, EncryptedTextField, SealedAutoField


class Instance(models.TextChoices):
    FIRST = "first", _("first instance")
    # "appeal" alone is an incoming request (обращение) in this product.
    APPEAL = "appeal", pgettext_lazy("court instance", "appeal")
    CASSATION = "cassation", _("cassation")
    SUPERVISORY = "supervisory", _("supervisory review")
    CONSTITUTIONAL = "constitutional", _("constitutional review")


class ProceedingKind(models.TextChoices):
    CRIMINAL = "criminal", _("criminal")
    CIVIL = "civil", _("civil")
    ADMINISTRATIVE = "administrative", _("administrative")


class CourtProceeding(models.Model):
    """One proceeding before one court at one instance. Strategic litigation is a choice
    made per proceeding (a claim taken to set a precedent), so the flag lives here; a
    case is strategic when any of its proceedings is."""

    id = SealedAutoField(primary_key=True)
    # The court's case number is sealed for this row and its case.
    encryption_scope = ("case_id",)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(_("kind of proceeding"), max_length=16, choices=ProceedingKind.choices)
    instance = models.CharField(_("instance"), max_length=16, choices=Instance.choices)
    court = models.CharField(_("court"), max_length=300)
    court_number = EncryptedCharField(
        _("case number at the court"), max_length=100, blank=True, default=""
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    strategic = models.BooleanField(_("strategic litigation"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["case", "started_on"], name="proceeding_case")]
        verbose_name = _("court proceeding")
        verbose_name_plural = _("court proceedings")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.instance}"


class CourtDecision(models.Model):
    id = SealedAutoField(primary_key=True)
    # The decision's text is sealed for this row and its proceeding.
    encryption_scope = ("proceeding_id",)
    proceeding = models.ForeignKey(
        CourtProceeding, on_delete=models.CASCADE, related_name="decisions"
    )
    decided_on = models.DateField(_("date of the decision"))
    result = EncryptedTextField(_("decision"))
    # Entered into force with no further ordinary remedy: what the escalation route
    # (letters.route) takes as domestic remedies exhausted. The lawyer's call, not ours.
    final = models.BooleanField(_("final: no further ordinary remedy"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["decided_on", "id"]
        verbose_name = _("court decision")
        verbose_name_plural = _("court decisions")

    def __str__(self) -> str:
        return f"{self.proceeding_id}:{self.decided_on}"


class Compensation(models.Model):
    """A claim for compensation and, once decided, what was awarded. Amounts are
    decimals with an ISO 4217 currency code each: a claim in one currency may be
    awarded in another."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="compensations")
    proceeding = models.ForeignKey(
        CourtProceeding,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compensations",
        verbose_name=_("court proceeding"),
    )
    claimed_amount = models.DecimalField(
        _("amount claimed"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    claimed_currency = models.CharField(_("currency"), max_length=3, blank=True)
    claimed_on = models.DateField(_("claimed"), null=True, blank=True)
    awarded_amount = models.DecimalField(
        _("amount awarded"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    awarded_currency = models.CharField(_("currency"), max_length=3, blank=True)
    awarded_on = models.DateField(_("awarded"), null=True, blank=True)
    payer = models.CharField(_("payer (state body)"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["claimed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claimed_amount__isnull=True) | models.Q(claimed_amount__gte=0),
                name="compensation_claimed_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(awarded_amount__isnull=True) | models.Q(awarded_amount__gte=0),
                name="compensation_awarded_not_negative",
            ),
        ]
        verbose_name = _("compensation")
        verbose_name_plural = _("compensation claims")

    def __str__(self) -> str:
        return f"compensation {self.pk}"
