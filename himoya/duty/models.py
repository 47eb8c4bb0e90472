"""The duty roster: which lawyer answers emergencies, where and when.

An organisation's coordinators keep it. A shift with a region covers that region; a
shift without one covers the whole organisation. Shifts are never deleted: ending one
sets its end to the moment it was ended (a shift that had not started yet ends where it
starts, so it covered nothing), and the roster keeps who was on duty when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.reference.models import Region


class DutyShift(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        verbose_name=_("lawyer on duty"),
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="duty_shift_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "ends_at"], name="duty_org_ends"),
            models.Index(fields=["lawyer", "ends_at"], name="duty_lawyer_ends"),
        ]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")

    def __str__(self) -> str:
        return f"duty {self.lawyer_id} {self.starts_at:%Y-%m-%d %H:%M}"
