"""What an organisation publishes and teaches: publications now, trainings next."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ORG = "accounts.Organisation"


class Publication(models.Model):
    """A media material the organisation published (counted in yearly statistics)."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("article")
        VIDEO = "video", _("video")
        RADIO = "radio", _("radio")
        TV = "tv", _("television")
        SOCIAL = "social", _("social media")
        REPORT = "report", _("report")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="publications")
    external_id = models.CharField(max_length=100)
    published_on = models.DateField(_("published"))
    language = models.CharField(_("language"), max_length=2)
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        db_table = "cases_publication"
        ordering = ["-published_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="publication_external_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "published_on"], name="pub_org_date")]

    def __str__(self) -> str:
        return self.title
