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
from himoya.core.countries import country_code
from himoya.core.crypto import normalise_text
from himoya.core.policies import can, require
from himoya.reference import vocab
from himoya.reference.models import Facility, Partner, Region, Steward, Term


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
