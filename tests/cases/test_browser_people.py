"""People in a case and one-time forms, in a real browser: the Back button and a second
submit create nothing; a witness is added from the case page and the victim's details
edited, in Russian and in Kazakh."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases.models import Appeal, Case, CaseEvent, CaseParty
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login, shoot
from tests.factories import UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, form_selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def _open(page: Any, section: str) -> None:
    details = page.locator(f"#{section} details.add").first
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()


def _switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def test_back_and_submit_again_creates_nothing(page, live_server, org):
    load_reference_data(Term, Region)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Назадов")
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)

    today = timezone.localdate()
    page.goto(base + "/staff/cases/appeals/new/")
    page.select_option("#id_channel", "phone")
    page.fill("#id_received_on", (today - dt.timedelta(days=1)).isoformat())
    page.fill("#id_content", "Звонок о задержании (вымышленная история).")
    page.check("#id_consent_processing")
    page.fill("#id_victim_name", "Дважды Отправленов")
    page.select_option("#id_agency", "police")
    page.check("input[name=violations][value=torture]")
    page.select_option("#id_lawyer", str(lawyer.pk))
    first_token = page.input_value("input[name=form_token]")
    _submit(page, "form.appeal-form")
    case = Case.objects.get()
    assert page.url.endswith(f"/staff/cases/{case.pk}/")

    # Back to the filled form, and send it again: the first case, not a second one.
    page.go_back()
    page.wait_for_selector("form.appeal-form")
    assert page.input_value("#id_victim_name") == "Дважды Отправленов"
    assert page.input_value("input[name=form_token]") == first_token
    _submit(page, "form.appeal-form")
    assert page.url.endswith(f"/staff/cases/{case.pk}/")
    assert "повторно она не создана" in page.inner_text("body")
    assert Case.objects.count() == 1 and Appeal.objects.count() == 1
    shoot(page, "form-sent-twice")

    # The same on the case page: a witness added, Back, submit again.
    _open(page, "persons")
    page.select_option("#party-role", "witness")
    page.fill("#party-full_name", "Свидетелев Марат")
    page.fill("#party-relation", "сосед")
    _submit(page, "#persons form")
    assert "Свидетелев Марат" in page.inner_text("#persons")
    page.go_back()
    page.wait_for_selector("#party-full_name", state="attached")
    assert page.input_value("#party-full_name") == "Свидетелев Марат"
    if page.locator("#persons details.add").get_attribute("open") is None:
        page.locator("#persons details.add summary").click()
    _submit(page, "#persons form")
    assert "повторно она не создана" in page.inner_text("body")
    assert CaseParty.objects.filter(case=case, role="witness").count() == 1
    guard.assert_clean()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_witness_is_added_and_the_victim_edited(page, live_server, org, language):
    load_reference_data(Term, Region)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Люди")
    case = open_case(lawyer, org)
    victim = case.parties.get(role="victim").person
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)
    if language != "ru":
        _switch_language(page, language)
    page.goto(f"{base}/staff/cases/{case.pk}/")

    _open(page, "persons")
    page.select_option("#party-role", "perpetrator")
    page.fill("#party-full_name", "Нарушителев Б.")
    page.fill("#party-notes", "Оперуполномоченный (вымышлено).")
    _submit(page, "#persons form")
    assert "Нарушителев Б." in page.inner_text("#persons")
    assert CaseParty.objects.filter(case=case, role="perpetrator").exists()
    expected = {"ru": "в роли «предполагаемый нарушитель»", "kk": "рөлінде"}[language]
    assert expected in page.inner_text("#timeline")

    page.click(f"#persons a[href$='/persons/{victim.pk}/edit/']")
    page.wait_for_selector("#id_full_name")
    page.fill("#id_birth_date", "1990-13-45")
    _submit(page, "form.form")
    assert page.locator(".field-birth_date .errorlist").is_visible()
    shoot(page, f"person-edit-error-{language}")
    page.fill("#id_birth_date", "1990-05-04")
    page.fill("#id_email", "arman@example.invalid")
    _submit(page, "form.form")
    assert page.url.endswith(f"/staff/cases/{case.pk}/#persons")
    victim.refresh_from_db()
    assert victim.birth_date == "1990-05-04" and victim.email == "arman@example.invalid"
    assert CaseEvent.objects.filter(case=case, kind="person.update").exists()
    assert "arman@example.invalid" in page.inner_text("#persons")
    guard.assert_clean()
