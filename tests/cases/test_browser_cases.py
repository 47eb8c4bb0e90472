"""The whole path of a case in a real browser: a lawyer signs in with password and TOTP,
registers an appeal received by phone (which opens a case), works the case through to
closing, and the timeline shows every step; a coordinator of another organisation who
opens the case's address gets 404. No CSP violation, no request leaves the server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Case, CaseStatus
from himoya.core.policies import SystemActor
from himoya.reference import services as reference_services
from himoya.reference.models import Facility, Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login, logout, shoot
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, form_selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def _open(page: Any, section: str) -> None:
    details = page.locator(f"#{section} details.add").first
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()


def test_a_lawyer_works_a_case_from_the_appeal_to_closing(page, live_server, org, other_org):
    # A transactional test starts from a flushed database: the shipped vocabularies first.
    load_reference_data(Term, Region)
    team = TeamFactory(organisation=org, name="Алматы")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Браузерный")
    team.members.add(lawyer)
    outsider = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    partner = reference_services.partner_create(
        actor=SystemActor("test"),
        organisation=org,
        name="Центр реабилитации «Пример»",
        medical=True,
        psychological=True,
    )
    Facility.objects.create(country="KZ", name="ИВС Алматы (тест)")
    today = timezone.localdate()
    base = live_server.url
    guard = PageGuard(page, base)

    login(page, base, lawyer)
    page.wait_for_selector("#case-dashboard .dashboard-grid")  # loaded by htmx
    shoot(page, "cases-dashboard-empty")

    # register an appeal received by phone: it opens a case
    page.goto(base + "/staff/cases/appeals/new/")
    page.select_option("#id_channel", "phone")
    page.fill("#id_received_on", (today - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_urgency", "urgent")
    page.fill("#id_content", "Позвонила мать: сына избили при задержании (вымышленная история).")
    page.check("#id_consent_processing")
    page.check("#id_consent_representation")
    page.fill("#id_victim_name", "Вымышленов Арман")
    page.select_option("#id_victim_sex", "male")
    page.fill("#id_victim_birth", "1994")
    page.fill("#id_victim_phone", "+7 700 555 0000")
    page.fill("#id_applicant_name", "Вымышленова Алия")
    page.fill("#id_applicant_relation", "мать")
    page.select_option("#id_agency", "police")
    page.check("input[name=violations][value=torture]")
    page.fill("#id_events_from", (today - dt.timedelta(days=3)).isoformat())
    page.fill("#id_summary", "Избиение при задержании, требовали признание.")
    page.select_option("#id_team", str(team.pk))
    page.select_option("#id_lawyer", str(lawyer.pk))
    shoot(page, "cases-appeal-form")
    _submit(page, "form.appeal-form")
    case = Case.objects.get()
    assert page.url.endswith(f"/staff/cases/{case.pk}/")
    assert case.appeals.get().channel.code == "phone"

    # new → in review → in progress
    for status in ("in_review", "in_progress"):
        with page.expect_navigation():
            page.click(f"#status button[name=status][value={status}]")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS

    # a task and a note
    _open(page, "tasks")
    page.fill("#task-title", "Подготовить жалобу прокурору")
    page.fill("#task-due_on", (today + dt.timedelta(days=7)).isoformat())
    _submit(page, "#tasks form[action$='/tasks/']")
    assert "Подготовить жалобу прокурору" in page.inner_text("#tasks")
    _open(page, "notes")
    page.fill("#note-text", "Договорились о встрече с матерью в офисе.")
    _submit(page, "#notes form")
    assert "Договорились о встрече" in page.inner_text("#notes")

    # a court hearing, who attends
    _open(page, "hearings")
    page.fill("#hearing-court", "Алмалинский районный суд (тест)")
    page.fill("#hearing-starts_at", f"{(today + dt.timedelta(days=14)).isoformat()}T10:30")
    page.check(f"#hearings input[name=attendees][value='{lawyer.pk}']")
    _submit(page, "#hearings form")
    assert "Алмалинский районный суд" in page.inner_text("#hearings")

    # the victim referred to a partner for medical rehabilitation
    _open(page, "referrals")
    page.select_option("#referral-kind", "medical")
    page.select_option("#referral-partner", str(partner.pk))
    page.fill("#referral-started_on", today.isoformat())
    _submit(page, "#referrals form[action$='/referrals/']")
    assert "Центр реабилитации" in page.inner_text("#referrals")

    # awaiting an answer, then closed with Kazakhstan's "pre-trial investigation started"
    with page.expect_navigation():
        page.click("#status button[name=status][value=awaiting_answer]")
    _open(page, "status")
    _submit(page, "#status form.form")  # without an outcome: refused, the form says why
    assert page.locator("#status .field-outcome .errorlist").is_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_ANSWER
    shoot(page, "cases-detail-close-error")
    page.select_option("#status-outcome", "investigation_started")
    _submit(page, "#status form.form")
    # the open task and the coming hearing are asked about first
    page.select_option("#close-all_tasks", "done")
    page.select_option("#close-all_hearings", "keep")
    _submit(page, "#closing")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome is not None and case.outcome.code == "investigation_started"

    # the timeline shows every step, newest first
    kinds = page.eval_on_selector_all(
        "#timeline li[data-kind]", "items => items.map(i => i.dataset.kind)"
    )
    assert list(reversed(kinds)) == [
        "case.open",
        "appeal.register",
        "case.status",
        "case.status",
        "task.add",
        "note.add",
        "hearing.add",
        "referral.add",
        "case.status",
        "case.status",
        "case.close_work",
    ]
    timeline = page.inner_text("#timeline")
    assert "Юрист Браузерный" in timeline
    assert "Подготовить жалобу прокурору" in timeline
    shoot(page, "cases-detail-closed")

    page.goto(base + "/staff/cases/")
    assert case.number in page.inner_text("#case-results")
    page.select_option("#id_status", "closed")
    page.wait_for_function("() => new URL(location.href).searchParams.get('status') === 'closed'")
    page.wait_for_selector(f"#case-results a:has-text('{case.number}')")
    # a search is posted: the address (and so the history) gets a token, never the words
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.fill("#id_q", "Вымышленов")
    page.wait_for_function("() => new URL(location.href).searchParams.has('search')")
    page.wait_for_selector(f"#case-results a:has-text('{case.number}')")
    assert requested and not [u for u in requested + [page.url] if "q=" in u or "%D0" in u]
    assert "closed" in page.url  # the other filters stay
    shoot(page, "cases-list")
    guard.assert_clean()
    logout(page)

    # a coordinator of another organisation cannot open it
    login(page, base, outsider)
    response = page.goto(base + f"/staff/cases/{case.pk}/")
    assert response is not None and response.status == 404
    assert "Вымышленов" not in page.content()
    guard.assert_clean()


def test_duplicate_hints_and_a_transfer_alert(page, live_server, org):
    load_reference_data(Term, Region)
    team = TeamFactory(organisation=org, name="Шымкент")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Второй")
    team.members.add(lawyer)
    today = timezone.localdate()
    case = services.appeal_register(
        actor=lawyer,
        organisation=org,
        data=services.AppealInput(
            received_on=today - dt.timedelta(days=20),
            channel="letter",
            consent_processing=True,
            victim=services.PersonInput(full_name="Образцов Тимур", phone="+7 700 555 1234"),
            country="KZ",
            violations=["reprisal"],
            team=team.pk,
            lawyer=lawyer.pk,
        ),
    ).case
    person = case.parties.get().person
    colony = Facility.objects.create(country="KZ", name="Колония № 1 (тест)")
    other = Facility.objects.create(country="KZ", name="Колония № 2 (тест)")
    services.custody_record(
        actor=lawyer, case=case, person=person, facility=colony, since=today - dt.timedelta(30)
    )
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)

    # typing a known phone number shows where it already appears
    page.goto(base + "/staff/cases/appeals/new/")
    page.fill("#id_victim_name", "Образцов Т.")
    page.fill("#id_victim_phone", "8 700 555 12 34")
    page.wait_for_selector(f"#duplicate-hints a:has-text('{case.number}')")
    shoot(page, "cases-appeal-duplicates")

    # recording a transfer alerts the lawyer on the dashboard
    page.goto(base + f"/staff/cases/{case.pk}/")
    _open(page, "custody")
    page.select_option("#custody-facility", str(other.pk))
    page.fill("#custody-since", today.isoformat())
    _submit(page, "#custody form")
    assert "Колония № 2 (тест)" in page.inner_text("#custody")
    page.goto(base + "/staff/")
    page.wait_for_selector("#case-dashboard .alerts")
    assert "Колония № 2 (тест)" in page.inner_text("#case-dashboard .alerts")
    shoot(page, "cases-dashboard-alert")
    page.click("#case-dashboard .alerts button[type=submit]")
    page.wait_for_selector("#case-dashboard .alerts", state="detached")
    assert case.alerts.get().read_at is not None

    # the facts, and the registries of places and partners
    page.goto(base + f"/staff/cases/{case.pk}/edit/")
    page.fill("#id_summary", "После жалобы переведён в другую колонию.")
    _submit(page, "form.form")
    assert "После жалобы" in page.inner_text("#facts")
    page.goto(base + "/staff/cases/facilities/?country=KZ")
    assert "Колония № 2 (тест)" in page.inner_text("main")
    shoot(page, "cases-facilities")
    page.goto(base + "/staff/cases/partners/")
    shoot(page, "cases-partners")
    guard.assert_clean()
