"""Writing the checked rows of a case register: the places they name, then cases with
their victims, appeals, violations, referrals, timeline entries and import records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from himoya.accounts.models import Organisation, User
from himoya.cases.models import (
    Appeal,
    Case,
    CaseParty,
    CaseStatus,
    PartyRole,
    Person,
    Referral,
    Violation,
)
from himoya.cases.services import (
    appeal_facts_refresh,
    case_search_texts,
    reserve_case_numbers,
    search_texts,
)
from himoya.cases.services.appeal_facts import CaseWork, Facts
from himoya.cases.snapshot import AppealSnapshot
from himoya.core.changes import assign_changed
from himoya.core.crypto import normalise_text
from himoya.core.fields import blind_index_fields, encrypted_fields
from himoya.core.fields import bulk_update as sealed_bulk_update
from himoya.imports.bulk import (
    NAME_INDEX,
    NAME_SKELETON_INDEX,
    REGISTER_APPEAL,
    CaseTables,
    pk_of,
)
from himoya.imports.models import ImportedCase, ImportJob
from himoya.imports.rules import BATCH, CaseRow, Progress
from himoya.reference.models import Facility, Region


class Places:
    """Regions and places of detention by name, loaded once; missing ones are added."""

    def __init__(self) -> None:
        self.regions: dict[tuple[str, str], Region] = {}
        for region in Region.objects.all():
            for name in (region.name_ru, region.name_kk, region.name_tg, region.name_en):
                if name:
                    self.regions.setdefault((region.country, normalise_text(name)), region)
        self.facilities = {(f.country, normalise_text(f.name)): f for f in Facility.objects.all()}
        self.added: list[tuple[str, Any]] = []
        # Normal forms of the names met: a register names few places, each many times.
        self._normal: dict[str, str] = {}

    def _key(self, country: str, name: str) -> tuple[str, str]:
        normal = self._normal.get(name)
        if normal is None:
            normal = self._normal[name] = normalise_text(name)
        return (country, normal)

    def prepare(self, rows: Iterable[CaseRow]) -> None:
        """Adds, in bulk, the regions and facilities the rows name that are not known yet."""
        new_regions: dict[tuple[str, str], Region] = {}
        for row in rows:
            key = self._key(row.country, row.region)
            if row.region and key not in self.regions and key not in new_regions:
                new_regions[key] = Region(country=row.country, name_ru=row.region, verified=False)
        if new_regions:
            created = Region.objects.bulk_create(list(new_regions.values()))
            self.regions.update(zip(new_regions, created, strict=True))
            self.added += [("region.create", region) for region in created]
        new_facilities: dict[tuple[str, str], Facility] = {}
        for row in rows:
            key = self._key(row.country, row.facility)
            if row.facility and key not in self.facilities and key not in new_facilities:
                new_facilities[key] = Facility(
                    name=row.facility,
                    country=row.country,
                    region=self.region(row),
                    verified=False,
                    # Stored with each place; kept as the existing rows have it.
                    source="register import",
                )
        if new_facilities:
            created_f = Facility.objects.bulk_create(list(new_facilities.values()))
            self.facilities.update(zip(new_facilities, created_f, strict=True))
            self.added += [("facility.create", facility) for facility in created_f]

    def region(self, row: CaseRow) -> Region | None:
        return self.regions.get(self._key(row.country, row.region)) if row.region else None

    def facility(self, row: CaseRow) -> Facility | None:
        return self.facilities.get(self._key(row.country, row.facility)) if row.facility else None


def snapshot_of(row: CaseRow) -> AppealSnapshot:
    """What the appeal of ``row`` records: the same definition registration writes.
    A register describes its victim even when it leaves the name out, so the victim's
    sex is the row's."""
    return AppealSnapshot.of(
        received_on=row.received_on,
        channel=row.channel,
        country=row.country,
        agency=row.agency,
        violations=row.violations,
        victim_sex=row.victim_sex,
        victim_minor=row.victim_minor,
        legal_aid=row.legal_aid,
        rehabilitation=row.rehabilitation,
        rehabilitation_started_on=row.rehabilitation_started_on,
    )


def index_cases(
    documents: list[tuple[int, int, dict[str, str]]], progress: Progress | None = None
) -> None:
    from himoya.search.services import IndexItem, index_documents_bulk

    def items() -> Iterator[IndexItem]:
        for done, (pk, org_id, texts) in enumerate(documents, 1):
            if progress and done % BATCH == 0:
                progress("index", done, len(documents))
            yield IndexItem(pk, org_id, texts)

    index_documents_bulk(owner_type=Case, items=items())
    if progress and documents:
        progress("index", len(documents), len(documents))


class CaseRef:
    """What the audit log reads of a case (its type and id), without building a Case."""

    _meta = Case._meta

    def __init__(self, pk: int) -> None:
        self.pk = pk


class CaseWriter:
    def __init__(
        self,
        *,
        actor: Any,
        organisation: Organisation,
        job: ImportJob | None,
        places: Places,
    ) -> None:
        self.actor = actor
        self.user = actor if isinstance(actor, User) else None
        self.org = organisation
        self.job_id = job.pk if job else None
        self.places = places
        self.tables = CaseTables()
        self.audit: list[tuple[str, Any, dict[str, Any] | None]] = []
        self.numbers: dict[int, Iterator[str]] = {}
        # Search documents of new cases, indexed together at the end: one tokeniser for
        # the whole import, so a word met again is not analysed again.
        self.documents: list[tuple[int, int, dict[str, str]]] = []

    def reserve_numbers(self, rows: list[CaseRow]) -> None:
        """Takes the case numbers of all the new rows, one block per year (in year order),
        handed out in the order of the rows."""
        by_year: dict[int, int] = defaultdict(int)
        for row in rows:
            by_year[row.received_on.year] += 1
        for year, count in sorted(by_year.items()):
            self.numbers[year] = iter(reserve_case_numbers(self.org, year, count))

    def create(self, rows: list[CaseRow]) -> None:
        """Writes new cases with their victim, appeal, violations, referrals, timeline
        entry and import record; rows go straight to the tables (``CopyTable``). Their
        numbers come from ``reserve_numbers``."""
        numbers = self.numbers
        tables = self.tables
        now = timezone.now()
        org, user = self.org.pk, self.user.pk if self.user else None
        snapshots = [snapshot_of(row) for row in rows]
        named = [row for row in rows if row.victim_name]
        person_ids = tables.persons.insert(
            [
                (
                    org,
                    row.victim_name,
                    NAME_INDEX.compute(row.victim_name, org),
                    NAME_SKELETON_INDEX.compute(row.victim_name, org),
                    row.victim_sex,
                    row.victim_birth_date,
                    user,
                    now,
                )
                for row in named
            ]
        )
        victims = {row.line: pk for row, pk in zip(named, person_ids, strict=True)}
        case_ids = tables.cases.insert(
            [
                (
                    org,
                    next(numbers[row.received_on.year]),
                    row.external_id,
                    row.summary,
                    CaseStatus.NEW,
                    pk_of(self.places.region(row)),
                    pk_of(self.places.facility(row)),
                    user,
                    now,
                    user,
                    now,
                    1,
                    *snapshot.case_row(),
                )
                for row, snapshot in zip(rows, snapshots, strict=True)
            ]
        )
        appeal_ids = tables.appeals.insert(
            [
                self._appeal_values(snapshot, case_id, victims.get(row.line), now)
                for row, snapshot, case_id in zip(rows, snapshots, case_ids, strict=True)
            ]
        )
        violations, parties, referrals, events, imported = [], [], [], [], []
        for row, snapshot, case_id, appeal_id in zip(
            rows, snapshots, case_ids, appeal_ids, strict=True
        ):
            facility = pk_of(self.places.facility(row))
            violations += [(case_id, t.pk, facility, "") for t in row.violations]
            victim = victims.get(row.line)
            if victim is not None:
                parties.append((case_id, victim, PartyRole.VICTIM, row.victim_minor, ""))
                referrals += [
                    (case_id, victim, kind, None, snapshot.rehabilitation_started_on, None, "")
                    for kind in snapshot.referral_kinds()
                ]
            events.append((case_id, "case.import", now, user, {"job": self.job_id}))
            imported.append(
                (
                    org,
                    row.external_id,
                    case_id,
                    appeal_id,
                    victim,
                    row.fingerprint,
                    self.job_id,
                    now,
                )
            )
            self.audit.append(
                (
                    "case.import",
                    CaseRef(case_id),
                    {"created": True, "appeal": appeal_id, "victim": victim, "job": self.job_id},
                )
            )
        tables.violations.insert(violations)
        tables.parties.insert(parties)
        tables.referrals.insert(referrals)
        tables.events.insert(events)
        tables.imported.insert(imported)
        numbers_used = tables.cases.last_values("number")
        # Violations are written without descriptions and the appeal without content:
        # the only text is the summary and the victim's name.
        self.documents += [
            (
                case_id,
                org,
                search_texts(
                    number=number,
                    external_id=row.external_id,
                    summary=row.summary,
                    names=[row.victim_name],
                ),
            )
            for row, case_id, number in zip(rows, case_ids, numbers_used, strict=True)
        ]

    def _appeal_values(
        self, snapshot: AppealSnapshot, case_id: int, victim: int | None, now: dt.datetime
    ) -> tuple[Any, ...]:
        """An appeal's row in the order of ``CaseTables.appeals``."""
        return (
            self.org.pk,
            case_id,
            victim,
            victim,
            self.user.pk if self.user else None,
            now,
            *REGISTER_APPEAL.values(),
            *snapshot.row(),
        )

    def _appeal(self, snapshot: AppealSnapshot, case: Case, victim: Person | None) -> Appeal:
        """An Appeal instance with the same values as the bulk path writes; ``victim``
        may still be unsaved (it is saved before the appeal)."""
        values = self._appeal_values(snapshot, case.pk, None, timezone.now())
        fields = self.tables.appeals.fields
        appeal = Appeal(**{f.attname: v for f, v in zip(fields, values, strict=True)})
        appeal.victim = appeal.applicant = victim
        return appeal

    def update(self, rows: list[CaseRow], known: dict[str, ImportedCase | int]) -> int:
        """Brings existing cases in line with their rows; returns how many changed.
        ``known`` maps external_id to its ImportedCase, or to a case id for a case that
        was registered by hand with that register number."""
        case_ids = [
            k.case_id if isinstance(k, ImportedCase) else k
            for k in (known[row.external_id] for row in rows)
        ]
        cases = Case.objects.in_bulk(case_ids)
        first_appeals: dict[int, Appeal] = {}
        records = {row.external_id: known[row.external_id] for row in rows}
        appeal_ids = [r.appeal_id for r in records.values() if isinstance(r, ImportedCase)]
        appeals = Appeal.objects.in_bulk([a for a in appeal_ids if a])
        for earliest in Appeal.objects.filter(case_id__in=case_ids).order_by(
            "case_id", "received_on", "id"
        ):
            first_appeals.setdefault(earliest.case_id, earliest)
        victim_ids = {
            a.victim_id for a in [*appeals.values(), *first_appeals.values()] if a.victim_id
        }
        persons = Person.objects.in_bulk(victim_ids)
        have_types: dict[int, set[int]] = defaultdict(set)
        for case_id, type_id in Violation.objects.filter(case_id__in=case_ids).values_list(
            "case_id", "type_id"
        ):
            have_types[case_id].add(type_id)
        work = CaseWork(case_ids)
        have_refs = set(
            Referral.objects.filter(case_id__in=case_ids).values_list(
                "case_id", "person_id", "kind"
            )
        )
        changed_cases: list[Case] = []
        changed_appeals: list[Appeal] = []
        changed_persons: list[Person] = []
        new_appeals: list[tuple[CaseRow, Appeal]] = []
        new_victims: list[tuple[CaseRow, Case, Appeal | None, Person]] = []
        new_violations: list[Violation] = []
        new_referrals: list[Referral] = []
        records_out: list[tuple[CaseRow, Case]] = []
        changed_count = 0
        for row, case_id in zip(rows, case_ids, strict=True):
            case = cases[case_id]
            record = records[row.external_id]
            appeal: Appeal | None = None
            if isinstance(record, ImportedCase) and record.appeal_id:
                appeal = appeals.get(record.appeal_id)
            appeal = appeal or first_appeals.get(case_id)
            victim = persons.get(appeal.victim_id) if appeal and appeal.victim_id else None
            fields: list[str] = []
            snapshot = snapshot_of(row)
            opening = snapshot.case_values()
            # A minor victim marks the case; a later row without one does not unmark it
            # (another appeal may have brought one).
            minor = opening.pop("has_minor_victim")
            case_fields = assign(
                case,
                summary=row.summary,
                region=self.places.region(row),
                facility=self.places.facility(row),
                **opening,
            )
            if minor and not case.has_minor_victim:
                case.has_minor_victim = True
                case_fields.append("has_minor_victim")
            fields += case_fields
            if victim is not None:
                person_fields = assign(
                    victim,
                    full_name=row.victim_name or victim.full_name,
                    sex=row.victim_sex,
                    birth_date=row.victim_birth_date,
                )
                if person_fields:
                    changed_persons.append(victim)
                    fields += [f"victim.{name}" for name in person_fields]
            elif row.victim_name:
                victim = Person(
                    organisation=self.org,
                    full_name=row.victim_name,
                    sex=row.victim_sex,
                    birth_date=row.victim_birth_date,
                    created_by=self.user,
                )
                new_victims.append((row, case, appeal, victim))
                fields.append("victim")
            if appeal is None:
                new_appeals.append((row, self._appeal(snapshot, case, victim)))
                fields.append("appeal")
            else:
                # The file's legal aid and rehabilitation, joined by the work recorded on
                # the case since (services/appeal_facts.py): a re-import never erases it.
                values = snapshot.values()
                merged = work.facts(
                    case_id,
                    appeal.victim_id,
                    Facts(row.legal_aid, snapshot.rehabilitation, row.rehabilitation_started_on),
                )
                values.update(
                    legal_aid=merged.legal_aid,
                    rehabilitation=merged.rehabilitation,
                    rehabilitation_started_on=merged.rehabilitation_started_on,
                )
                appeal_fields = assign(appeal, **values)
                if appeal_fields:
                    changed_appeals.append(appeal)
                    fields += [f"appeal.{name}" for name in appeal_fields]
            missing = [t for t in row.violations if t.pk not in have_types[case_id]]
            if missing:
                new_violations += [
                    Violation(case=case, type=t, facility=self.places.facility(row))
                    for t in missing
                ]
                fields.append("violations")
            if victim is not None and victim.pk is not None:
                for kind in snapshot.referral_kinds():
                    if (case_id, victim.pk, kind) not in have_refs:
                        new_referrals.append(
                            Referral(
                                case=case,
                                person=victim,
                                kind=kind,
                                started_on=snapshot.rehabilitation_started_on,
                            )
                        )
                        fields.append("referrals")
            if case_fields:
                changed_cases.append(case)
            if fields:
                changed_count += 1
                self.audit.append(
                    (
                        "case.import",
                        case,
                        {"created": False, "fields": sorted(set(fields)), "job": self.job_id},
                    )
                )
            records_out.append((row, case))
        now = timezone.now()
        for case in changed_cases:
            case.version += 1
            case.updated_at = now
            case.updated_by = self.user
        bulk_update(
            Case,
            changed_cases,
            [
                "summary",
                "region",
                "facility",
                *AppealSnapshot.CASE_FIELDS,
                "version",
                "updated_at",
                "updated_by",
            ],
        )
        for person in changed_persons:
            for index in blind_index_fields(Person):
                setattr(
                    person,
                    index.attname,
                    index.compute(getattr(person, index.source), person.organisation_id),
                )
        bulk_update(
            Person,
            changed_persons,
            ["full_name", "sex", "birth_date", "name_index", "name_skeleton_index"],
        )
        bulk_update(Appeal, changed_appeals, list(AppealSnapshot.FIELDS))
        if new_victims:
            Person.objects.bulk_create([p for _r, _c, _a, p in new_victims])
            CaseParty.objects.bulk_create(
                [
                    CaseParty(case=c, person=p, role=PartyRole.VICTIM, is_minor=r.victim_minor)
                    for r, c, _a, p in new_victims
                ]
            )
            for row, case, first, person in new_victims:
                if first is not None:
                    first.victim = first.applicant = person
                    Appeal.objects.filter(pk=first.pk).update(victim=person, applicant=person)
                new_referrals += [
                    Referral(
                        case=case,
                        person=person,
                        kind=kind,
                        started_on=row.rehabilitation_started_on,
                    )
                    for kind in snapshot_of(row).referral_kinds()
                ]
        for _row, appeal in new_appeals:
            if appeal.victim is not None and appeal.victim.pk is not None:
                appeal.victim_id = appeal.applicant_id = appeal.victim.pk
        Appeal.objects.bulk_create([a for _r, a in new_appeals])
        Violation.objects.bulk_create(new_violations)
        Referral.objects.bulk_create(new_referrals)
        # Appeals and referrals added above count too (services/appeal_facts.py). New
        # cases need no such pass: their only referrals are the ones their row made.
        appeal_facts_refresh(case_ids)
        self._records(records_out, known, new_appeals, new_victims)
        touched = {c.pk: c for c in changed_cases}
        touched.update({c.pk: c for _r, c, _a, _p in new_victims})
        if touched:
            index_cases([(c.pk, c.organisation_id, case_search_texts(c)) for c in touched.values()])
        return changed_count

    def _records(
        self,
        rows: list[tuple[CaseRow, Case]],
        known: dict[str, ImportedCase | int],
        new_appeals: list[tuple[CaseRow, Appeal]],
        new_victims: list[tuple[CaseRow, Case, Appeal | None, Person]],
    ) -> None:
        appeal_of = {row.external_id: a for row, a in new_appeals}
        victim_of = {row.external_id: p for row, _c, _a, p in new_victims}
        now = timezone.now()
        update, create = [], []
        for row, case in rows:
            record = known[row.external_id]
            if isinstance(record, ImportedCase):
                record.fingerprint = row.fingerprint
                record.job_id = self.job_id
                record.updated_at = now
                if row.external_id in appeal_of:
                    record.appeal = appeal_of[row.external_id]
                if row.external_id in victim_of:
                    record.victim = victim_of[row.external_id]
                update.append(record)
            else:
                first = (
                    appeal_of.get(row.external_id)
                    or Appeal.objects.filter(case=case).order_by("received_on", "id").first()
                )
                create.append(
                    ImportedCase(
                        organisation=self.org,
                        external_id=row.external_id,
                        case=case,
                        appeal=first,
                        victim=victim_of.get(row.external_id) or (first.victim if first else None),
                        fingerprint=row.fingerprint,
                        job_id=self.job_id,
                    )
                )
        bulk_update(ImportedCase, update, ["fingerprint", "job", "updated_at", "appeal", "victim"])
        ImportedCase.objects.bulk_create(create)


def assign(obj: Any, **values: Any) -> list[str]:
    """Sets the attributes that differ; returns their names."""
    return assign_changed(obj, values)


def bulk_update(model: Any, objs: list[Any], fields: list[str]) -> None:
    if not objs:
        return
    if encrypted_fields(model):
        # Each encrypted value is sealed for its own row.
        sealed_bulk_update(model, objs, fields, batch_size=500)
    else:
        model.objects.bulk_update(objs, fields, batch_size=500)
