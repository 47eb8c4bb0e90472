"""Reference data: vocabularies, regions, places of detention, partner organisations.

Shared by every organisation on the instance (partners belong to one); none of it
identifies a person, so nothing here is encrypted. Because one organisation's change
is every organisation's, only reference stewards (``Steward``, named by the
instance's operator) change shared data; field workers propose places of detention.
The tables keep the names they had in ``cases`` (``cases_term``...), where these
models lived first.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ORG = "accounts.Organisation"


class Term(models.Model):
    """One value of a controlled vocabulary (violation types, agencies, channels, facility
    types). Data, not code: reference stewards rename, add and retire terms; ``code`` is
    what imports, exports and statistics use."""

    vocabulary = models.CharField(_("vocabulary"), max_length=30, db_index=True)
    code = models.SlugField(_("code"), max_length=40)
    label_ru = models.CharField(_("label (Russian)"), max_length=200)
    label_kk = models.CharField(_("label (Kazakh)"), max_length=200, blank=True)
    label_tg = models.CharField(_("label (Tajik)"), max_length=200, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    # Bit position for violation terms: appeals keep a bitmask so that yearly statistics
    # count every violation type in the same single scan as the other breakdowns.
    bit = models.PositiveSmallIntegerField(null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    # Where the term applies (ISO 3166-1 alpha-2 codes); empty: everywhere. Procedure
    # differs by country (Kazakhstan's code has no "opening of a criminal case"), so a
    # case is offered only the terms of its country.
    countries = ArrayField(
        models.CharField(max_length=2),
        verbose_name=_("countries"),
        blank=True,
        default=list,
        help_text=_("Countries where this term applies; empty means every country."),
    )

    class Meta:
        db_table = "cases_term"
        ordering = ["vocabulary", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="term_code_unique"),
            models.UniqueConstraint(fields=["vocabulary", "bit"], name="term_bit_unique"),
        ]
        verbose_name = _("vocabulary term")
        verbose_name_plural = _("vocabulary terms")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = (get_language() or "ru")[:2]
        return str(getattr(self, f"label_{lang}", "") or self.label_ru or self.code)


class Region(models.Model):
    """An administrative region (oblast, city of republican significance)."""

    country = models.CharField(_("country"), max_length=2, db_index=True)
    code = models.CharField(_("code"), max_length=12, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=120, blank=True)
    name_tg = models.CharField(_("name (Tajik)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        db_table = "cases_region"
        ordering = ["country", "name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name_ru"], name="region_name_unique")
        ]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        lang = (get_language() or "ru")[:2]
        return str(getattr(self, f"name_{lang}", "") or self.name_ru)


class Facility(models.Model):
    """A place of detention (IVS, SIZO, colony, special institution, psychiatric, military)."""

    name = models.CharField(_("name"), max_length=300)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("region")
    )
    type = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "facility_type"},
        verbose_name=_("type"),
    )
    agency = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "agency"},
        verbose_name=_("managing agency"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Who is held there: monitors plan visits by it, and the statistics answer questions
    # such as "appeals from women's colonies" from it.
    holds_men = models.BooleanField(_("men"), default=False)
    holds_women = models.BooleanField(_("women"), default=False)
    holds_minors = models.BooleanField(_("minors"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        db_table = "cases_facility"
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="facility_name_unique")
        ]
        verbose_name = _("place of detention")
        verbose_name_plural = _("places of detention")

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A partner organisation that takes referrals (legal aid, medical, psychological)."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(_("name"), max_length=300)
    offers_legal = models.BooleanField(_("legal aid"), default=False)
    offers_medical = models.BooleanField(_("medical rehabilitation"), default=False)
    offers_psychological = models.BooleanField(_("psychological rehabilitation"), default=False)
    country = models.CharField(_("country"), max_length=2, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)

    class Meta:
        db_table = "cases_partner"
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class Steward(models.Model):
    """A staff member who keeps the coalition's shared reference data: vocabularies,
    regions and places of detention (adds, edits, retires, verifies). Named and removed
    by an instance superuser only (``himoya steward``); a member of any organisation,
    acting for all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reference_steward",
        verbose_name=_("staff member"),
    )
    granted_at = models.DateTimeField(_("named"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reference data steward")
        verbose_name_plural = _("reference data stewards")

    def __str__(self) -> str:
        return str(self.user)
