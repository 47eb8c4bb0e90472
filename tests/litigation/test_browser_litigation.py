"""Litigation and remedies, per-country outcomes and the coming week in a real browser,
in Russian and in Tajik: a lawyer records a proceeding, its decision, a compensation
claim and its award; the close form offers Kazakhstan's outcomes only; the dashboard
shows the week's hearing with the victim's name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.litigation.models import Compensation, CourtProceeding
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login
from tests.factories import UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")


def _open(page: Any, summary: str) -> None:
    page.click(f"#litigation details.add > summary:has-text('{summary}')")


def _language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def test_litigation_outcomes_and_the_week_in_ru_and_tg(page, live_server, org):
    load_reference_data(Term, Region)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Судебный")
    case = open_case(lawyer, victim=services.PersonInput(full_name="Истцова Мадина"))
    today = timezone.localdate()
    services.hearing_add(
        actor=lawyer,
        case=case,
        court="Районный суд № 2 (тест)",
        starts_at=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(3), dt.time(11))),
    )
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)

    # The dashboard's week: the hearing, the case and the victim's name.
    page.wait_for_selector("#case-dashboard .week")
    week = page.inner_text("#case-dashboard .week")
    assert "Районный суд № 2" in week and "Истцова Мадина" in week and case.number in week

    # In Russian: a proceeding at first instance, its decision, a claim and its award.
    page.goto(f"{base}/staff/cases/{case.pk}/")
    assert "Судебная защита и возмещение" in page.inner_text("#litigation h2")
    _open(page, "Записать судебное производство")
    page.select_option("#proceeding-kind", "civil")
    page.select_option("#proceeding-instance", "first")
    page.fill("#proceeding-court", "Специализированный межрайонный суд (тест)")
    page.fill("#proceeding-court_number", "2-555/2025")
    page.fill("#proceeding-started_on", (today - dt.timedelta(20)).isoformat())
    _submit(page, "#litigation form.proceeding-form")
    assert "первая инстанция" in page.inner_text("#litigation")
    _open(page, "Записать решение суда")
    page.fill("#decision-decided_on", today.isoformat())
    page.fill("#decision-result", "Иск удовлетворён частично (вымышленное решение).")
    _submit(page, "#litigation form.decision-form")
    assert "Иск удовлетворён частично" in page.inner_text("#litigation")
    _open(page, "Записать компенсацию")
    assert page.input_value("#compensation-claimed_currency") == "KZT"
    # A claim dated tomorrow is refused; the form comes back open, with what was typed.
    page.fill("#compensation-claimed_amount", "3000000")
    page.fill("#compensation-claimed_on", (today + dt.timedelta(1)).isoformat())
    _submit(page, "#litigation form.compensation-form")
    assert page.locator("#litigation .compensation-form .field-claimed_on .errorlist").is_visible()
    assert page.input_value("#compensation-claimed_amount") == "3000000"
    page.fill("#compensation-claimed_on", (today - dt.timedelta(10)).isoformat())
    _submit(page, "#litigation form.compensation-form")
    _open(page, "Записать присуждённую сумму")
    page.fill("#award-awarded_amount", "1200000")
    page.fill("#award-payer", "Министерство финансов (тест)")
    _submit(page, "#litigation form.award-form")
    table = page.inner_text("#litigation .compensation-table")
    assert "3\u00a0000\u00a0000.00 KZT" in table and "1\u00a0200\u00a0000.00 KZT" in table
    claim = Compensation.objects.get(case=case)
    assert claim.awarded_amount == 1200000 and claim.payer == "Министерство финансов (тест)"

    # In Tajik: a constitutional proceeding, marked strategic afterwards.
    _language(page, "tg")
    assert "Ҳифзи судӣ ва ҷуброни зарар" in page.inner_text("#litigation h2")
    _open(page, "Сабти мурофиаи судӣ")
    page.select_option("#proceeding-kind", "criminal")
    page.select_option("#proceeding-instance", "constitutional")
    page.fill("#proceeding-court", "Суди конститутсионӣ (тест)")
    _submit(page, "#litigation form.proceeding-form")
    constitutional = CourtProceeding.objects.get(case=case, instance="constitutional")
    with page.expect_navigation():
        page.click(f"#proceeding-{constitutional.pk} button[name=strategic][value='1']")
    assert "мурофиаи стратегӣ" in page.inner_text("#litigation h2")
    constitutional.refresh_from_db()
    assert constitutional.strategic

    # Closing offers the outcomes of the case's country (Kazakhstan), not Tajikistan's.
    page.click("#status details.add > summary")
    offered = page.eval_on_selector_all("#status-outcome option", "os => os.map(o => o.value)")
    assert "investigation_started" in offered and "registration_refused" in offered
    assert "criminal_case_opened" not in offered and "refused" not in offered
    page.select_option("#status-outcome", "investigation_started")
    _submit(page, "#status form.form")
    # the coming hearing is asked about first: kept
    page.select_option("#close-all_hearings", "keep")
    _submit(page, "#closing")
    case.refresh_from_db()
    assert case.outcome is not None and case.outcome.code == "investigation_started"
    assert "Тафтишоти пеш аз судӣ оғоз шуд" in page.inner_text("#status")
    guard.assert_clean()
