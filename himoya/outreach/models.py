"""What an organisation publishes, teaches and shows the public: publications,
trainings and seminars, its offices and hotlines."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
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
    # Listed on the public site only when staff say so (a register may hold internal items).
    public = models.BooleanField(_("shown on the public site"), default=False)

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


class Audience(models.TextChoices):
    """Who a training was for: the codes of the trainings import (interchange.md)."""

    LAWYERS = "lawyers", _("lawyers")
    PENITENTIARY_STAFF = "penitentiary_staff", _("penitentiary staff")
    POLICE = "police", _("police officers")
    PROSECUTORS = "prosecutors", _("prosecutors")
    JUDGES = "judges", _("judges")
    MEDICAL_STAFF = "medical_staff", _("medical staff")
    NGO = "ngo", _("non-governmental organisations")
    PUBLIC = "public", _("general public")
    OTHER = "other", _("other audience")


LANGUAGES = ("ru", "kk", "tg", "en", "uz")


class Training(models.Model):
    """A training or seminar the organisation held (counted in yearly statistics by
    ``held_on``, its first day). ``audiences`` holds several codes: one seminar can be
    for lawyers and prosecutors at once, and counts under each."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="trainings")
    external_id = models.CharField(_("register number"), max_length=100)
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=500)
    audiences = ArrayField(
        models.CharField(max_length=20, choices=Audience.choices), verbose_name=_("audience")
    )
    participants = models.PositiveIntegerField(_("participants"))
    language = models.CharField(_("language"), max_length=2, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    url = models.URLField(_("materials"), max_length=500, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="training_external_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "held_on"], name="training_org_date")]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.topic

    def audience_labels(self) -> list[str]:
        names = dict(Audience.choices)
        return [str(names.get(code, code)) for code in self.audiences]


class Office(models.Model):
    """An office or branch of the organisation: where people can come and which numbers
    they can call. Public by nature (the public site and the bot will show them), so
    nothing here is encrypted."""

    class Kind(models.TextChoices):
        HEAD = "head", _("head office")
        BRANCH = "branch", _("branch")

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="offices")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BRANCH)
    country = models.CharField(_("country"), max_length=2)
    region = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    address = models.CharField(_("address"), max_length=300)
    # Normalised by ``outreach.phones.normalise_hotline``: "+" and digits, or a short number.
    hotlines = ArrayField(
        models.CharField(max_length=20), default=list, blank=True, verbose_name=_("hotlines")
    )
    active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["-active", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="office_name_unique")
        ]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name
