"""The count table the yearly statistics read (``himoya/stats/report.py``)."""

from __future__ import annotations

from django.db import models


class AppealCount(models.Model):
    """How many appeals an organisation received in a year (by ``received_on``), in the
    two groupings the yearly statistics read (``himoya/stats/report.py``).

    Derived data, kept exact by triggers on ``cases_appeal`` (migration
    0005; ``himoya stats-rebuild`` recomputes it). A row of ``CASE_FACTS`` counts one
    (agency, channel, country); a row of ``VICTIM_FACTS`` one (violation mask, legal aid,
    minor, sex); the other part's columns hold their defaults, and ``agency_id`` 0 stands
    for an appeal without an agency, so that every key column is NOT NULL and one plain
    unique index serves the upserts. Plain ids rather than foreign keys: the rows follow
    the appeals, which already protect the organisation and the terms.
    """

    CASE_FACTS = 0
    VICTIM_FACTS = 1

    organisation_id = models.BigIntegerField()
    year = models.SmallIntegerField()
    part = models.SmallIntegerField()
    agency_id = models.BigIntegerField(default=0)
    channel_id = models.BigIntegerField(default=0)
    country = models.CharField(max_length=2, default="")
    violation_mask = models.BigIntegerField(default=0)
    legal_aid = models.BooleanField(default=False)
    victim_minor = models.BooleanField(default=False)
    victim_sex = models.CharField(max_length=8, default="")
    n = models.BigIntegerField()

    class Meta:
        db_table = "cases_appealcount"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation_id",
                    "year",
                    "part",
                    "agency_id",
                    "channel_id",
                    "country",
                    "violation_mask",
                    "legal_aid",
                    "victim_minor",
                    "victim_sex",
                ],
                name="appealcount_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}/{self.part}: {self.n}"
