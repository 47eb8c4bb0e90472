"""Registering an appeal: it opens a case (with a new number) or joins one, and records
the statistical facts as they are when it comes in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, Team, User
from himoya.cases.limits import STORY_MAX_CHARS, SUMMARY_MAX_CHARS, check_lengths
from himoya.cases.models import (
    Appeal,
    Case,
    CaseCounter,
    CaseParty,
    PartyRole,
    Person,
    Referral,
    Rehabilitation,
    Urgency,
    Violation,
)
from himoya.cases.services.appeal_facts import appeal_facts_refresh
from himoya.cases.services.common import (
    check_consent,
    check_minor,
    not_in_future,
    user_of,
)
from himoya.cases.services.persons import PersonInput, person_create
from himoya.cases.services.reopen import closed_case_alert, needs_reopen_alert
from himoya.cases.services.search import reindex_case
from himoya.cases.services.urgent import emergency_alert, needs_duty_alert
from himoya.cases.snapshot import AppealSnapshot, rehabilitation_errors
from himoya.core.countries import country_code
from himoya.core.events import record_event
from himoya.core.policies import require
from himoya.outreach.models import Office
from himoya.outreach.selectors import offered_offices
from himoya.reference import vocab
from himoya.reference.models import Facility, Region
from himoya.reference.services import retired_place, retired_region, term_for

if TYPE_CHECKING:
    pass


@dataclass
class AppealInput:
    received_on: dt.date
    channel: str
    consent_processing: bool
    content: str = ""
    urgency: str = Urgency.NORMAL
    consent_representation: bool = False
    victim: PersonInput | None = None
    victim_id: int | None = None
    victim_is_minor: bool | None = None
    applicant: PersonInput | None = None
    applicant_id: int | None = None
    applicant_relation: str = ""
    # case facts (used when the appeal opens a case; they also make the appeal's
    # statistical snapshot)
    country: str = ""
    region: int | None = None
    facility: int | None = None
    agency: str = "unknown"
    violations: Sequence[str] = field(default_factory=list)
    events_from: dt.date | None = None
    events_to: dt.date | None = None
    summary: str = ""
    legal_aid: bool = False
    rehabilitation: str = Rehabilitation.NONE
    rehabilitation_started_on: dt.date | None = None
    team: int | None = None
    lawyer: int | None = None
    external_id: str | None = None
    # the office that received it (the organisation's own, open)
    office: int | None = None


def reserve_case_numbers(organisation: Organisation, year: int, count: int) -> list[str]:
    """Hands out ``count`` consecutive K-<year>-<n> numbers without gaps under
    concurrency (row lock); bulk writers such as the register import take a block."""
    counter, _created = CaseCounter.objects.get_or_create(organisation=organisation, year=year)
    counter = CaseCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last = F("last") + count
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return [f"K-{year}-{n:03d}" for n in range(counter.last - count + 1, counter.last + 1)]


def next_case_number(organisation: Organisation, year: int) -> str:
    """Hands out K-<year>-<n> numbers without gaps under concurrency (row lock)."""
    return reserve_case_numbers(organisation, year, 1)[0]


def office_for(organisation: Organisation, pk: int, *, keep: int | None = None) -> Office:
    """The office ``pk`` if an appeal of ``organisation`` may name it: one of its open
    offices, or ``keep`` (the one the appeal already names, closed since). Another
    organisation's office reads as unknown, as a missing one does."""
    office = offered_offices(organisation.pk, keep=[keep]).filter(pk=pk).first()
    if office is not None:
        return office
    if Office.objects.filter(pk=pk, organisation=organisation).exists():
        raise ValidationError(_("This office is closed; choose an open one."))
    raise ValidationError(_("Unknown office."))


def _validate_appeal(organisation: Organisation, data: AppealInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def collect(func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

    collect(check_consent, data.consent_processing)
    collect(not_in_future, data.received_on, field_name="received_on")
    collect(not_in_future, data.events_from, field_name="events_from")
    collect(not_in_future, data.rehabilitation_started_on, field_name="rehabilitation_started_on")
    if data.events_from and data.events_to and data.events_to < data.events_from:
        errors.setdefault("events_to", []).append(_("The end is before the start."))
    channel = collect(term_for, vocab.CHANNEL, data.channel, field_name="channel")
    agency = collect(term_for, vocab.AGENCY, data.agency or "unknown", field_name="agency")
    violations = [
        collect(term_for, vocab.VIOLATION, code, field_name="violations")
        for code in dict.fromkeys(data.violations)
    ]
    if data.urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(
            _("Unknown value “%(value)s”.") % {"value": data.urgency}
        )
    started = data.rehabilitation_started_on is not None
    for key, message in rehabilitation_errors(data.rehabilitation, started=started).items():
        errors.setdefault(key, []).append(message)
    country = collect(country_code, data.country or organisation.country or "")
    minor = False
    if data.victim is not None:
        minor = bool(
            collect(
                check_minor,
                birth_date=data.victim.birth_date,
                is_minor=data.victim_is_minor,
                on=data.events_from or data.received_on,
                field_name="victim_is_minor",
            )
        )
    elif data.victim_is_minor is not None:
        minor = data.victim_is_minor
    region = facility = team = lawyer = office = None
    if data.region:
        region = Region.objects.filter(pk=data.region).first()
        if region is None:
            errors.setdefault("region", []).append(_("Unknown region."))
        elif not region.active:
            errors.setdefault("region", []).append(retired_region())
    if data.facility:
        facility = Facility.objects.filter(pk=data.facility).first()
        if facility is None:
            errors.setdefault("facility", []).append(_("Unknown place of detention."))
        elif not facility.active:
            errors.setdefault("facility", []).append(retired_place())
    if data.team:
        team = Team.objects.filter(pk=data.team, organisation=organisation).first()
        if team is None:
            errors.setdefault("team", []).append(_("Unknown team."))
    if data.lawyer:
        lawyer = User.objects.filter(
            pk=data.lawyer, organisation=organisation, is_active=True
        ).first()
        if lawyer is None:
            errors.setdefault("lawyer", []).append(_("Unknown staff member."))
    if data.office:
        try:
            office = office_for(organisation, data.office)
        except ValidationError as exc:
            errors.setdefault("office", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return {
        "office": office,
        "channel": channel,
        "agency": agency,
        "violations": violations,
        "minor": minor,
        "country": country,
        "region": region,
        "facility": facility,
        "team": team,
        "lawyer": lawyer,
    }


def appeal_register(
    *,
    actor: Any,
    organisation: Organisation,
    data: AppealInput,
    case: Case | None = None,
    attachment: Any = None,
) -> Appeal:
    """Registers an appeal from any channel. Without ``case`` it opens a new case;
    with one it joins it (the actor must be able to edit that case)."""
    require(actor, "appeal.register", organisation)
    check_lengths(
        summary=(data.summary, SUMMARY_MAX_CHARS), content=(data.content, STORY_MAX_CHARS)
    )
    if case is not None:
        require(actor, "case.edit", case)
    facts = _validate_appeal(organisation, data)
    from himoya.cases.selectors import visible_persons

    def known_person(pk: int) -> Person | None:
        # An existing person must be one the actor sees (as in the staff app), and of
        # this organisation: naming any other id would pull that person into the case.
        people = visible_persons(actor) if isinstance(actor, User) else Person.objects.all()
        return people.filter(pk=pk, organisation=organisation).first()

    with transaction.atomic():
        victim = applicant = None
        if data.victim_id:
            victim = known_person(data.victim_id)
            if victim is None:
                raise ValidationError({"victim": _("Unknown person.")})
        elif data.victim is not None:
            victim = person_create(actor=actor, organisation=organisation, data=data.victim)
        if data.applicant_id:
            applicant = known_person(data.applicant_id)
            if applicant is None:
                raise ValidationError({"applicant": _("Unknown person.")})
        elif data.applicant is not None:
            applicant = person_create(actor=actor, organisation=organisation, data=data.applicant)

        snapshot = AppealSnapshot.of(
            received_on=data.received_on,
            channel=facts["channel"],
            country=facts["country"],
            agency=facts["agency"],
            violations=facts["violations"],
            victim_sex=victim.sex if victim else None,
            victim_minor=facts["minor"],
            legal_aid=data.legal_aid,
            rehabilitation=data.rehabilitation,
            rehabilitation_started_on=data.rehabilitation_started_on,
        )
        opened = case is None
        if case is None:
            case = Case.objects.create(
                organisation=organisation,
                number=next_case_number(organisation, data.received_on.year),
                external_id=data.external_id or None,
                summary=data.summary,
                events_from=data.events_from,
                events_to=data.events_to,
                region=facts["region"],
                facility=facts["facility"],
                team=facts["team"],
                lawyer=facts["lawyer"],
                created_by=user_of(actor),
                updated_by=user_of(actor),
                **snapshot.case_values(),
            )
            for term in facts["violations"]:
                Violation.objects.create(
                    case=case, type=term, occurred_on=data.events_from, facility=facts["facility"]
                )
            record_event(
                actor=actor,
                action="case.open",
                obj=case,
                organisation=organisation,
                case=case,
                data={"number": case.number},
            )
        if victim is not None:
            CaseParty.objects.get_or_create(
                case=case,
                person=victim,
                role=PartyRole.VICTIM,
                defaults={"is_minor": facts["minor"]},
            )
            if facts["minor"] and not case.has_minor_victim:
                Case.objects.filter(pk=case.pk).update(has_minor_victim=True)
        if applicant is not None and applicant != victim:
            CaseParty.objects.get_or_create(
                case=case,
                person=applicant,
                role=PartyRole.RELATIVE if data.applicant_relation else PartyRole.APPLICANT,
                defaults={"relation": data.applicant_relation},
            )
        appeal = Appeal(
            organisation=organisation,
            case=case,
            urgency=data.urgency,
            content=data.content,
            applicant=applicant or victim,
            victim=victim,
            consent_processing=data.consent_processing,
            consent_representation=data.consent_representation,
            registered_by=user_of(actor),
            office=facts["office"],
            **snapshot.values(),
        )
        if attachment is not None:
            appeal.attachment.save(attachment.name, attachment, save=False)
        appeal.save()
        if victim is not None:
            for kind in snapshot.referral_kinds():
                Referral.objects.create(
                    case=case,
                    person=victim,
                    kind=kind,
                    started_on=snapshot.rehabilitation_started_on,
                )
        # An appeal joining a case counts the legal aid and rehabilitation its victim
        # already has there (services/appeal_facts.py).
        if not opened:
            appeal_facts_refresh([case.pk])
            appeal.refresh_from_db(
                fields=["legal_aid", "rehabilitation", "rehabilitation_started_on"]
            )
        record_event(
            actor=actor,
            action="appeal.register",
            obj=appeal,
            organisation=organisation,
            case=case,
            data={
                "case": case.pk,
                "appeal": appeal.pk,
                "channel": data.channel,
                "urgency": data.urgency,
                "opened_case": opened,
                "office": appeal.office_id,
            },
        )
        if needs_duty_alert(appeal):
            emergency_alert(actor=actor, appeal=appeal)
        if needs_reopen_alert(appeal, opened_case=opened):
            closed_case_alert(actor=actor, appeal=appeal)
        reindex_case(case)
    return appeal
