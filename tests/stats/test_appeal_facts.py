"""Legal aid and rehabilitation are facts of the case's work (cases/services/
appeal_facts.py): referrals made through the services reach the appeals, the yearly
report and its ORM oracle, and a register import and the staff pages' work add to each
other without undoing either."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from bench.generate import write_csv
from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Appeal, PartyRole, Person, Referral, Rehabilitation
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from himoya.stats.report import appeal_counts_differences, yearly_stats
from tests.factories import UserFactory, open_case, register_appeal
from tests.stats.oracle import report_by_orm

pytestmark = [pytest.mark.django_db]

SYSTEM = SystemActor("test")


def report(org: Any, year: int) -> dict[str, Any]:
    figures = yearly_stats(actor=SYSTEM, year=year, organisation=org)
    assert figures == report_by_orm(year, [org.pk])
    return figures


def victim_of(case: Any) -> Person:
    return case.parties.get(role=PartyRole.VICTIM).person


def test_referrals_on_the_case_are_counted(org: Any) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    received = dt.date(2024, 3, 1)
    case = open_case(lawyer, received_on=received)
    victim = victim_of(case)
    before = report(org, 2024)
    assert (before["appeals"]["legal_aid"], before["rehabilitation"]["total"]) == (0, 0)

    services.referral_add(
        actor=lawyer, case=case, person=victim, kind="medical", started_on=dt.date(2024, 5, 2)
    )
    services.referral_add(
        actor=lawyer, case=case, person=victim, kind="psychological", started_on=dt.date(2024, 4, 9)
    )
    services.referral_add(actor=lawyer, case=case, person=victim, kind="legal")

    appeal = case.appeals.get()
    assert appeal.legal_aid
    assert appeal.rehabilitation == Rehabilitation.BOTH
    assert appeal.rehabilitation_started_on == dt.date(2024, 4, 9)
    after = report(org, 2024)
    assert after["appeals"]["legal_aid"] == 1
    assert after["rehabilitation"] == {"total": 1, "by_sex": {"unknown": 1}, "minors": 0}
    assert appeal_counts_differences()[1] == 0
    # The audit record of the referral that changed the counted facts names the appeal.
    event = AuditEvent.objects.filter(action="referral.add").order_by("-pk")[0]
    assert event.data["appeals"] == [appeal.pk]


def test_ending_a_referral_and_a_relatives_help_change_nothing(org: Any) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    case = open_case(
        lawyer,
        applicant=services.PersonInput(full_name="Примерова Алия"),
        applicant_relation="мать",
    )
    mother = case.parties.get(role=PartyRole.RELATIVE).person
    services.referral_add(actor=lawyer, case=case, person=mother, kind="psychological")
    services.referral_add(actor=lawyer, case=case, person=mother, kind="legal")
    appeal = case.appeals.get()
    assert (appeal.legal_aid, appeal.rehabilitation) == (False, Rehabilitation.NONE)

    referral = services.referral_add(
        actor=lawyer, case=case, person=victim_of(case), kind="medical"
    )
    # Recorded without a date: it started the day it was recorded.
    assert referral.started_on == timezone.localdate()
    services.referral_close(actor=lawyer, referral=referral, ended_on=timezone.localdate())
    appeal.refresh_from_db()
    assert appeal.rehabilitation == Rehabilitation.MEDICAL
    assert appeal.rehabilitation_started_on == timezone.localdate()


def test_an_appeal_joining_the_case_counts_the_work_already_done(org: Any) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    case = open_case(lawyer)
    victim = victim_of(case)
    services.referral_add(
        actor=lawyer, case=case, person=victim, kind="legal", started_on=dt.date(2024, 1, 5)
    )
    services.referral_add(
        actor=lawyer, case=case, person=victim, kind="medical", started_on=dt.date(2024, 1, 5)
    )
    second = register_appeal(lawyer, case=case, victim=None, victim_id=victim.pk)
    assert second.legal_aid
    assert second.rehabilitation == Rehabilitation.MEDICAL
    # The victim is counted once, however many appeals are about them.
    assert report(org, 2024)["rehabilitation"]["total"] == 1


ROW = {
    "external_id": "R-1",
    "received_on": "2024-02-10",
    "channel": "letter",
    "country": "KZ",
    "region": "",
    "victim_name": "Вымышленов Ерлан",
    "victim_sex": "male",
    "victim_birth_date": "1990",
    "victim_is_minor": "",
    "violations": "torture",
    "perpetrator_agency": "police",
    "facility": "",
    "legal_aid": "no",
    "rehabilitation": "none",
    "rehabilitation_started_on": "",
    "summary": "Вымышленная история.",
}


def import_rows(org: Any, tmp_path: Path, *rows: dict[str, str]) -> None:
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("import_cases", str(write_csv(tmp_path / "r.csv", rows)), org=org.slug, **quiet)


def test_a_reimport_does_not_erase_the_work_and_the_work_not_the_file(
    org: Any, tmp_path: Path
) -> None:
    lawyer = UserFactory(organisation=org, role=Role.COORDINATOR)
    nameless = {**ROW, "external_id": "R-2", "victim_name": ""}
    import_rows(
        org,
        tmp_path,
        ROW,
        {
            **nameless,
            "legal_aid": "yes",
            "rehabilitation": "psychological",
            "rehabilitation_started_on": "2023-11-20",
        },
    )
    first = Appeal.objects.get(case__external_id="R-1")
    case = first.case
    services.referral_add(actor=lawyer, case=case, person=first.victim, kind="legal")
    services.referral_add(
        actor=lawyer, case=case, person=first.victim, kind="medical", started_on=dt.date(2024, 6, 1)
    )

    # The register changes the summary and still says "no legal aid, no rehabilitation":
    # the work recorded on the case stays counted.
    import_rows(org, tmp_path, {**ROW, "summary": "Дополнено."}, nameless)
    first.refresh_from_db()
    assert (first.legal_aid, first.rehabilitation) == (True, Rehabilitation.MEDICAL)
    assert first.rehabilitation_started_on == dt.date(2024, 6, 1)
    # Nothing on the nameless row's case says otherwise, so its file's facts are the file's.
    second = Appeal.objects.get(case__external_id="R-2")
    assert (second.legal_aid, second.rehabilitation) == (False, Rehabilitation.NONE)

    # A file date earlier than the work's is when the rehabilitation started.
    import_rows(
        org,
        tmp_path,
        {**ROW, "rehabilitation": "psychological", "rehabilitation_started_on": "2024-03-03"},
    )
    first.refresh_from_db()
    assert first.rehabilitation == Rehabilitation.BOTH
    assert first.rehabilitation_started_on == dt.date(2024, 3, 3)
    figures = report(org, 2024)
    assert figures["appeals"]["legal_aid"] == 1
    assert figures["rehabilitation"]["total"] == 1
    assert appeal_counts_differences()[1] == 0

    # Re-importing the same file again changes nothing.
    out = io.StringIO()
    call_command(
        "import_cases", str(tmp_path / "r.csv"), org=org.slug, stdout=out, stderr=io.StringIO()
    )
    first.refresh_from_db()
    assert first.rehabilitation == Rehabilitation.BOTH


def test_the_migration_counts_referrals_recorded_before_the_rule(org: Any) -> None:
    from importlib import import_module

    migration = import_module("himoya.cases.migrations.0009_appeal_facts_from_referrals")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    case = open_case(lawyer)
    victim = victim_of(case)
    # Written as the old referral_add did: no derivation, and no date.
    Referral.objects.create(case=case, person=victim, kind="legal")
    Referral.objects.create(case=case, person=victim, kind="medical")
    Referral.objects.create(
        case=case, person=victim, kind="psychological", started_on=dt.date(2024, 2, 2)
    )
    migration.count_the_work(apps, None)
    appeal = case.appeals.get()
    # The undated medical referral has no year to be counted in.
    assert (appeal.legal_aid, appeal.rehabilitation) == (True, Rehabilitation.PSYCHOLOGICAL)
    assert appeal.rehabilitation_started_on == dt.date(2024, 2, 2)
    assert appeal_counts_differences()[1] == 0
