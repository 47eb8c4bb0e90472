"""An emergency appeal in a real browser, in Russian and in Kazakh: a coordinator puts a
lawyer on duty in the roster, intake registers an emergency appeal with no lawyer (the
lawyer on duty is alerted and mailed within that request), the lawyer's dashboard shows
the case at the top, the lawyer takes it and the queue empties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from himoya.accounts.models import Role
from himoya.cases.models import Alert, Case
from himoya.duty.models import DutyShift
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login, logout, shoot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")


def _said(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_an_emergency_reaches_the_lawyer_on_duty_who_takes_it(
    page: Any, live_server: Any, org: Any, language: str
) -> None:
    load_reference_data(Term, Region)
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, language=language)
    intake = UserFactory(organisation=org, role=Role.INTAKE, language=language)
    lawyer = UserFactory(
        organisation=org, role=Role.LAWYER, language=language, full_name="Кезекші Заңгер"
    )
    UserFactory(organisation=org, role=Role.LAWYER, full_name="Не На Дежурстве")
    base = live_server.url
    guard = PageGuard(page, base)

    # The coordinator puts the lawyer on duty for the whole organisation.
    login(page, base, coordinator)
    # The language switcher's choice is a cookie: it stays for the next sign-ins.
    with page.expect_navigation():
        page.select_option("#language-select", language)
    assert page.get_attribute("html", "lang") == language
    page.click("nav.mainnav a[href='/staff/duty/']")
    assert page.inner_text("h1") == _said(language, "Duty roster")
    page.locator("#add-shift summary").click()
    now = timezone.localtime()
    page.select_option("#id_lawyer", str(lawyer.pk))
    page.fill("#id_starts_at", (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (now + dt.timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"))
    shoot(page, f"duty-roster-add-{language}")
    _submit(page, "form.shift-form")
    assert DutyShift.objects.get().lawyer == lawyer
    assert _said(language, "on duty now") in page.inner_text("#duty-current-table")
    logout(page)

    # Intake registers an emergency appeal and names no lawyer.
    login(page, base, intake)
    page.goto(base + "/staff/cases/appeals/new/")
    page.select_option("#id_channel", "phone")
    page.fill("#id_received_on", timezone.localdate().isoformat())
    page.select_option("#id_urgency", "emergency")
    page.fill("#id_content", "Позвонил брат: задержанного бьют прямо сейчас (вымышленная история).")
    page.check("#id_consent_processing")
    page.fill("#id_victim_name", "Ойдан Шығарылған Ерлан")
    page.select_option("#id_victim_sex", "male")
    page.select_option("#id_agency", "police")
    page.check("input[name=violations][value=torture]")
    mail.outbox.clear()
    _submit(page, "form.appeal-form")
    case = Case.objects.get()
    assert case.lawyer is None
    # Within that request: the alert on the lawyer's dashboard and the e-mail.
    assert Alert.objects.filter(case=case, recipient=lawyer, kind="urgent_appeal").exists()
    assert [m.to for m in mail.outbox] == [[lawyer.email]]
    assert case.number in mail.outbox[0].subject
    assert "Ерлан" not in mail.outbox[0].body
    with translation.override(language):
        assert mail.outbox[0].subject.endswith(
            gettext("Emergency appeal: case %(number)s needs a lawyer") % {"number": case.number}
        )
    logout(page)

    # The lawyer on duty sees the case at the top of the dashboard and takes it.
    login(page, base, lawyer)
    assert page.get_attribute("html", "lang") == language
    queue = page.wait_for_selector("#urgent-queue")  # the dashboard is loaded by htmx
    assert _said(language, "Urgent appeals without a lawyer") in queue.inner_text()
    assert case.number in queue.inner_text()
    alert_text = _said(language, "An emergency appeal in case %(number)s has no lawyer yet.")
    assert alert_text % {"number": case.number} in page.inner_text(".alerts")
    shoot(page, f"urgent-queue-{language}")
    with page.expect_navigation():
        page.click(f"#urgent-queue li[data-case='{case.pk}'] button[type=submit]")
    assert page.url.endswith(f"/staff/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.lawyer == lawyer

    # Taken: the queue and the alert are gone, the case is the lawyer's own.
    page.goto(base + "/staff/")
    page.wait_for_selector("#case-dashboard .dashboard-grid")
    assert page.locator("#urgent-queue").count() == 0
    assert page.locator(".alert-urgent_appeal").count() == 0
    assert case.number in page.inner_text("#case-dashboard")

    # The list shows and filters the urgency.
    page.goto(base + "/staff/cases/")
    assert _said(language, "emergency") in page.inner_text("#case-results td.urgency")
    guard.assert_clean()
