"""Write services for appeals and cases.

Each checks the actor's permission, runs in one transaction, writes its audit event and
its timeline entry in it, and keeps the case's blind search index current. Web forms,
the API, the bot and the importers all call these, so they behave the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, Team, User
from himoya.cases import stats, vocab
from himoya.cases.models import (
    Alert,
    Appeal,
    Case,
    CaseCounter,
    CaseParty,
    CaseShare,
    CaseStatus,
    CustodyRecord,
    Facility,
    Hearing,
    Note,
    Outcome,
    Partner,
    PartyRole,
    Person,
    Referral,
    ReferralKind,
    Region,
    Sex,
    Task,
    Term,
    Urgency,
    Violation,
)
from himoya.core.audit import audit_record
from himoya.core.crypto import normalise_text
from himoya.core.events import record_event
from himoya.core.policies import require

if TYPE_CHECKING:
    from himoya.search.services import IndexItem

# ---------------------------------------------------------------- validation helpers


def term_for(vocabulary: str, code: str, *, field_name: str) -> Term:
    """The active term ``code`` of ``vocabulary``, or a ValidationError naming the field."""
    term = Term.objects.filter(vocabulary=vocabulary, code=code, active=True).first()
    if term is None:
        raise ValidationError(
            {field_name: _("Unknown value “%(value)s”.") % {"value": code}}, code="unknown_term"
        )
    return term


def parse_birth(value: str) -> tuple[dt.date | None, bool]:
    """Parses "YYYY-MM-DD" or "YYYY"; returns (date, is_year_only). Raises ValueError."""
    value = value.strip()
    if not value:
        return None, False
    if len(value) == 4 and value.isdigit():
        return dt.date(int(value), 1, 1), True
    return dt.date.fromisoformat(value), False


def age_on(birth: dt.date, year_only: bool, on: dt.date) -> int:
    if year_only:
        # With the year only, the person's age is taken as the lower bound.
        return on.year - birth.year - 1
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def check_minor(
    *, birth_date: str, is_minor: bool | None, on: dt.date, field_name: str = "is_minor"
) -> bool:
    """The minor flag: derived from the birth date at ``on`` when not given; a given
    flag that contradicts the birth date is an error."""
    try:
        birth, year_only = parse_birth(birth_date)
    except ValueError:
        raise ValidationError(
            {"birth_date": _("Enter the date of birth as YYYY-MM-DD or the year as YYYY.")}
        ) from None
    if birth is None:
        return bool(is_minor)
    if birth > on:
        raise ValidationError({"birth_date": _("The date of birth is after the events.")})
    if year_only:
        low, high = on.year - birth.year - 1, on.year - birth.year
        if is_minor is None:
            return high < 18
        if is_minor and low >= 18:
            raise ValidationError(
                {
                    field_name: _(
                        "The person is marked as a minor, but by the "
                        "year of birth they were an adult."
                    )
                }
            )
        if not is_minor and high < 18:
            raise ValidationError(
                {
                    field_name: _(
                        "The person is marked as an adult, but by the "
                        "year of birth they were a minor."
                    )
                }
            )
        return bool(is_minor)
    derived = age_on(birth, False, on) < 18
    if is_minor is not None and is_minor != derived:
        if is_minor:
            message = _(
                "The person is marked as a minor, but by the date of birth they were an adult."
            )
        else:
            message = _(
                "The person is marked as an adult, but by the date of birth they were a minor."
            )
        raise ValidationError({field_name: message})
    return derived


def not_in_future(value: dt.date | None, *, field_name: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field_name: _("The date cannot be in the future.")})


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


# ---------------------------------------------------------------- search index


def case_search_texts(case: Case) -> dict[str, str]:
    """The plaintext that the blind index of a case covers (never stored as such).
    Uses prefetched parties, appeals, notes and violations when the caller has them."""
    names = [p.person.full_name for p in case.parties.all()]
    contents = [a.content for a in case.appeals.all()]
    notes = [n.text for n in case.notes.all()]
    violations = [v.description for v in case.violations.all()]
    return {
        "names": "\n".join(names),
        "number": f"{case.number} {case.external_id or ''}",
        "summary": case.summary,
        "text": "\n".join([*contents, *violations, *notes]),
    }


def case_search_items(batch_size: int = 500) -> Iterator[IndexItem]:
    """Every case as a search document, decrypted batch by batch: the source that
    ``himoya.search.services.rebuild_index`` re-indexes from (after a change of
    ``HIMOYA_INDEX_KEY`` or of the tokeniser)."""
    from himoya.search.services import IndexItem

    last_pk = 0
    while True:
        batch = list(
            Case.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .prefetch_related("parties__person", "appeals", "notes", "violations")[:batch_size]
        )
        if not batch:
            return
        for case in batch:
            yield IndexItem(case.pk, case.organisation_id, case_search_texts(case))
        last_pk = batch[-1].pk


def reindex_case(case: Case) -> None:
    from himoya.search.services import index_document

    index_document(owner=case, organisation_id=case.organisation_id, texts=case_search_texts(case))


# ---------------------------------------------------------------- persons


@dataclass
class PersonInput:
    full_name: str
    sex: str = Sex.UNKNOWN
    birth_date: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    document_number: str = ""
    notes: str = ""


def _person_create(*, actor: Any, organisation: Organisation, data: PersonInput) -> Person:
    if not data.full_name.strip():
        raise ValidationError({"full_name": _("Enter the person's name.")})
    if data.sex not in Sex.values:
        raise ValidationError({"sex": _("Unknown value “%(value)s”.") % {"value": data.sex}})
    person = Person.objects.create(
        organisation=organisation,
        full_name=data.full_name.strip(),
        sex=data.sex,
        birth_date=data.birth_date.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        address=data.address.strip(),
        document_number=data.document_number.strip(),
        notes=data.notes,
        created_by=_user(actor),
    )
    audit_record(actor=actor, action="person.create", obj=person, organisation=organisation)
    return person


def person_update(*, actor: Any, person: Person, data: PersonInput) -> Person:
    from himoya.cases.selectors import visible_cases

    cases = visible_cases(actor).filter(parties__person=person).distinct()
    case = cases.first()
    if case is None:
        raise PermissionDenied("case.edit")
    require(actor, "case.edit", case)
    changed = []
    with transaction.atomic():
        for name in (
            "full_name",
            "sex",
            "birth_date",
            "phone",
            "email",
            "address",
            "document_number",
            "notes",
        ):
            new = getattr(data, name)
            if getattr(person, name) != new:
                setattr(person, name, new)
                changed.append(name)
        if not changed:
            return person
        person.save()
        audit_record(
            actor=actor,
            action="person.update",
            obj=person,
            organisation=person.organisation,
            data={"fields": changed},
        )
        for linked in Case.objects.filter(parties__person=person).distinct():
            reindex_case(linked)
    return person


# ---------------------------------------------------------------- appeals and cases


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
    rehabilitation: str = "none"
    rehabilitation_started_on: dt.date | None = None
    team: int | None = None
    lawyer: int | None = None
    external_id: str | None = None


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


def violation_mask(terms: Iterable[Term]) -> int:
    mask = 0
    for term in terms:
        if term.bit is not None:
            mask |= 1 << term.bit
    return mask


def _validate_appeal(organisation: Organisation, data: AppealInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def collect(func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

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
    if data.rehabilitation not in ("none", "medical", "psychological", "both"):
        errors.setdefault("rehabilitation", []).append(
            _("Unknown value “%(value)s”.") % {"value": data.rehabilitation}
        )
    elif data.rehabilitation != "none" and not data.rehabilitation_started_on:
        errors.setdefault("rehabilitation_started_on", []).append(
            _("Enter the date rehabilitation started.")
        )
    country = (data.country or organisation.country or "").upper()
    if len(country) != 2 or not country.isalpha():
        errors.setdefault("country", []).append(
            _("Enter the country as a two-letter ISO code, e.g. KZ or TJ.")
        )
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
    region = facility = team = lawyer = None
    if data.region:
        region = Region.objects.filter(pk=data.region).first()
        if region is None:
            errors.setdefault("region", []).append(_("Unknown region."))
    if data.facility:
        facility = Facility.objects.filter(pk=data.facility).first()
        if facility is None:
            errors.setdefault("facility", []).append(_("Unknown place of detention."))
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
    if errors:
        raise ValidationError(errors)
    return {
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
            victim = _person_create(actor=actor, organisation=organisation, data=data.victim)
        if data.applicant_id:
            applicant = known_person(data.applicant_id)
            if applicant is None:
                raise ValidationError({"applicant": _("Unknown person.")})
        elif data.applicant is not None:
            applicant = _person_create(actor=actor, organisation=organisation, data=data.applicant)

        opened = case is None
        if case is None:
            case = Case.objects.create(
                organisation=organisation,
                number=next_case_number(organisation, data.received_on.year),
                external_id=data.external_id or None,
                summary=data.summary,
                opened_on=data.received_on,
                events_from=data.events_from,
                events_to=data.events_to,
                country=facts["country"],
                region=facts["region"],
                facility=facts["facility"],
                agency=facts["agency"],
                team=facts["team"],
                lawyer=facts["lawyer"],
                has_minor_victim=facts["minor"],
                created_by=_user(actor),
                updated_by=_user(actor),
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
            received_on=data.received_on,
            channel=facts["channel"],
            urgency=data.urgency,
            content=data.content,
            applicant=applicant or victim,
            victim=victim,
            consent_processing=data.consent_processing,
            consent_representation=data.consent_representation,
            legal_aid=data.legal_aid,
            rehabilitation=data.rehabilitation,
            rehabilitation_started_on=data.rehabilitation_started_on,
            country=facts["country"],
            agency=facts["agency"],
            violation_mask=violation_mask(facts["violations"]),
            victim_sex=victim.sex if victim else Sex.UNKNOWN,
            victim_minor=facts["minor"],
            registered_by=_user(actor),
        )
        if attachment is not None:
            appeal.attachment.save(attachment.name, attachment, save=False)
        appeal.save()
        if victim is not None and data.rehabilitation in ("medical", "psychological", "both"):
            kinds = (
                [ReferralKind.MEDICAL, ReferralKind.PSYCHOLOGICAL]
                if data.rehabilitation == "both"
                else [data.rehabilitation]
            )
            for kind in kinds:
                Referral.objects.create(
                    case=case,
                    person=victim,
                    kind=kind,
                    started_on=data.rehabilitation_started_on,
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
            },
        )
        reindex_case(case)
    return appeal


class ConcurrentEdit(ValidationError):
    """The case changed since the form was opened."""

    def __init__(self, case: Case) -> None:
        who = str(case.updated_by) if case.updated_by else _("someone")
        when = timezone.localtime(case.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            _(
                "%(who)s changed this case at %(when)s while you were editing it. Reload the "
                "case to see their changes, then make yours again."
            )
            % {"who": who, "when": when},
            code="concurrent_edit",
        )
        self.case = case


def _bump(case: Case, actor: Any, expected_version: int | None, fields: list[str]) -> None:
    """Saves ``fields`` only if the case is still at ``expected_version``."""
    now = timezone.now()
    values = {name: getattr(case, name) for name in fields}
    qs = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    # Encrypted fields need their prepared value: update through the model's fields.
    updated = qs.update(**values, version=F("version") + 1, updated_at=now, updated_by=_user(actor))
    if not updated:
        raise ConcurrentEdit(Case.objects.select_related("updated_by").get(pk=case.pk))
    case.version = Case.objects.values_list("version", flat=True).get(pk=case.pk)
    case.updated_at = now
    case.updated_by = _user(actor)


@dataclass
class CaseChanges:
    summary: str | None = None
    country: str | None = None
    region: int | None = None
    facility: int | None = None
    agency: str | None = None
    events_from: dt.date | None = None
    events_to: dt.date | None = None


def case_update(
    *, actor: Any, case: Case, changes: CaseChanges, expected_version: int | None
) -> Case:
    require(actor, "case.edit", case)
    fields: list[str] = []
    if changes.summary is not None and changes.summary != case.summary:
        case.summary = changes.summary
        fields.append("summary")
    if changes.country is not None and changes.country.upper() != case.country:
        case.country = changes.country.upper()
        fields.append("country")
    if changes.region is not None and changes.region != case.region_id:
        case.region = Region.objects.filter(pk=changes.region).first() if changes.region else None
        if changes.region and case.region is None:
            raise ValidationError({"region": _("Unknown region.")})
        fields.append("region")
    if changes.facility is not None and changes.facility != case.facility_id:
        case.facility = (
            Facility.objects.filter(pk=changes.facility).first() if changes.facility else None
        )
        if changes.facility and case.facility is None:
            raise ValidationError({"facility": _("Unknown place of detention.")})
        fields.append("facility")
    if changes.agency is not None and changes.agency != (case.agency.code if case.agency else ""):
        case.agency = term_for(vocab.AGENCY, changes.agency, field_name="agency")
        fields.append("agency")
    for name in ("events_from", "events_to"):
        value = getattr(changes, name)
        if value is not None and value != getattr(case, name):
            not_in_future(value, field_name=name)
            setattr(case, name, value)
            fields.append(name)
    if not fields:
        return case
    with transaction.atomic():
        _bump(case, actor, expected_version, fields)
        record_event(
            actor=actor,
            action="case.update",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"fields": fields},
        )
        if "summary" in fields:
            reindex_case(case)
    return case


ALLOWED_TRANSITIONS = {
    CaseStatus.NEW: {CaseStatus.IN_REVIEW, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.IN_REVIEW: {CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.IN_PROGRESS: {CaseStatus.AWAITING_ANSWER, CaseStatus.CLOSED},
    CaseStatus.AWAITING_ANSWER: {CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.IN_PROGRESS},
}


def case_change_status(
    *,
    actor: Any,
    case: Case,
    status: str,
    outcome: str = "",
    expected_version: int | None,
) -> Case:
    """Moves a case along new → in review → in progress ⇄ awaiting answer → closed.
    Closing needs an outcome; reopening a closed case is the coordinators'."""
    require(actor, "case.edit", case)
    if status not in CaseStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == case.status:
        return case
    if status not in ALLOWED_TRANSITIONS[CaseStatus(case.status)]:
        raise ValidationError(
            {
                "status": _("A case cannot go from “%(old)s” to “%(new)s”.")
                % {"old": CaseStatus(case.status).label, "new": CaseStatus(status).label}
            }
        )
    if case.status == CaseStatus.CLOSED:
        require(actor, "case.manage", case)
    if status == CaseStatus.CLOSED and outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome to close the case.")})
    old = case.status
    case.status = status
    case.outcome = outcome if status == CaseStatus.CLOSED else ""
    case.closed_on = timezone.localdate() if status == CaseStatus.CLOSED else None
    with transaction.atomic():
        _bump(case, actor, expected_version, ["status", "outcome", "closed_on"])
        record_event(
            actor=actor,
            action="case.status",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"from": old, "to": status, "outcome": case.outcome},
        )
    return case


def case_assign(
    *,
    actor: Any,
    case: Case,
    lawyer: User | None,
    team: Team | None,
    expected_version: int | None = None,
) -> Case:
    require(actor, "case.manage", case)
    if lawyer is not None and (
        lawyer.organisation_id != case.organisation_id or not lawyer.is_active
    ):
        raise ValidationError({"lawyer": _("Choose an active staff member of this organisation.")})
    if team is not None and team.organisation_id != case.organisation_id:
        raise ValidationError({"team": _("Choose a team of this organisation.")})
    case.lawyer = lawyer
    case.team = team
    with transaction.atomic():
        _bump(case, actor, expected_version, ["lawyer", "team"])
        record_event(
            actor=actor,
            action="case.assign",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"lawyer": lawyer.pk if lawyer else None, "team": team.pk if team else None},
        )
    return case


def case_share(
    *, actor: Any, case: Case, organisation: Organisation, team: Team | None = None
) -> CaseShare:
    """Lets another organisation (its coordinators, or one of its teams) see the case."""
    require(actor, "case.manage", case)
    if organisation.pk == case.organisation_id:
        raise ValidationError({"organisation": _("The case already belongs to this organisation.")})
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": _("Choose a team of that organisation.")})
    with transaction.atomic():
        share, _created = CaseShare.objects.update_or_create(
            case=case,
            organisation=organisation,
            defaults={"team": team, "shared_by": _user(actor)},
        )
        record_event(
            actor=actor,
            action="case.share",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"with": organisation.pk, "team": team.pk if team else None},
        )
    return share


def case_unshare(*, actor: Any, case: Case, organisation: Organisation) -> None:
    require(actor, "case.manage", case)
    with transaction.atomic():
        CaseShare.objects.filter(case=case, organisation=organisation).delete()
        record_event(
            actor=actor,
            action="case.unshare",
            obj=case,
            organisation=case.organisation,
            case=case,
            data={"with": organisation.pk},
        )


def violation_add(
    *,
    actor: Any,
    case: Case,
    type_code: str,
    occurred_on: dt.date | None = None,
    facility: Facility | None = None,
    description: str = "",
) -> Violation:
    require(actor, "case.edit", case)
    term = term_for(vocab.VIOLATION, type_code, field_name="type")
    not_in_future(occurred_on, field_name="occurred_on")
    with transaction.atomic():
        violation = Violation.objects.create(
            case=case,
            type=term,
            occurred_on=occurred_on,
            facility=facility,
            description=description,
        )
        record_event(
            actor=actor,
            action="violation.add",
            obj=violation,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "type": type_code},
        )
        if description:
            reindex_case(case)
    return violation


def note_add(*, actor: Any, case: Case, text: str) -> Note:
    require(actor, "case.note", case)
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    with transaction.atomic():
        note = Note.objects.create(case=case, text=text, author=_user(actor))
        record_event(
            actor=actor,
            action="note.add",
            obj=note,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "note": note.pk},
        )
        reindex_case(case)
    return note


def task_add(
    *,
    actor: Any,
    case: Case,
    title: str,
    due_on: dt.date | None = None,
    remind_on: dt.date | None = None,
    assignee: User | None = None,
) -> Task:
    require(actor, "case.edit", case)
    if not title.strip():
        raise ValidationError({"title": _("Describe the task.")})
    if assignee is not None and assignee.organisation_id != case.organisation_id:
        raise ValidationError({"assignee": _("Choose a staff member of this organisation.")})
    if due_on and remind_on and remind_on > due_on:
        raise ValidationError({"remind_on": _("The reminder is after the due date.")})
    with transaction.atomic():
        task = Task.objects.create(
            case=case,
            title=title.strip(),
            due_on=due_on,
            remind_on=remind_on,
            assignee=assignee or case.lawyer,
            created_by=_user(actor),
        )
        record_event(
            actor=actor,
            action="task.add",
            obj=task,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "task": task.pk, "due_on": str(due_on or "")},
        )
    return task


def task_complete(*, actor: Any, task: Task) -> Task:
    require(actor, "case.edit", task.case)
    if task.done_at:
        return task
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        record_event(
            actor=actor,
            action="task.done",
            obj=task,
            organisation=task.case.organisation,
            case=task.case,
            data={"case": task.case_id, "task": task.pk},
        )
    return task


def hearing_add(
    *,
    actor: Any,
    case: Case,
    court: str,
    starts_at: dt.datetime,
    attendees: Iterable[User] = (),
    note: str = "",
) -> Hearing:
    require(actor, "case.edit", case)
    if not court.strip():
        raise ValidationError({"court": _("Enter the court.")})
    attendees = list(attendees)
    if any(a.organisation_id != case.organisation_id for a in attendees):
        raise ValidationError({"attendees": _("Choose staff of this organisation.")})
    with transaction.atomic():
        hearing = Hearing.objects.create(
            case=case, court=court.strip(), starts_at=starts_at, note=note
        )
        hearing.attendees.set(attendees)
        record_event(
            actor=actor,
            action="hearing.add",
            obj=hearing,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "hearing": hearing.pk, "starts_at": starts_at.isoformat()},
        )
    return hearing


def referral_add(
    *,
    actor: Any,
    case: Case,
    person: Person,
    kind: str,
    partner: Partner | None = None,
    started_on: dt.date | None = None,
) -> Referral:
    require(actor, "case.edit", case)
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("Unknown value “%(value)s”.") % {"value": kind}})
    if not case.parties.filter(person=person).exists():
        raise ValidationError({"person": _("The person is not part of this case.")})
    if partner is not None and partner.organisation_id != case.organisation_id:
        raise ValidationError({"partner": _("Unknown partner organisation.")})
    not_in_future(started_on, field_name="started_on")
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case, person=person, kind=kind, partner=partner, started_on=started_on
        )
        record_event(
            actor=actor,
            action="referral.add",
            obj=referral,
            organisation=case.organisation,
            case=case,
            data={"case": case.pk, "referral": referral.pk, "kind": kind},
        )
    return referral


def referral_close(
    *, actor: Any, referral: Referral, ended_on: dt.date, outcome: str = ""
) -> Referral:
    require(actor, "case.edit", referral.case)
    if referral.started_on and ended_on < referral.started_on:
        raise ValidationError({"ended_on": _("The end is before the start.")})
    not_in_future(ended_on, field_name="ended_on")
    with transaction.atomic():
        referral.ended_on = ended_on
        referral.outcome = outcome
        referral.save(update_fields=["ended_on", "outcome"])
        record_event(
            actor=actor,
            action="referral.close",
            obj=referral,
            organisation=referral.case.organisation,
            case=referral.case,
            data={"case": referral.case_id, "referral": referral.pk},
        )
    return referral


def custody_record(
    *,
    actor: Any,
    case: Case,
    person: Person,
    facility: Facility,
    since: dt.date,
    note: str = "",
) -> CustodyRecord:
    """Records where a person is held. A move of a person who complained is a possible
    reprisal: the lawyers of their open cases get an alert."""
    require(actor, "case.edit", case)
    if not case.parties.filter(person=person).exists():
        raise ValidationError({"person": _("The person is not part of this case.")})
    not_in_future(since, field_name="since")
    with transaction.atomic():
        previous = person.custody.filter(until__isnull=True).select_related("facility").first()
        if previous is not None and previous.since > since:
            raise ValidationError(
                {
                    "since": _("The person was recorded in %(place)s from a later date.")
                    % {"place": previous.facility}
                }
            )
        record = CustodyRecord.objects.create(
            person=person, facility=facility, since=since, note=note, recorded_by=_user(actor)
        )
        transfer = previous is not None and previous.facility_id != facility.pk
        if previous is not None:
            previous.until = since
            previous.save(update_fields=["until"])
        record_event(
            actor=actor,
            action="custody.record",
            obj=record,
            organisation=case.organisation,
            case=case,
            data={
                "case": case.pk,
                "facility": facility.pk,
                "transfer": transfer,
                "previous": previous.facility_id if previous else None,
            },
        )
        if transfer:
            complained = (
                Case.objects.filter(parties__person=person, appeals__isnull=False)
                .exclude(status=CaseStatus.CLOSED)
                .distinct()
            )
            for affected in complained:
                recipients = {affected.lawyer} if affected.lawyer else set()
                if not recipients and affected.team:
                    recipients = set(affected.team.members.filter(is_active=True))
                for recipient in recipients:
                    Alert.objects.create(
                        case=affected,
                        recipient=recipient,
                        kind=Alert.Kind.TRANSFER,
                        data={
                            "person": person.pk,
                            "from": previous.facility_id,  # type: ignore[union-attr]
                            "to": facility.pk,
                            "since": since.isoformat(),
                        },
                    )
    return record


def alert_mark_read(*, actor: Any, alert: Alert) -> Alert:
    if alert.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied("alert.read")
    with transaction.atomic():
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
        audit_record(actor=actor, action="alert.read", obj=alert)
    return alert


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
    require(actor, "facility.manage")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter the name.")})
    # Compared in Python through normalise_text, the same folding as every other name
    # match (ё/е, Kazakh and Tajik letters), which no SQL collation gives.
    same_country = Facility.objects.filter(country=country.upper()).values_list("name", flat=True)
    if any(normalise_text(known) == normalise_text(name) for known in same_country):
        raise ValidationError({"name": _("This place of detention is already in the registry.")})
    with transaction.atomic():
        facility = Facility.objects.create(
            name=name,
            country=country.upper(),
            region=region,
            type=term_for(vocab.FACILITY_TYPE, type_code, field_name="type") if type_code else None,
            agency=term_for(vocab.AGENCY, agency_code, field_name="agency")
            if agency_code
            else None,
            address=address,
            source=source,
        )
        audit_record(actor=actor, action="facility.create", obj=facility)
    return facility


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
    with transaction.atomic():
        partner = Partner.objects.create(
            organisation=organisation,
            name=name.strip(),
            offers_legal=legal,
            offers_medical=medical,
            offers_psychological=psychological,
            country=country.upper(),
            contact=contact,
        )
        audit_record(actor=actor, action="partner.create", obj=partner, organisation=organisation)
    return partner


def appeal_counts_rebuild(*, actor: Any) -> tuple[int, int]:
    """Recomputes the appeal count table from the appeals (after a data-only restore, or
    SQL run with triggers disabled). Returns (groups, groups that were wrong)."""
    require(actor, "stats.rebuild")
    with transaction.atomic():
        # The chain's lock first, then the folds' lock: committing writers take them in
        # that order too, so the two waits never cross.
        audit_record(actor=actor, action="stats.rebuild")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [stats.FOLD_LOCK])
            cursor.execute(stats.DIFFERENCES_SQL)
            groups, wrong = (int(v) for v in cursor.fetchone())
            if wrong:
                # This transaction's own deltas are in the appeals counted here already.
                cursor.execute(
                    "DELETE FROM cases_appealcount_pending WHERE xid = txid_current_if_assigned()"
                )
                cursor.execute("DELETE FROM cases_appealcount")
                cursor.execute(
                    f"INSERT INTO cases_appealcount ({stats.COUNT_KEY}, n) "  # noqa: S608
                    f"SELECT * FROM ({stats.APPEAL_COUNTS_SQL}) AS counts "
                    f"ORDER BY {stats.COUNT_KEY}"
                )
    return groups, wrong
