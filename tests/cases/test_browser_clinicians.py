"""A doctor assigned to a case, in a real browser, in Russian and in Tajik: the case's
lawyer assigns the doctor on the case page, the doctor signs in and finds the case on the
dashboard and opens it; once the lawyer ends the assignment, the doctor's next look at
the case is a 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.clinicians import CaseClinician
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login, shoot
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VICTIM = "Вымышленов Сухроб"
# The timeline's sentence for the assignment, and the panel's title, by language.
ASSIGNED = {"ru": "К делу назначен специалист", "tg": "Ба парванда мутахассис таъин шуд"}
PANEL = {"ru": "Врачи и психологи", "tg": "Духтурон ва равоншиносон"}


@pytest.fixture
def second_page(browser: Any) -> Iterator[Any]:
    """The doctor's own browser, signed in beside the lawyer's."""
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["ru", "tg"])
def test_a_lawyer_assigns_a_doctor_who_then_sees_the_case(
    page, second_page, live_server, org, language
):
    load_reference_data(Term, Region)
    team = TeamFactory(organisation=org)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Дела")
    team.members.add(lawyer)
    doctor = UserFactory(organisation=org, role=Role.DOCTOR, full_name="Врач Осматривающий")
    other_case = open_case(lawyer, org, team=team.pk)
    case = open_case(
        lawyer,
        org,
        team=team.pk,
        victim=services.PersonInput(full_name=VICTIM, sex="male"),
    )
    base = live_server.url
    guard = PageGuard(page, base)
    doctor_guard = PageGuard(second_page, base)

    # The doctor signs in first: no case yet.
    login(second_page, base, doctor)
    if language != "ru":
        _switch_language(second_page, language)
    second_page.wait_for_selector("#case-dashboard .dashboard-grid")
    assert case.number not in second_page.inner_text("#case-dashboard")
    response = second_page.goto(f"{base}/staff/cases/{case.pk}/")
    assert response is not None and response.status == 404

    # The case's lawyer assigns the doctor from the case page.
    login(page, base, lawyer)
    if language != "ru":
        _switch_language(page, language)
    page.goto(f"{base}/staff/cases/{case.pk}/")
    assert PANEL[language] in page.inner_text("#clinicians")
    page.select_option("#clinician-clinician", str(doctor.pk))
    with page.expect_navigation():
        page.click("#clinicians form[action$='/clinicians/'] button[type=submit]")
    assert "Врач Осматривающий" in page.inner_text("#clinicians")
    assert ASSIGNED[language] in page.inner_text("#timeline")
    shoot(page, f"case-clinicians-{language}")

    # The doctor finds it on the dashboard, and only it, and reads it.
    second_page.goto(f"{base}/staff/")
    second_page.wait_for_selector("#case-dashboard .dashboard-grid")
    dashboard = second_page.inner_text("#case-dashboard")
    assert case.number in dashboard and other_case.number not in dashboard
    with second_page.expect_navigation():
        second_page.click(f"#case-dashboard a[href$='/staff/cases/{case.pk}/']")
    assert VICTIM in second_page.inner_text("body")
    assert "Врач Осматривающий" in second_page.inner_text("#clinicians")
    # Reading, not assigning: the doctor gets no form.
    assert second_page.locator("#clinician-clinician").count() == 0
    shoot(second_page, f"case-seen-by-doctor-{language}")

    # The lawyer ends the assignment (the button asks first).
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#clinicians form[action$='/end/'] button[type=submit]")
    assert CaseClinician.objects.get().ended_at is not None
    # Kept as history, in the folded list of earlier assignments.
    assert "Врач Осматривающий" in (page.locator("#clinicians details").text_content() or "")
    assert page.locator("#clinicians form[action$='/end/']").count() == 0

    response = second_page.goto(f"{base}/staff/cases/{case.pk}/")
    assert response is not None and response.status == 404
    guard.assert_clean()
    doctor_guard.assert_clean()
