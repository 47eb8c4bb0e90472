"""Write services for reference data: places of detention, partner organisations and
reference stewards; ``term_for``, the one look-up of a vocabulary term by its code.

Changes to shared data (places of detention, stewardship) are recorded at instance
level (``INSTANCE``): the coalition's record, which every organisation reads on the
reference changes page, not the acting member's organisation's."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, User
from himoya.core.audit import INSTANCE, audit_record
from himoya.core.changes import save_changed
from himoya.core.countries import country_code
from himoya.core.crypto import normalise_text
from himoya.core.policies import can, require
from himoya.reference import vocab
from himoya.reference.models import Facility, Partner, Region, Steward, Term


def retired_place() -> str:
    """Why a new entry may not name a retired place (``selectors.offerable``)."""
    return _("This place of detention is no longer in use; choose a current one.")


def retired_region() -> str:
    return _("This region is no longer in use; choose a current one.")


def term_for(vocabulary: str, code: str, *, field_name: str) -> Term:
    """The active term ``code`` of ``vocabulary``, or a ValidationError naming the field."""
    term = Term.objects.filter(vocabulary=vocabulary, code=code, active=True).first()
    if term is None:
        raise ValidationError(
            {field_name: _("Unknown value “%(value)s”.") % {"value": code}}, code="unknown_term"
        )
    return term


def facility_create(
    *,
    actor: Any,
    name: str,
    country: str,
    region: Region | None = None,
    type_code: str = "",
    agency_code: str = "",
    address: str = "",
    source: str = "",
    holds_men: bool = False,
    holds_women: bool = False,
    holds_minors: bool = False,
    capacity: int | None = None,
) -> Facility:
    """Adds a place of detention. Whoever records where people are held may add one
    (they cannot wait for a steward to record a detention); it stays unverified, and
    shown so to everyone, until a steward verifies it."""
    require(actor, "facility.propose")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter the name.")})
    country = country_code(country)
    # Compared in Python through normalise_text, the same folding as every other name
    # match (ё/е, Kazakh and Tajik letters), which no SQL collation gives.
    same_country = Facility.objects.filter(country=country).values_list("name", flat=True)
    if any(normalise_text(known) == normalise_text(name) for known in same_country):
        raise ValidationError({"name": _("This place of detention is already in the registry.")})
    with transaction.atomic():
        facility = Facility.objects.create(
            name=name,
            country=country,
            region=region,
            type=term_for(vocab.FACILITY_TYPE, type_code, field_name="type") if type_code else None,
            agency=term_for(vocab.AGENCY, agency_code, field_name="agency")
            if agency_code
            else None,
            address=address,
            source=source,
            holds_men=holds_men,
            holds_women=holds_women,
            holds_minors=holds_minors,
            capacity=capacity,
        )
        audit_record(
            actor=actor,
            action="facility.create",
            obj=facility,
            organisation=INSTANCE,
            data={"facility": facility.pk, "verified": facility.verified},
        )
    return facility


def facility_verify(*, actor: Any, facility: Facility) -> Facility:
    """A steward confirms a place of detention (checked against its source)."""
    require(actor, "facility.manage", facility)
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        if not locked.verified:
            locked.verified = True
            locked.save(update_fields=["verified"])
            audit_record(
                actor=actor,
                action="facility.verify",
                obj=locked,
                organisation=INSTANCE,
                data={"facility": locked.pk},
            )
    return locked


def steward_grant(*, actor: Any, user: User) -> Steward:
    """Names ``user`` a reference steward (instance superusers and the operator's CLI)."""
    require(actor, "steward.grant", user)
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated.")})
    with transaction.atomic():
        steward, created = Steward.objects.get_or_create(user=user)
        if created:
            audit_record(
                actor=actor,
                action="steward.grant",
                obj=steward,
                organisation=INSTANCE,
                data={"user": user.pk},
            )
    return steward


def steward_revoke(*, actor: Any, user: User) -> None:
    require(actor, "steward.grant", user)
    with transaction.atomic():
        steward = Steward.objects.filter(user=user).first()
        if steward is None:
            return
        audit_record(
            actor=actor,
            action="steward.revoke",
            obj=steward,
            organisation=INSTANCE,
            data={"user": user.pk},
        )
        steward.delete()


def is_steward(user: Any) -> bool:
    return can(user, "facility.manage")


def partner_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    legal: bool = False,
    medical: bool = False,
    psychological: bool = False,
    country: str = "",
    contact: str = "",
) -> Partner:
    require(actor, "partner.manage", organisation)
    if not name.strip():
        raise ValidationError({"name": _("Enter the name.")})
    country = country_code(country) if country.strip() else ""
    with transaction.atomic():
        partner = Partner.objects.create(
            organisation=organisation,
            name=name.strip(),
            offers_legal=legal,
            offers_medical=medical,
            offers_psychological=psychological,
            country=country,
            contact=contact,
        )
        audit_record(actor=actor, action="partner.create", obj=partner, organisation=organisation)
    return partner


def partner_update(
    *,
    actor: Any,
    partner: Partner,
    name: str,
    legal: bool = False,
    medical: bool = False,
    psychological: bool = False,
    country: str = "",
    contact: str = "",
) -> Partner:
    require(actor, "partner.manage", partner.organisation)
    if not name.strip():
        raise ValidationError({"name": _("Enter the name.")})
    values = {
        "name": name.strip(),
        "offers_legal": legal,
        "offers_medical": medical,
        "offers_psychological": psychological,
        "country": country_code(country) if country.strip() else "",
        "contact": contact,
    }
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        save_changed(
            actor=actor,
            obj=locked,
            values=values,
            action="partner.update",
            organisation=locked.organisation,
        )
    return locked


# ---------------------------------------------------------------- shared data (stewards)
# Vocabulary terms, regions and places of detention are every organisation's: changed by
# reference stewards only, recorded at instance level with the names of the fields
# changed (never their values, which the record shows now), so every organisation's
# coordinators read them on the reference changes page.


def _labels(labels: dict[str, str], prefix: str) -> dict[str, str]:
    cleaned = {f"{prefix}_{lang}": " ".join(labels.get(lang, "").split()) for lang in LANGS}
    if not cleaned[f"{prefix}_ru"]:
        raise ValidationError({f"{prefix}_ru": _("Enter the Russian name.")})
    return cleaned


LANGS = ("ru", "kk", "tg", "en")
MAX_BIT = 62  # Appeal.violation_mask is a signed 64-bit integer


def term_create(
    *,
    actor: Any,
    vocabulary: str,
    code: str,
    labels: dict[str, str],
    source: str = "",
    verified: bool = False,
    order: int = 0,
) -> Term:
    """Adds a term. A new violation type takes the next free bit of the appeals'
    violation mask, so that the statistics count it like the others."""
    require(actor, "vocabulary.manage")
    code = code.strip().lower()
    if not vocabulary:
        raise ValidationError({"vocabulary": _("Choose the vocabulary.")})
    if Term.objects.filter(vocabulary=vocabulary, code=code).exists():
        raise ValidationError({"code": _("This code is already in the vocabulary.")})
    values = _labels(labels, "label")
    with transaction.atomic():
        bit = None
        if vocabulary == vocab.VIOLATION:
            # Serialised by the lock: two stewards adding at once would take one bit.
            taken = set(
                Term.objects.select_for_update()
                .filter(vocabulary=vocabulary, bit__isnull=False)
                .values_list("bit", flat=True)
            )
            free = [b for b in range(MAX_BIT + 1) if b not in taken]
            if not free:
                raise ValidationError({"code": _("No room for another violation type.")})
            bit = free[0]
        term = Term.objects.create(
            vocabulary=vocabulary,
            code=code,
            bit=bit,
            source=source.strip(),
            verified=verified,
            order=order,
            **values,
        )
        audit_record(
            actor=actor,
            action="term.create",
            obj=term,
            organisation=INSTANCE,
            data={"term": term.pk, "vocabulary": vocabulary, "code": code},
        )
    return term


def term_update(
    *,
    actor: Any,
    term: Term,
    labels: dict[str, str],
    source: str = "",
    verified: bool = False,
    active: bool = True,
    order: int = 0,
) -> Term:
    """Renames, re-sources, verifies or retires a term; its code never changes (imports,
    exports and stored statistics use it). A retired term stays on the records that
    name it and is no longer offered."""
    require(actor, "vocabulary.manage", term)
    values: dict[str, Any] = {
        **_labels(labels, "label"),
        "source": source.strip(),
        "verified": verified,
        "active": active,
        "order": order,
    }
    with transaction.atomic():
        locked = Term.objects.select_for_update().get(pk=term.pk)
        save_changed(
            actor=actor,
            obj=locked,
            values=values,
            action="term.update",
            organisation=INSTANCE,
            key="term",
        )
    return locked


def region_create(
    *,
    actor: Any,
    country: str,
    names: dict[str, str],
    code: str = "",
    source: str = "",
    verified: bool = False,
) -> Region:
    require(actor, "vocabulary.manage")
    country = country_code(country)
    values = _labels(names, "name")
    if Region.objects.filter(country=country, name_ru__iexact=values["name_ru"]).exists():
        raise ValidationError({"name_ru": _("This region is already in the registry.")})
    with transaction.atomic():
        region = Region.objects.create(
            country=country, code=code.strip(), source=source.strip(), verified=verified, **values
        )
        audit_record(
            actor=actor,
            action="region.create",
            obj=region,
            organisation=INSTANCE,
            data={"region": region.pk},
        )
    return region


def region_update(
    *,
    actor: Any,
    region: Region,
    names: dict[str, str],
    code: str = "",
    source: str = "",
    verified: bool = False,
    active: bool = True,
) -> Region:
    require(actor, "vocabulary.manage", region)
    values: dict[str, Any] = {
        **_labels(names, "name"),
        "code": code.strip(),
        "source": source.strip(),
        "verified": verified,
        "active": active,
    }
    clash = Region.objects.filter(
        country=region.country, name_ru__iexact=values["name_ru"]
    ).exclude(pk=region.pk)
    if clash.exists():
        raise ValidationError({"name_ru": _("This region is already in the registry.")})
    with transaction.atomic():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        save_changed(
            actor=actor,
            obj=locked,
            values=values,
            action="region.update",
            organisation=INSTANCE,
            key="region",
        )
    return locked


def facility_update(
    *,
    actor: Any,
    facility: Facility,
    name: str,
    region: Region | None = None,
    type_code: str = "",
    agency_code: str = "",
    address: str = "",
    holds_men: bool = False,
    holds_women: bool = False,
    holds_minors: bool = False,
    capacity: int | None = None,
    source: str = "",
    active: bool = True,
) -> Facility:
    """A steward corrects a place of detention. Its country stays (cases and custody
    records are filed under it); a place in another country is another place."""
    require(actor, "facility.manage", facility)
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter the name.")
    elif any(
        normalise_text(known) == normalise_text(name)
        for known in Facility.objects.filter(country=facility.country)
        .exclude(pk=facility.pk)
        .values_list("name", flat=True)
    ):
        errors["name"] = _("This place of detention is already in the registry.")
    if region is not None and region.country != facility.country:
        errors["region"] = _("The region is not in the chosen country.")
    if capacity is not None and capacity < 0:
        errors["capacity"] = _("Enter a whole number, 0 or more.")
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "name": name,
        "region": region,
        "type": term_for(vocab.FACILITY_TYPE, type_code, field_name="type") if type_code else None,
        "agency": term_for(vocab.AGENCY, agency_code, field_name="agency") if agency_code else None,
        "address": address.strip(),
        "holds_men": holds_men,
        "holds_women": holds_women,
        "holds_minors": holds_minors,
        "capacity": capacity,
        "source": source.strip(),
        "active": active,
    }
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        save_changed(
            actor=actor,
            obj=locked,
            values=values,
            action="facility.update",
            organisation=INSTANCE,
            key="facility",
        )
    return locked
