"""Documentation in a real browser: a lawyer records the victim's consents and an
allegation interview in Russian, a doctor records an evaluation with findings in
Kazakh. The lawyer reads the evaluation; a monitor of the same team sees neither it nor
the interview's sexual-violence section."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.documentation.models import Consent, Evaluation, Finding, Interview
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login, logout
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")


def _open(page: Any, section: str, summary: str) -> None:
    page.click(f"#{section} details.add > summary:has-text('{summary}')")


def _language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def _consent(page: Any, kind: str, day: dt.date) -> None:
    _open(page, "consents", "Записать согласие")
    page.select_option("#consent-kind", kind)
    page.fill("#consent-given_on", day.isoformat())
    _submit(page, "#consents form.consent-form")


def test_lawyer_documents_in_russian_and_doctor_evaluates_in_kazakh(page, live_server, org):
    load_reference_data(Term, Region)
    team = TeamFactory(organisation=org, name="Команда (тест)")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юристова Айгерим")
    doctor = UserFactory(organisation=org, role=Role.DOCTOR, full_name="Дәрігерова Сәуле")
    monitor = UserFactory(organisation=org, role=Role.MONITOR, full_name="Мониторов Алибек")
    for member in (lawyer, doctor, monitor):
        member.teams.add(team)
    case = open_case(
        lawyer, victim=services.PersonInput(full_name="Документов Ерлан"), team=team.pk
    )
    services.clinician_assign(actor=lawyer, case=case, clinician=doctor)
    today = dt.date.today()  # noqa: DTZ011
    base = live_server.url
    guard = PageGuard(page, base)

    # The lawyer, in Russian: the interview is refused without its consent, naming it.
    login(page, base, lawyer)
    page.goto(f"{base}/staff/cases/{case.pk}/")
    assert "Согласия" in page.inner_text("#consents h2")
    _open(page, "interviews", "Записать опрос")
    page.fill("#interview-held_on", today.isoformat())
    page.select_option("#interview-interviewer_gender", "female")
    page.fill("#interview-places", "ИВС районного ОП (вымышленный)")
    _submit(page, "#interviews form.interview-form")
    assert "Нет согласия «на опрос» или оно отозвано." in page.text_content("#interviews")
    assert not Interview.objects.exists()

    _consent(page, "interview", today)
    _consent(page, "examination", today)
    _consent(page, "photography", today)
    assert Consent.objects.filter(case=case, revoked_at__isnull=True).count() == 3
    # The photography consent is revoked again.
    photo = Consent.objects.get(kind="photography")
    with page.expect_navigation():
        page.click(f"#consent-{photo.pk} button[type=submit]")
    assert "отозвано" in page.inner_text(f"#consent-{photo.pk}")

    _open(page, "interviews", "Записать опрос")
    page.fill("#interview-held_on", today.isoformat())
    page.select_option("#interview-interviewer_gender", "female")
    page.check("#interview-interpreter")
    page.select_option("#interview-interpreter_gender", "female")
    page.select_option("#interview-interpreter_tie", "none")
    page.check("#interviews label:has-text('Удары (кулаком, ногой, предметами)') input")
    page.fill("#interview-places", "ИВС районного ОП (вымышленный)")
    page.fill("#interview-sexual_violence", "Угрозы сексуального насилия (вымышленные)")
    _submit(page, "#interviews form.interview-form")
    interview = Interview.objects.get(case=case)
    assert interview.interpreter_tie == "none"
    assert [m.code for m in interview.methods.all()] == ["blunt_trauma"]
    logout(page)

    # The doctor, in Kazakh: an evaluation, then two findings on the list.
    login(page, base, doctor)
    page.goto(f"{base}/staff/cases/{case.pk}/")
    _language(page, "kk")
    assert "Медициналық және психологиялық куәландырулар" in page.inner_text("#evaluations h2")
    assert "Угрозы сексуального насилия" in page.text_content("#interviews")
    _open(page, "evaluations", "Куәландыруды жазу")
    page.fill("#evaluation-examined_on", today.isoformat())
    page.fill("#evaluation-physical_examination", "Арқада қанталаулар (ойдан шығарылған)")
    page.fill("#evaluation-conclusion", "Табылғандар айтылғанға сәйкес келеді (ойдан).")
    page.select_option("#evaluation-overall", "highly_consistent")
    _submit(page, "#evaluations form.evaluation-form")
    evaluation = Evaluation.objects.get(case=case)
    assert evaluation.clinician == doctor
    for region, rating, size in (
        ("back", "typical", "4 x 6 см"),
        ("arm_left", "consistent", "2 см"),
    ):
        _open(page, "evaluations", "Белгіні жазу")
        page.select_option("#finding-type", "bruise")
        page.select_option("#finding-region", region)
        page.fill("#finding-size", size)
        page.fill("#finding-colour", "көкшіл-күлгін")
        page.select_option("#finding-rating", rating)
        _submit(page, "#evaluations form.finding-form")
    table = page.inner_text("#evaluations .finding-table")
    assert "тән" in table and "сәйкес келеді" in table and "4 x 6 см" in table
    assert Finding.objects.filter(evaluation=evaluation).count() == 2
    logout(page)

    # A monitor of the team sees the interview, not its sexual-violence section, and no
    # evaluation.
    login(page, base, monitor)
    page.goto(f"{base}/staff/cases/{case.pk}/")
    assert "ИВС районного ОП" in page.text_content("#interviews")
    assert "Угрозы сексуального насилия" not in page.content()
    assert page.locator("#evaluations").count() == 0
    logout(page)

    # The lawyer reads the evaluation and its ratings (a second browser login of the
    # same account in one TOTP window would be refused as a replayed code).
    body = make_client(lawyer).get(f"/staff/cases/{case.pk}/").content.decode()
    assert "4 x 6 см" in body
    guard.assert_clean()
