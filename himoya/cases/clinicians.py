"""Doctors and psychologists assigned to a case.

A clinician works on a few cases of their organisation, not on a team's whole caseload:
the assignment is what lets them see a case (``selectors._visibility``), for as long as
it runs. Ending an assignment keeps its row (who assigned whom, when, who ended it and
when), so the case keeps the history of who could read it; a clinician assigned again
gets a new row. The rules are the services' (``services.clinician_assign``,
``clinician_unassign``) and the policy ``case.clinicians``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import Role

# The roles that do medical and psychological work with victims.
CLINICAL_ROLES: tuple[str, ...] = (Role.DOCTOR, Role.PSYCHOLOGIST)


class CaseClinician(models.Model):
    """One assignment of a clinician to a case, from ``assigned_at`` to ``ended_at``
    (None while it runs). No encrypted field: ids and times only."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="clinician_assignments",
        verbose_name=_("case"),
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="clinical_assignments",
        verbose_name=_("doctor or psychologist"),
    )
    # None when the command line or a background task assigned (a SystemActor).
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ended by"),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            # One running assignment per clinician and case; the ended ones are history.
            models.UniqueConstraint(
                fields=["case", "clinician"],
                condition=Q(ended_at__isnull=True),
                name="case_clinician_one_active",
            )
        ]
        indexes = [
            # The visibility rule looks up a clinician's running assignments.
            models.Index(
                fields=["clinician", "case"],
                condition=Q(ended_at__isnull=True),
                name="case_clinician_running",
            )
        ]
        verbose_name = _("assigned doctor or psychologist")
        verbose_name_plural = _("assigned doctors and psychologists")

    def __str__(self) -> str:
        return f"{self.clinician_id}@{self.case_id}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None
