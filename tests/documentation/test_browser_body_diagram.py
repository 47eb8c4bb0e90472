"""A doctor documents an examination in a real browser: findings placed with the
pointer on the body diagrams (the click fills view, position and region), one more from
the list without the diagram, a correction; then the report is downloaded in Kazakh
(PDF) and Tajik (DOCX) from a Russian page. The page breaks no CSP rule."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from himoya.accounts.models import Role
from himoya.cases import services as case_services
from himoya.core.models import AuditEvent
from himoya.documentation import services
from himoya.documentation.models import ConsentKind, Evaluation, Finding
from tests.browser_helpers import PageGuard, login
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")


def _click_body(page: Any, view: str, fx: float, fy: float, within: str = "#evaluations") -> None:
    svg = page.locator(f"{within} .body-picker svg[data-view={view}]")
    box = svg.bounding_box()
    svg.click(position={"x": box["width"] * fx, "y": box["height"] * fy})


def _new_finding(page: Any) -> None:
    page.click("#evaluations details.add > summary:has-text('Записать признак')")


def test_doctor_marks_findings_on_the_body_and_downloads_the_report(page, live_server, org):
    team = TeamFactory(organisation=org, name="Команда (тест)")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юристова Айгерим")
    doctor = UserFactory(organisation=org, role=Role.DOCTOR, full_name="Дәрігерова Сәуле")
    for member in (lawyer, doctor):
        member.teams.add(team)
    case = open_case(
        lawyer, victim=case_services.PersonInput(full_name="Ҳакимов Ҷамшед"), team=team.pk
    )
    case_services.clinician_assign(actor=lawyer, case=case, clinician=doctor)
    today = dt.date.today()  # noqa: DTZ011
    services.consent_record(
        actor=lawyer,
        case=case,
        person=case.parties.get(role="victim").person,
        kind=ConsentKind.EXAMINATION,
        given_on=today,
    )
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, doctor)
    page.goto(f"{base}/staff/cases/{case.pk}/")

    page.click("#evaluations details.add > summary:has-text('Записать освидетельствование')")
    page.fill("#evaluation-examined_on", today.isoformat())
    page.fill("#evaluation-physical_examination", "Қанталаулар арқада (ойдан шығарылған)")
    page.fill("#evaluation-conclusion", "Хулоса: нишонаҳо ба гуфтаҳо мувофиқанд (тахайюлӣ).")
    page.select_option("#evaluation-overall", "highly_consistent")
    _submit(page, "#evaluations form.evaluation-form")
    evaluation = Evaluation.objects.get(case=case)

    # A bruise on the back, placed with the pointer: view, position and region follow.
    _new_finding(page)
    assert page.locator("#evaluations .body-picker").is_visible()
    _click_body(page, "back", 0.45, 0.3)
    assert page.input_value("#finding-view") == "back"
    assert page.input_value("#finding-region") == "back"
    assert "вид сзади" in page.inner_text("#evaluations .body-pick-status")
    page.fill("#finding-size", "4 x 6 см")
    page.fill("#finding-colour", "көкшіл-күлгін")
    page.fill("#finding-age_estimate", "3–5 күн")
    page.select_option("#finding-rating", "typical")
    _submit(page, "#evaluations form.finding-form")

    # An abrasion on the person's right forearm, seen on the reader's left of the front.
    _new_finding(page)
    _click_body(page, "front", 0.235, 0.38)
    assert page.input_value("#finding-region") == "arm_right"
    page.select_option("#finding-type", "abrasion")
    page.select_option("#finding-rating", "consistent")
    _submit(page, "#evaluations form.finding-form")

    # A scar entered from the list only, with no mark.
    _new_finding(page)
    page.select_option("#finding-type", "scar")
    page.select_option("#finding-region", "leg_left")
    page.select_option("#finding-rating", "not_consistent")
    _submit(page, "#evaluations form.finding-form")

    first, second, third = Finding.objects.filter(evaluation=evaluation).order_by("pk")
    assert (first.view, first.region, first.rating) == ("back", "back", "typical")
    assert abs(first.x - 0.45) < 0.02 and abs(first.y - 0.3) < 0.02
    assert (second.view, second.region) == ("front", "arm_right")
    assert (third.view, third.x) == ("", None)
    marks = page.locator(f"#evaluation-{evaluation.pk} .body-marks .mark")
    assert marks.count() == 2
    assert page.locator(f"#evaluation-{evaluation.pk} svg[data-view=back] .mark").count() == 1

    # The abrasion was on the left forearm after all: moved on the correction page.
    page.click(f"#finding-{second.pk} a:has-text('Исправить')")
    page.wait_for_load_state()
    assert page.locator(".body-picker .mark.pending").count() == 1
    _click_body(page, "back", 0.235, 0.38, within="form.finding-form")
    assert page.input_value("#finding-region") == "arm_left"
    _submit(page, "form.finding-form")
    second.refresh_from_db()
    assert (second.view, second.region) == ("back", "arm_left")

    # The report, in Kazakh as PDF and in Tajik as DOCX, from the Russian page.
    page.select_option(f"#report-{evaluation.pk}-language", "kk")
    with page.expect_download() as info:
        page.click(f"#report-{evaluation.pk} button.report-pdf")
    pdf = Path(info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Медициналық куәландыру қорытындысы" in text
    assert "Қанталаулар арқада" in text and "Ҳакимов Ҷамшед" in text and "тән" in text
    page.select_option(f"#report-{evaluation.pk}-language", "tg")
    with page.expect_download() as info:
        page.click(f"#report-{evaluation.pk} button.report-docx")
    assert info.value.suggested_filename.endswith("-tg.docx")
    document = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Хулосаи муоинаи тиббӣ" in body and "нишонаҳо ба гуфтаҳо мувофиқанд" in body
    assert len(document.inline_shapes) == 1
    downloads = AuditEvent.objects.filter(action="evaluation.report", actor=doctor)
    assert sorted((e.data["format"], e.data["language"]) for e in downloads) == [
        ("docx", "tg"),
        ("pdf", "kk"),
    ]
    guard.assert_clean()
