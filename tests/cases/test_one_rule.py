"""One rule, one place: the same appeal registered through the service and through the
register import stores the same facts; the one country check answers alike everywhere;
two imports in one process keep to their own rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, models

from bench.generate import register_rows, write_csv
from himoya.accounts.services import organisation_create
from himoya.cases.models import (
    Appeal,
    Case,
    CaseParty,
    Person,
    Referral,
    ReferralKind,
    Rehabilitation,
    Violation,
)
from himoya.cases.services import (
    AppealInput,
    CaseChanges,
    PersonInput,
    appeal_register,
    case_search_texts,
    case_update,
)
from himoya.cases.snapshot import AppealSnapshot, referral_kinds
from himoya.core.countries import country_code
from himoya.core.idempotency import new_token
from himoya.core.policies import SystemActor
from himoya.imports.bulk import CaseTables
from himoya.imports.reading import ImportInvalid
from himoya.imports.services import import_cases
from himoya.imports.writing import CaseWriter, Places
from himoya.reference.forms import FacilityForm
from himoya.reference.models import Facility, Region
from himoya.search.sql import DOCS
from himoya.search.tokens import Tokeniser, search_key
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.usefixtures("english")]

SYSTEM = SystemActor("test")

# What legitimately differs between the two registrations, field by field, with the
# reason. Every other stored field of these models is compared. Both paths run as the
# same system actor, so who registered (created_by, registered_by...) is compared too.
NOT_COMPARED: dict[type[models.Model], dict[str, str]] = {
    Case: {
        "id": "row identity",
        "organisation": "each path registers into its own organisation (a register number "
        "is unique per organisation)",
        "number": "case numbers are handed out per organisation",
        "created_at": "timestamp of the write",
        "updated_at": "timestamp of the write",
    },
    Appeal: {
        "id": "row identity",
        "organisation": "each path registers into its own organisation",
        "case": "a row of this registration: checked to be the case compared",
        "applicant": "a row of this registration: checked to be the victim compared",
        "victim": "a row of this registration: checked to be the victim compared",
        "created_at": "timestamp of the write",
        "consent_processing": "the service refuses an appeal without it (the staff form's "
        "rule); a register records none (interchange.md): checked on its own below",
    },
    Person: {
        "id": "row identity",
        "organisation": "each path registers into its own organisation",
        "created_at": "timestamp of the write",
        "name_index": "blind indexes are keyed per organisation: checked below to be the "
        "name's index under its own organisation's key",
        "name_skeleton_index": "keyed per organisation too: checked below like name_index",
    },
    CaseParty: {
        "id": "row identity",
        "case": "a row of this registration: checked to be the case compared",
        "person": "a row of this registration: checked to be the victim compared",
    },
    Violation: {
        "id": "row identity",
        "case": "a row of this registration: checked to be the case compared",
    },
    Referral: {
        "id": "row identity",
        "case": "a row of this registration: checked to be the case compared",
        "person": "a row of this registration: checked to be the victim compared",
    },
}


def stored(obj: models.Model) -> dict[str, Any]:
    """Every stored field of ``obj`` but those NOT_COMPARED, read back through the model
    (so encrypted fields are decrypted and compared as plaintext)."""
    skip = NOT_COMPARED[type(obj)]
    return {
        f.name: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.name not in skip
    }


def registration(case: Case) -> dict[str, Any]:
    """What one registration stored, read back from the database, by model."""
    case = Case.objects.get(pk=case.pk)
    (appeal,) = Appeal.objects.filter(case=case)
    (party,) = CaseParty.objects.filter(case=case)
    victim = Person.objects.get(pk=party.person_id)
    # Rows of this registration point at each other, whatever their ids.
    assert appeal.victim_id == appeal.applicant_id == victim.pk
    assert victim.organisation_id == appeal.organisation_id == case.organisation_id
    referrals = list(Referral.objects.filter(case=case))
    assert {r.person_id for r in referrals} == {victim.pk}

    def by_values(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=repr)

    return {
        "case": stored(case),
        "appeal": stored(appeal),
        "victim": stored(victim),
        "party": stored(party),
        "violations": by_values([stored(v) for v in Violation.objects.filter(case=case)]),
        "referrals": by_values([stored(r) for r in referrals]),
    }


def indexed_tokens(case: Case) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tokens FROM {DOCS} WHERE owner_type = 'cases.case' AND owner_id = %s",  # noqa: S608
            [case.pk],
        )
        (tokens,) = cursor.fetchone()
    return sorted(tokens)


def built_tokens(case: Case) -> list[int]:
    """The tokens the one search-text builder gives for the stored case."""
    return Tokeniser(search_key(case.organisation_id)).document_tokens(
        case_search_texts(Case.objects.get(pk=case.pk)), owner_id=case.pk
    )


@pytest.mark.django_db
def test_an_appeal_registered_by_the_service_and_by_the_import_stores_the_same(
    tmp_path: Path,
) -> None:
    by_hand = OrganisationFactory(slug="by-hand", country="KZ")
    by_file = OrganisationFactory(slug="by-file", country="KZ")
    region = Region.objects.filter(country="KZ").order_by("pk").first()
    assert region is not None
    facility = Facility.objects.create(
        name="ИВС №7 (вымышленный)", country="KZ", region=region, verified=True
    )
    facts = {
        "external_id": "ONE-1",
        "received_on": dt.date(2023, 3, 14),
        "channel": "letter",
        "country": "kz",
        "victim_name": "Бекжан Тестов (вымышленный)",
        "victim_sex": "male",
        # A minor at the time: the flag comes from the date of birth on both paths.
        "victim_birth_date": "2008-05-01",
        "violations": ["torture", "threats"],
        "agency": "police",
        "legal_aid": True,
        "rehabilitation": "both",
        "rehabilitation_started_on": dt.date(2023, 4, 2),
        "summary": "Задержан у дома (вымышленный), избит при доставлении.",
    }
    appeal = appeal_register(
        actor=SYSTEM,
        organisation=by_hand,
        data=AppealInput(
            received_on=facts["received_on"],
            channel=facts["channel"],
            # The service requires consent; a register records none (compared apart).
            consent_processing=True,
            victim=PersonInput(
                full_name=facts["victim_name"],
                sex=facts["victim_sex"],
                birth_date=facts["victim_birth_date"],
            ),
            country=facts["country"],
            region=region.pk,
            facility=facility.pk,
            agency=facts["agency"],
            violations=facts["violations"],
            summary=facts["summary"],
            legal_aid=facts["legal_aid"],
            rehabilitation=facts["rehabilitation"],
            rehabilitation_started_on=facts["rehabilitation_started_on"],
            external_id=facts["external_id"],
        ),
    )
    row = {
        "external_id": facts["external_id"],
        "received_on": facts["received_on"].isoformat(),
        "channel": facts["channel"],
        "country": facts["country"],
        "region": region.name_ru,
        "victim_name": facts["victim_name"],
        "victim_sex": facts["victim_sex"],
        "victim_birth_date": facts["victim_birth_date"],
        "victim_is_minor": "",
        "violations": ";".join(facts["violations"]),
        "perpetrator_agency": facts["agency"],
        "facility": facility.name,
        "legal_aid": "yes",
        "rehabilitation": facts["rehabilitation"],
        "rehabilitation_started_on": facts["rehabilitation_started_on"].isoformat(),
        "summary": facts["summary"],
    }
    result = import_cases(
        actor=SYSTEM, organisation=by_file, source=write_csv(tmp_path / "one.csv", [row])
    )
    assert result.created == 1 and result.regions_added == result.facilities_added == 0
    imported = Case.objects.get(organisation=by_file, external_id=facts["external_id"])

    by_service, by_import = registration(appeal.case), registration(imported)
    for part in by_service:
        assert by_service[part] == by_import[part], part
    # The blind index of each victim's name is the one of its own organisation.
    for case in (appeal.case, imported):
        victim = Appeal.objects.get(case=case).victim
        assert victim is not None
        for index in ("name_index", "name_skeleton_index"):
            assert getattr(victim, index) == Person._meta.get_field(index).compute(  # type: ignore[attr-defined]
                victim.full_name, case.organisation_id
            )
    # Consent, the one fact the two paths record differently, by rule.
    assert Appeal.objects.get(case=appeal.case).consent_processing is True
    assert Appeal.objects.get(case=imported).consent_processing is False
    # The facts are the ones given, not merely equal to each other.
    assert by_service["appeal"]["country"] == "KZ"
    assert by_service["appeal"]["victim_minor"] and by_service["case"]["has_minor_victim"]
    assert by_service["appeal"]["rehabilitation"] == Rehabilitation.BOTH
    assert sorted(r["kind"] for r in by_service["referrals"]) == sorted(
        [ReferralKind.MEDICAL, ReferralKind.PSYCHOLOGICAL]
    )
    assert len(by_service["violations"]) == 2
    # Each case's search index is what the one builder makes of the stored case.
    for case in (appeal.case, imported):
        assert indexed_tokens(case) == built_tokens(case)


def test_the_exclusions_name_real_fields() -> None:
    for model, fields in NOT_COMPARED.items():
        names = {f.name for f in model._meta.concrete_fields}
        assert set(fields) <= names, (model, set(fields) - names)


def test_the_snapshot_is_every_fact_it_writes() -> None:
    """Its FIELDS (the COPY columns) are exactly its attributes and real Appeal fields,
    and its case facts real Case fields: no fact can reach one path only."""
    attributes = {f.name for f in dataclasses.fields(AppealSnapshot)}
    assert set(AppealSnapshot.FIELDS) == attributes
    appeal_fields = {f.name for f in Appeal._meta.concrete_fields}
    assert set(AppealSnapshot.FIELDS) <= appeal_fields
    assert set(AppealSnapshot.CASE_FIELDS) <= {f.name for f in Case._meta.concrete_fields}
    assert set(AppealSnapshot.CASE_FIELDS.values()) <= attributes
    tables = CaseTables()
    assert [f.name for f in tables.appeals.fields][-len(AppealSnapshot.FIELDS) :] == list(
        AppealSnapshot.FIELDS
    )


def test_rehabilitation_values_and_referrals_come_from_the_model() -> None:
    assert [referral_kinds(value) for value in Rehabilitation.values] == [
        (),
        (ReferralKind.MEDICAL,),
        (ReferralKind.PSYCHOLOGICAL,),
        (ReferralKind.MEDICAL, ReferralKind.PSYCHOLOGICAL),
    ]
    assert referral_kinds("spa") == ()


@pytest.mark.django_db
def test_the_rehabilitation_rule_is_the_same_for_the_service_and_the_import(
    tmp_path: Path,
) -> None:
    org = OrganisationFactory(slug="rehab-org", country="KZ")
    cases = [
        ("none", dt.date(2024, 2, 1), "leave its start date empty"),
        ("medical", None, "Enter the date rehabilitation started."),
    ]
    rows = list(register_rows(len(cases), seed=5))
    for row, (kind, started, _message) in zip(rows, cases, strict=True):
        row.update(
            rehabilitation=kind,
            rehabilitation_started_on=started.isoformat() if started else "",
        )
    with pytest.raises(ImportInvalid) as invalid:
        import_cases(actor=SYSTEM, organisation=org, source=write_csv(tmp_path / "r.csv", rows))
    from_import = [(e.column, e.reason) for e in invalid.value.errors]
    from_service = []
    for kind, started, message in cases:
        with pytest.raises(ValidationError) as exc:
            appeal_register(
                actor=SYSTEM,
                organisation=org,
                data=AppealInput(
                    received_on=dt.date(2024, 1, 9),
                    channel="phone",
                    consent_processing=True,
                    rehabilitation=kind,
                    rehabilitation_started_on=started,
                ),
            )
        ((column, (reason,)),) = exc.value.message_dict.items()
        assert message in reason
        from_service.append((column, reason))
    assert from_service == from_import


# ---------------------------------------------------------------- countries


@pytest.mark.django_db
def test_one_country_check_everywhere(tmp_path: Path) -> None:
    """Each way in accepts any ISO 3166-1 code in either case, stores it in upper case,
    and refuses a code that is not one with the same message."""
    org = OrganisationFactory(slug="c-org", country="KZ")
    expected = "“QQ” is not an ISO 3166-1 country code."
    assert country_code(" de ") == "DE"
    with pytest.raises(ValidationError) as exc:
        country_code("QQ")
    assert exc.value.message_dict == {"country": [expected]}

    def register(country: str) -> Appeal:
        return appeal_register(
            actor=SYSTEM,
            organisation=org,
            data=AppealInput(
                received_on=dt.date(2024, 1, 9),
                channel="phone",
                consent_processing=True,
                country=country,
            ),
        )

    assert register("ge").country == "GE"
    with pytest.raises(ValidationError) as exc:
        register("QQ")
    assert exc.value.message_dict["country"] == [expected]

    case = register("kz").case
    assert (
        case_update(
            actor=SYSTEM, case=case, changes=CaseChanges(country="tj"), expected_version=None
        ).country
        == "TJ"
    )
    with pytest.raises(ValidationError) as exc:
        case_update(
            actor=SYSTEM, case=case, changes=CaseChanges(country="QQ"), expected_version=None
        )
    assert exc.value.message_dict["country"] == [expected]

    form = FacilityForm(data={"name": "СИЗО (вымышленный)", "country": "QQ"})
    assert not form.is_valid() and form.errors["country"] == [expected]
    form = FacilityForm(
        data={"name": "СИЗО (вымышленный)", "country": "ge", "form_token": new_token()}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["country"] == "GE"

    with pytest.raises(ValidationError):
        organisation_create(actor=SYSTEM, slug="qq-org", name="Кью", country="QQ")

    rows = list(register_rows(2, seed=3))
    rows[1]["country"] = "QQ"
    with pytest.raises(ImportInvalid) as invalid:
        import_cases(actor=SYSTEM, organisation=org, source=write_csv(tmp_path / "c.csv", rows))
    assert [(e.line, e.column, e.reason) for e in invalid.value.errors] == [
        (3, "country", expected)
    ]


# ---------------------------------------------------------------- two imports


def test_each_import_writer_has_tables_of_its_own(db: Any) -> None:
    org = OrganisationFactory(slug="own-tables")
    places = Places()
    first = CaseWriter(actor=SYSTEM, organisation=org, job=None, places=places)
    second = CaseWriter(actor=SYSTEM, organisation=org, job=None, places=places)
    assert first.tables is not second.tables
    assert first.tables.cases is not second.tables.cases


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_keep_to_their_own_rows(tmp_path: Path) -> None:
    """Two organisations import at the same time in one process (two threads, more than
    one batch each): every case, appeal and search document belongs to its own import."""
    orgs = [
        organisation_create(actor=SYSTEM, slug=f"thread-{i}", name=f"Поток {i}", country="KZ")
        for i in (1, 2)
    ]
    sizes = {orgs[0].pk: 2600, orgs[1].pk: 2300}
    rows = {
        org.pk: list(register_rows(sizes[org.pk], seed=org.pk, prefix=f"T{org.pk}")) for org in orgs
    }
    # Places of detention and regions are shared reference data: two imports that add the
    # same new one at once collide on its unique name (one of them fails whole, nothing
    # written), so here only the first names places.
    for row in rows[orgs[1].pk]:
        row.update(region="", facility="")
    paths = {org.pk: write_csv(tmp_path / f"{org.slug}.csv", rows[org.pk]) for org in orgs}
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(org: Any) -> None:
        try:
            start.wait()
            import_cases(actor=SYSTEM, organisation=org, source=paths[org.pk])
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(org,)) for org in orgs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    for org in orgs:
        cases = list(Case.objects.filter(organisation=org).order_by("pk"))
        assert len(cases) == sizes[org.pk]
        assert {c.external_id[: len(f"T{org.pk}-")] for c in cases} == {f"T{org.pk}-"}
        assert not Appeal.objects.filter(case__organisation=org).exclude(organisation=org)
        # The numbers in the search documents are the cases' own (a shared COPY table
        # would hand one import's numbers to the other's documents).
        for case in cases[:: max(1, len(cases) // 50)] + cases[-3:]:
            assert indexed_tokens(case) == built_tokens(case), case.external_id
