"""Consents: recorded, revoked, and required by whatever depends on them.

``require_consent`` is the one check that letters, the evidence package and
publications call before they proceed. It reads the consent rows under a lock when it
runs inside a transaction, so a revocation and the work that depends on the consent
happen one after the other: work that began first finishes under the consent, and work
that starts after the revocation is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import User
from himoya.cases.models import Case, CaseParty, PartyRole, Person
from himoya.cases.services.common import not_in_future, user_of
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.documentation.models import Consent, ConsentKind
from himoya.documentation.signals import consent_revoked
from himoya.reference.models import Partner


class ConsentMissing(ValidationError):
    """What was to be done needs a consent the person has not given (or revoked).
    ``kind`` names it; the message says it in words."""

    def __init__(self, kind: str, person: Person | None = None, partner: Any = None) -> None:
        self.kind = kind
        self.person = person
        values = {"consent": str(ConsentKind(kind).label)}
        if partner is not None:
            values["partner"] = str(partner)
            message = _('The consent "%(consent)s" covering %(partner)s is missing or was revoked.')
        else:
            message = _('The consent "%(consent)s" is missing or was revoked.')
        super().__init__(message % values, code="consent_missing")


def victims(case: Case) -> list[Person]:
    parties = CaseParty.objects.filter(case=case, role=PartyRole.VICTIM).select_related("person")
    return [p.person for p in parties.order_by("pk")]


def check_victim(case: Case, person: Person, field: str = "person") -> None:
    if not CaseParty.objects.filter(case=case, person=person, role=PartyRole.VICTIM).exists():
        raise ValidationError({field: _("Choose a victim of this case.")})


def require_consent(
    subject: Case | Person,
    kind: str,
    *,
    case: Case | None = None,
    partner: Partner | None = None,
) -> list[Consent]:
    """The active consents of kind ``kind`` that allow the work, or ``ConsentMissing``.

    ``subject`` is a case (every victim of it must have consented) or a person (in
    ``case`` when given, else in any case). For sharing, ``partner`` asks for a consent
    naming that partner organisation; a consent naming bodies only in words does not
    cover it, since nothing can check the words against the partner.
    """
    if kind not in ConsentKind.values:
        raise ValueError(f"unknown consent kind {kind!r}")
    if isinstance(subject, Case):
        case, people = subject, victims(subject)
        if not people:
            raise ConsentMissing(kind, partner=partner)
    else:
        people = [subject]
    rows = Consent.objects.filter(kind=kind, revoked_at__isnull=True, person__in=people)
    if case is not None:
        rows = rows.filter(case=case)
    if partner is not None:
        rows = rows.filter(partner=partner)
    if connection.in_atomic_block:
        # Held to the end of the caller's transaction: a revocation waits for it.
        rows = rows.select_for_update()
    found = list(rows.order_by("pk"))
    for person in people:
        if not any(c.person_id == person.pk for c in found):
            raise ConsentMissing(kind, person=person, partner=partner)
    return found


def consent_record(
    *,
    actor: Any,
    case: Case,
    person: Person,
    kind: str,
    given_on: dt.date,
    taken_by: User | None = None,
    partner: Partner | None = None,
    recipients: str = "",
) -> Consent:
    require(actor, "documentation.record", case)
    taken_by = taken_by or user_of(actor)
    errors: dict[str, str] = {}
    if kind not in ConsentKind.values:
        errors["kind"] = _("Choose the consent.")
    if taken_by is None:
        errors["taken_by"] = _("Name the staff member who took the consent.")
    recipients = recipients.strip()
    if kind == ConsentKind.SHARING and partner is None and not recipients:
        errors["recipients"] = _("Name the bodies the information may be shared with.")
    if kind != ConsentKind.SHARING and (partner is not None or recipients):
        errors["recipients"] = _("Only a consent to share names recipients.")
    if partner is not None and partner.organisation_id != case.organisation_id:
        errors["partner"] = _("Choose a partner of your organisation.")
    if errors or taken_by is None:
        raise ValidationError(errors)
    check_victim(case, person)
    not_in_future(given_on, field_name="given_on")
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            person=person,
            kind=kind,
            given_on=given_on,
            taken_by=taken_by,
            partner=partner,
            recipients=recipients,
        )
        record_event(
            actor=actor,
            action="consent.give",
            obj=consent,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "consent": consent.pk,
                "person": person.pk,
                "kind": kind,
                "partner": partner.pk if partner else None,
            },
        )
    return consent


def consent_revoke(*, actor: Any, consent: Consent) -> Consent:
    """Revokes a consent. What depends on it refuses from now on (``require_consent``);
    a revoked consent stays on record."""
    case = consent.case
    require(actor, "documentation.record", case)
    with transaction.atomic():
        # Waits for any work holding the consent (see require_consent).
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This consent was already revoked."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = user_of(actor)
        locked.save(update_fields=["revoked_at", "revoked_by"])
        record_event(
            actor=actor,
            action="consent.revoke",
            obj=locked,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "consent": locked.pk,
                "person": locked.person_id,
                "kind": locked.kind,
            },
        )
        consent_revoked.send(sender=Consent, consent=locked, actor=actor)
    consent.revoked_at, consent.revoked_by = locked.revoked_at, locked.revoked_by
    return consent
