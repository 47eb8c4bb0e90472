"""The case register and publications imports (shared/interchange.md), through the CLI
and the import service, on generated files of fictional rows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.generate import publication_rows, register_rows, write_csv, write_xlsx
from himoya.accounts.models import Role
from himoya.cases.models import Appeal, Case, CaseParty, Person, Violation
from himoya.core.audit import verify_chain
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from himoya.imports.models import ImportedCase
from himoya.imports.reading import ImportInvalid
from himoya.imports.rules import PUBLICATION_COLUMNS
from himoya.imports.services import import_cases
from himoya.outreach.models import Publication
from himoya.reference.models import Facility, Region
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "appeals": Appeal.objects.count(),
        "persons": Person.objects.count(),
        "parties": CaseParty.objects.count(),
        "violations": Violation.objects.count(),
        "facilities": Facility.objects.count(),
        "regions": Region.objects.count(),
        "imported": ImportedCase.objects.count(),
    }


def test_csv_import_then_reimport_changes_nothing(org: Any, tmp_path: Path) -> None:
    rows = list(register_rows(3000, seed=11))
    path = write_csv(tmp_path / "register.csv", rows)
    regions_before = Region.objects.count()
    out, err = run("import_cases", str(path), "--org", org.slug)
    assert "Imported 3000 rows: 3000 created, 0 updated, 0 unchanged" in out
    assert "writing" in err  # the progress bar
    after = counts()
    assert after["cases"] == after["appeals"] == after["imported"] == 3000
    assert after["persons"] == after["parties"] == sum(1 for r in rows if r["victim_name"])
    assert after["violations"] == sum(len(set(r["violations"].split(";"))) for r in rows)
    # New place names were added, unverified; known region names (any language) matched.
    assert Region.objects.filter(verified=False, name_ru="Новый район (вымышленный)").exists()
    assert Region.objects.count() == regions_before + 1
    assert not Region.objects.filter(name_ru="Sughd Region").exists()
    assert set(Facility.objects.values_list("verified", flat=True)) == {False}
    case = Case.objects.get(external_id="R-0000002")
    assert case.number.startswith(f"K-{case.opened_on.year}-")
    assert case.summary == rows[1]["summary"]  # decrypts
    events = AuditEvent.objects.filter(action="case.import").count()
    assert events == 3000
    assert AuditEvent.objects.filter(action="register.import").count() == 1

    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    out, _err = run("import_cases", str(path), "--org", org.slug)
    assert "0 created, 0 updated, 3000 unchanged" in out
    assert counts() == after
    new_events = list(AuditEvent.objects.filter(seq__gt=seq).values_list("action", "data"))
    assert [a for a, _d in new_events] == ["register.import"]
    assert new_events[0][1]["unchanged"] == 3000
    assert verify_chain().ok


def test_changed_row_updates_its_case(org: Any, tmp_path: Path) -> None:
    rows = list(register_rows(40, seed=3))
    path = write_csv(tmp_path / "a.csv", rows)
    run("import_cases", str(path), "--org", org.slug)
    case = Case.objects.get(external_id=rows[5]["external_id"])
    rows[5].update(
        summary="Новое описание (вымышленное)",
        perpetrator_agency="customs",
        violations="torture;threats",
        legal_aid="yes",
    )
    write_csv(path, rows)
    out, _err = run("import_cases", str(path), "--org", org.slug)
    assert "0 created, 1 updated, 39 unchanged" in out
    case.refresh_from_db()
    assert case.summary == "Новое описание (вымышленное)"
    assert case.agency.code == "customs"
    assert case.version == 2
    appeal = case.appeals.get()
    assert appeal.agency.code == "customs" and appeal.legal_aid
    assert set(case.violations.values_list("type__code", flat=True)) >= {"torture", "threats"}
    event = AuditEvent.objects.filter(action="case.import", object_id=str(case.pk)).last()
    assert event is not None and event.data["created"] is False
    assert "summary" in event.data["fields"]
    assert Case.objects.count() == 40


def test_xlsx_imports_like_csv(org: Any, other_org: Any, tmp_path: Path) -> None:
    rows = list(register_rows(300, seed=5))
    run("import_cases", str(write_csv(tmp_path / "r.csv", rows)), "--org", org.slug)
    run("import_cases", str(write_xlsx(tmp_path / "r.xlsx", rows)), "--org", other_org.slug)

    def facts(o: Any) -> list[tuple[Any, ...]]:
        return sorted(
            Appeal.objects.filter(organisation=o).values_list(
                "case__external_id",
                "received_on",
                "channel__code",
                "country",
                "agency__code",
                "violation_mask",
                "victim_sex",
                "victim_minor",
                "legal_aid",
                "rehabilitation",
                "rehabilitation_started_on",
            )
        )

    assert len(facts(org)) == 300
    assert facts(org) == facts(other_org)


def test_bad_rows_write_nothing_and_each_is_listed(org: Any, tmp_path: Path) -> None:
    rows = list(register_rows(2000, seed=9))
    rows[9]["received_on"] = "2999-01-01"  # line 11: in the future
    rows[99]["channel"] = "pigeon"  # line 101
    rows[199]["victim_birth_date"] = "2001-02-30"  # line 201: not a date
    rows[299].update(victim_birth_date="1980-05-05", victim_is_minor="yes")  # line 301
    rows[399].update(rehabilitation="medical", rehabilitation_started_on="")  # line 401
    rows[499]["country"] = "QQ"  # line 501
    rows[599]["violations"] = "torture;flogging"  # line 601
    rows[699]["received_on"] = "12.03.2024"  # line 701
    rows[799]["external_id"] = rows[0]["external_id"]  # line 801: duplicate of line 2
    rows[899]["victim_is_minor"] = "maybe"  # line 901
    path = write_csv(tmp_path / "bad.csv", rows)
    before = counts()
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="nothing was imported"):
        run("import_cases", str(path), "--org", org.slug)
    assert counts() == before
    assert AuditEvent.objects.count() == events
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(path), org=org.slug, stdout=io.StringIO(), stderr=err)
    report = err.getvalue()
    for line, column in [
        (11, "received_on"),
        (101, "channel"),
        (201, "victim_birth_date"),
        (301, "victim_is_minor"),
        (401, "rehabilitation_started_on"),
        (501, "country"),
        (601, "violations"),
        (701, "received_on"),
        (801, "external_id"),
        (901, "victim_is_minor"),
    ]:
        assert f"line {line}, column {column}: " in report, (line, column, report)
    assert "“pigeon”" in report and "“flogging”" in report
    assert "The date cannot be in the future." in report
    assert "first on line 2" in report


def test_xlsx_bad_rows_report_lines_of_the_sheet(org: Any, tmp_path: Path) -> None:
    rows = list(register_rows(30, seed=2))
    rows[4]["perpetrator_agency"] = ""
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ImportInvalid) as caught:
        import_cases(actor=SystemActor("test"), organisation=org, source=path)
    assert [(e.line, e.column) for e in caught.value.errors] == [(6, "perpetrator_agency")]
    assert Case.objects.count() == 0


def test_unknown_and_missing_columns_are_errors(org: Any, tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text(
        "External_ID,Received_On,channel,country,violations,perpetrator_agency,colour\n"
        "X1,2024-01-01,phone,KZ,torture,police,red\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 1, column colour: Unknown column “colour”" in err.getvalue()
    path.write_text("external_id,received_on\nX1,2024-01-01\n", encoding="utf-8")
    with pytest.raises(ImportInvalid) as caught:
        import_cases(actor=SystemActor("test"), organisation=org, source=path)
    missing = {e.column for e in caught.value.errors}
    assert missing == {"channel", "country", "violations", "perpetrator_agency"}
    path.write_text("external_id;received_on\nX1;2024-01-01\n", encoding="utf-8")
    with pytest.raises(ImportInvalid) as caught:
        import_cases(actor=SystemActor("test"), organisation=org, source=path)
    assert "semicolons" in caught.value.errors[0].reason
    assert Case.objects.count() == 0


def test_dry_run_writes_nothing(org: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", register_rows(50, seed=1))
    out, _err = run("import_cases", str(path), "--dry-run")
    assert "50 would be created" in out
    assert Case.objects.count() == 0 and Facility.objects.count() == 0


def test_org_may_be_left_out_only_with_one_organisation(tmp_path: Path, db: Any) -> None:
    path = write_csv(tmp_path / "r.csv", register_rows(5, seed=1))
    with pytest.raises(CommandError, match="no organisation yet"):
        run("import_cases", str(path))
    OrganisationFactory(slug="alpha")
    run("import_cases", str(path))
    assert Case.objects.filter(organisation__slug="alpha").count() == 5
    OrganisationFactory(slug="beta")
    with pytest.raises(CommandError, match=r"choose one with --org \(alpha, beta\)"):
        run("import_cases", str(path))
    with pytest.raises(CommandError, match="no organisation “gamma”"):
        run("import_cases", str(path), "--org", "gamma")
    run("import_cases", str(path), "--org", "beta")
    assert Case.objects.filter(organisation__slug="beta").count() == 5


def test_only_coordinators_and_admins_of_the_organisation_import(
    org: Any, other_org: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", register_rows(3, seed=1))
    for role in (Role.LAWYER, Role.ANALYST, Role.INTAKE):
        user = UserFactory(organisation=org, role=role, totp=False)
        with pytest.raises(PermissionDenied):
            import_cases(actor=user, organisation=org, source=path)
    stranger = UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    with pytest.raises(PermissionDenied):
        import_cases(actor=stranger, organisation=org, source=path)
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    result = import_cases(actor=coordinator, organisation=org, source=path)
    assert result.created == 3
    assert Case.objects.filter(created_by=coordinator).count() == 3
    assert AuditEvent.objects.filter(action="case.import", actor=coordinator).count() == 3


def test_publications_import(org: Any, tmp_path: Path) -> None:
    rows = list(publication_rows(120, seed=4))
    path = write_csv(tmp_path / "p.csv", rows, PUBLICATION_COLUMNS)
    out, _err = run("import_publications", str(path), "--org", org.slug)
    assert "120 created" in out
    assert Publication.objects.filter(organisation=org).count() == 120
    out, _err = run("import_publications", str(path), "--org", org.slug)
    assert "0 created, 0 updated, 120 unchanged" in out
    original = dict(rows[1]), dict(rows[2])
    rows[0]["title"] = "Другой заголовок"
    rows[1]["language"] = "xx"
    rows[2]["url"] = "javascript:alert(1)"
    write_csv(path, rows, PUBLICATION_COLUMNS)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_publications", str(path), org=org.slug, stdout=io.StringIO(), stderr=err
        )
    assert "line 3, column language" in err.getvalue()
    assert "line 4, column url" in err.getvalue()
    rows[1], rows[2] = original
    write_csv(path, rows, PUBLICATION_COLUMNS)
    out, _err = run("import_publications", str(path), "--org", org.slug)
    assert "0 created, 1 updated, 119 unchanged" in out
    assert Publication.objects.get(organisation=org, external_id=rows[0]["external_id"]).title == (
        "Другой заголовок"
    )


def test_row_updates_a_case_registered_by_hand(org: Any, tmp_path: Path) -> None:
    import datetime as dt

    from himoya.cases.services import AppealInput, appeal_register

    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    appeal = appeal_register(
        actor=coordinator,
        organisation=org,
        data=AppealInput(
            received_on=dt.date(2023, 3, 1),
            channel="phone",
            consent_processing=True,
            country="KZ",
            agency="police",
            violations=["torture"],
            external_id="M-1",
        ),
    )
    rows = list(register_rows(3, seed=6))
    rows[0].update(
        external_id="M-1",
        received_on="2023-03-01",
        channel="letter",
        victim_name="Дарабек Тимулов (вымышленный)",
        victim_sex="male",
        violations="torture;threats",
        rehabilitation="medical",
        rehabilitation_started_on="2023-04-01",
    )
    path = write_csv(tmp_path / "m.csv", rows)
    out, _err = run("import_cases", str(path), "--org", org.slug)
    assert "2 created, 1 updated, 0 unchanged" in out
    case = Case.objects.get(external_id="M-1")
    assert case.pk == appeal.case_id and case.appeals.count() == 1
    appeal.refresh_from_db()
    assert appeal.channel.code == "letter" and appeal.consent_processing  # consent kept
    assert appeal.victim is not None and appeal.victim.full_name == rows[0]["victim_name"]
    assert appeal.victim_sex == "male" and appeal.rehabilitation == "medical"
    assert case.referrals.filter(person=appeal.victim, kind="medical").exists()
    assert set(case.violations.values_list("type__code", flat=True)) == {"torture", "threats"}
    assert ImportedCase.objects.get(external_id="M-1").appeal_id == appeal.pk
    out, _err = run("import_cases", str(path), "--org", org.slug)
    assert "0 created, 0 updated, 3 unchanged" in out
