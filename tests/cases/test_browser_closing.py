"""A case's own life in a real browser, in Russian and in Kazakh: the lawyer closes a
case and is asked about its open tasks and coming hearing (one handed over, the others
done, the hearing kept); intake attaches a new appeal to the closed case, the lawyer and
the coordinator are alerted, the coordinator reopens it from the banner; then the
coordinator gives the case to another lawyer, who takes the open tasks along."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Alert, CaseStatus, Hearing, Task
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login, logout, shoot
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _said(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def _next_totp_window(since: float) -> None:
    """A used TOTP code stays refused: a second sign-in of the same user waits for a
    code that user has not typed yet."""
    while int(time.time()) // 30 == int(since) // 30:
        time.sleep(0.5)


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_closing_reopening_and_reassigning_a_case(
    page: Any, live_server: Any, org: Any, language: str
) -> None:
    load_reference_data(Term, Region)
    team = TeamFactory(organisation=org, name="Алматы")
    people = {}
    for key, role, name in (
        ("lawyer", Role.LAWYER, "Юрист Первый"),
        ("colleague", Role.LAWYER, "Юрист Второй"),
        ("intake", Role.INTAKE, "Приёмная Тестовая"),
        ("coordinator", Role.COORDINATOR, "Координатор Главный"),
    ):
        people[key] = UserFactory(organisation=org, role=role, full_name=name, language=language)
        if role != Role.COORDINATOR:
            team.members.add(people[key])
    lawyer, colleague = people["lawyer"], people["colleague"]
    case = open_case(lawyer, org, team=team.pk)
    today = timezone.localdate()
    titles = ("Направить жалобу прокурору", "Получить копию постановления", "Позвонить матери")
    tasks = [
        services.task_add(actor=lawyer, case=case, title=t, due_on=today + dt.timedelta(days=3))
        for t in titles
    ]
    hearing = services.hearing_add(
        actor=lawyer,
        case=case,
        court="Алмалинский районный суд (тест)",
        starts_at=timezone.now() + dt.timedelta(days=5),
    )
    base = live_server.url
    guard = PageGuard(page, base)
    detail = f"{base}/staff/cases/{case.pk}/"

    # 1. The lawyer closes the case: the next step lists its open work.
    login(page, base, lawyer)
    signed_in = time.time()
    with page.expect_navigation():
        page.select_option("#language-select", language)
    assert page.get_attribute("html", "lang") == language
    page.goto(detail)
    page.locator("#status details.add summary").click()
    page.select_option("#status-outcome", "other")
    _submit(page, "#status form.form")
    assert page.url.endswith(f"/staff/cases/{case.pk}/close/")
    listed = page.inner_text("#closing")
    assert all(t in listed for t in titles) and "Алмалинский районный суд" in listed
    assert _said(language, "Coming court hearings") in listed
    # undecided: refused, the page says why and nothing changed
    _submit(page, "#closing")
    assert page.locator("#closing .errorlist").first.is_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    # one choice for every task, one task handed over, the hearing kept
    page.select_option("#close-all_tasks", "done")
    page.select_option(f"#close-task_{tasks[1].pk}", f"to:{colleague.pk}")
    page.select_option(f"#close-hearing_{hearing.pk}", "keep")
    shoot(page, f"case-closing-{language}")
    _submit(page, "#closing")
    assert page.url.endswith(f"/staff/cases/{case.pk}/#status")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    handed = Task.objects.get(pk=tasks[1].pk)
    assert handed.assignee == colleague and handed.kept_after_closing and handed.done_at is None
    assert (
        Task.objects.filter(pk__in=[tasks[0].pk, tasks[2].pk], done_at__isnull=False).count() == 2
    )
    assert Hearing.objects.get(pk=hearing.pk).cancelled_at is None
    assert _said(language, "The case is closed.") in page.inner_text(".messages")
    logout(page)

    # 2. Intake attaches a new appeal to the closed case.
    login(page, base, people["intake"])
    page.goto(base + "/staff/cases/appeals/new/")
    page.select_option("#id_channel", "phone")
    page.fill("#id_received_on", today.isoformat())
    page.fill("#id_content", "Мать сообщила о новом избиении (вымышленная история).")
    page.check("#id_consent_processing")
    page.fill("#id_victim_name", "Примеров Арман")
    page.fill("#id_attach_to", case.number.replace("K", "К"))  # a Cyrillic К, as typed
    _submit(page, "form.appeal-form")
    assert page.url.endswith(f"/staff/cases/{case.pk}/")
    assert Alert.objects.filter(case=case, kind="closed_case_appeal").count() == 2
    logout(page)

    # The lawyer is alerted and sees the banner, which leaves reopening to a coordinator.
    _next_totp_window(signed_in)
    login(page, base, lawyer)
    page.wait_for_selector("#case-dashboard .dashboard-grid")
    alert = _said(language, "A new appeal came into the closed case %(number)s.")
    assert alert % {"number": case.number} in page.inner_text(".alerts")
    with page.expect_navigation():
        page.click(".alert-closed_case_appeal a")
    banner = page.inner_text("#reopen")
    assert _said(language, "A new appeal came into this closed case.") in banner
    assert _said(language, "A closed case can be reopened by a coordinator.") in banner
    logout(page)

    # 3. The coordinator reopens the case from the banner.
    login(page, base, people["coordinator"])
    page.wait_for_selector("#case-dashboard .dashboard-grid")
    with page.expect_navigation():
        page.click(".alert-closed_case_appeal a")
    shoot(page, f"case-reopen-banner-{language}")
    with page.expect_navigation():
        page.click("#reopen button[value=in_progress]")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert page.locator("#reopen").count() == 0

    # 4. ...and gives it to the other lawyer: the open tasks go along (on by default).
    # (the task handed over on closing is the colleague's already; a new one is the lawyer's)
    kept = services.task_add(actor=lawyer, case=case, title="Подготовить ходатайство")
    page.reload()
    assert page.is_checked("#assign-move_tasks")
    assert _said(language, "Open tasks: %(count)s") % {"count": 1} in page.inner_text("#assignment")
    page.select_option("#assign-lawyer", str(colleague.pk))
    _submit(page, "#assignment form")
    case.refresh_from_db()
    assert case.lawyer == colleague
    assert Task.objects.get(pk=kept.pk).assignee == colleague
    guard.assert_clean()
