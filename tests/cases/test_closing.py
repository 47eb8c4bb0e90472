"""Closing a case with its open work decided, moving a lawyer's open tasks on
reassignment, and an appeal that comes into a closed case: the services, their audit
events and timeline, who may not do them, and the pages that call them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import agenda, selectors, services
from himoya.cases.models import Alert, Case, CaseStatus, Hearing, Task
from himoya.cases.services import HearingDecision, TaskDecision
from himoya.cases.views.timeline import Timeline
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, open_case, register_appeal

pytestmark = pytest.mark.django_db

DONE = TaskDecision(TaskDecision.DONE)
KEEP = TaskDecision(TaskDecision.KEEP)


@pytest.fixture
def team(org: Any) -> Any:
    return TeamFactory(organisation=org, name="Алматы")


@pytest.fixture
def lawyer(org: Any, team: Any) -> Any:
    user = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Первый", totp=False)
    team.members.add(user)
    return user


@pytest.fixture
def colleague(org: Any, team: Any) -> Any:
    user = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Второй", totp=False)
    team.members.add(user)
    return user


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(
        organisation=org, role=Role.COORDINATOR, full_name="Координатор Главный", totp=False
    )


@pytest.fixture
def case(lawyer: Any, org: Any, team: Any) -> Case:
    return open_case(lawyer, org, team=team.pk)


def _work(case: Case, lawyer: Any) -> dict[str, Any]:
    """Three open tasks, one done, a coming hearing and a past one."""
    today = timezone.localdate()
    made = {
        name: services.task_add(actor=lawyer, case=case, title=title, due_on=today)
        for name, title in (
            ("letter", "Направить жалобу прокурору"),
            ("visit", "Посетить подзащитного в СИЗО"),
            ("copy", "Получить копию постановления"),
            ("old", "Выполненная задача"),
        )
    }
    services.task_complete(actor=lawyer, task=made["old"])
    now = timezone.now()
    made["hearing"] = services.hearing_add(
        actor=lawyer, case=case, court="Алмалинский районный суд", starts_at=now + dt.timedelta(2)
    )
    made["second"] = services.hearing_add(
        actor=lawyer, case=case, court="Городской суд", starts_at=now + dt.timedelta(3)
    )
    made["past"] = services.hearing_add(
        actor=lawyer, case=case, court="Прошлый суд", starts_at=now - dt.timedelta(days=2)
    )
    case.refresh_from_db()
    return made


def test_open_work_is_the_open_tasks_and_the_coming_hearings(case, lawyer):
    w = _work(case, lawyer)
    work = selectors.open_work(case)
    assert [t.pk for t in work.tasks] == [w["letter"].pk, w["visit"].pk, w["copy"].pk]
    assert [h.pk for h in work.hearings] == [w["hearing"].pk, w["second"].pk]


def test_closing_refuses_while_anything_is_undecided(case, lawyer):
    w = _work(case, lawyer)
    with pytest.raises(ValidationError) as refused:
        services.case_change_status(
            actor=lawyer, case=case, status="closed", outcome="other", expected_version=None
        )
    errors = refused.value.message_dict
    assert {f"task_{w[n].pk}" for n in ("letter", "visit", "copy")} <= set(errors)
    assert {f"hearing_{w['hearing'].pk}", f"hearing_{w['second'].pk}"} <= set(errors)
    assert f"task_{w['old'].pk}" not in errors and f"hearing_{w['past'].pk}" not in errors
    # one decision missing is enough to refuse, and nothing is done meanwhile
    with pytest.raises(ValidationError) as refused:
        services.case_close(
            actor=lawyer,
            case=case,
            outcome="other",
            expected_version=case.version,
            tasks={w["letter"].pk: DONE, w["visit"].pk: DONE, w["copy"].pk: DONE},
            hearings={w["hearing"].pk: HearingDecision.CANCEL},
        )
    assert set(refused.value.message_dict) == {f"hearing_{w['second'].pk}", "__all__"}
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert Task.objects.filter(case=case, done_at__isnull=True).count() == 3
    assert not Hearing.objects.filter(cancelled_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__in=["case.status", "case.close_work"]).exists()


def test_closing_does_every_decision_in_one_transaction(case, lawyer, colleague, english):
    w = _work(case, lawyer)
    done = services.case_close(
        actor=lawyer,
        case=case,
        outcome="other",
        expected_version=case.version,
        tasks={
            w["letter"].pk: DONE,
            w["visit"].pk: KEEP,
            w["copy"].pk: TaskDecision(TaskDecision.HAND_OVER, colleague),
            w["old"].pk: DONE,  # no longer open: ignored
        },
        hearings={w["hearing"].pk: HearingDecision.CANCEL, w["second"].pk: HearingDecision.KEEP},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome.code == "other"
    tasks = {t.pk: t for t in Task.objects.filter(case=case)}
    assert tasks[w["letter"].pk].done_at is not None
    assert tasks[w["visit"].pk].kept_after_closing and tasks[w["visit"].pk].assignee == lawyer
    handed = tasks[w["copy"].pk]
    assert handed.kept_after_closing and handed.assignee == colleague and handed.done_at is None
    assert Hearing.objects.get(pk=w["hearing"].pk).cancelled_at is not None
    assert Hearing.objects.get(pk=w["second"].pk).cancelled_at is None
    assert done.tasks_handed == {w["copy"].pk: colleague.pk}
    # the kept and handed-over tasks are still work: in the week and the reminders
    assert set(Task.objects.outstanding()) == {tasks[w["visit"].pk], handed}
    today = timezone.localdate()
    assert [e.title for e in agenda.coming_week(colleague, today).days[0][1]] == [
        "Получить копию постановления"
    ]
    titles = {e.title for _day, entries in agenda.coming_week(lawyer, today).days for e in entries}
    assert titles == {"Посетить подзащитного в СИЗО", "Городской суд"}
    # the list's hearing column skips the cancelled one
    [row] = selectors.case_list_page(lawyer, selectors.CaseFilters(), number=1).object_list
    assert row.next_hearing == Hearing.objects.get(pk=w["second"].pk).starts_at
    # audited: the closing, what became of the work, the hand-over, in the timeline too
    work = AuditEvent.objects.get(action="case.close_work")
    assert work.data["tasks_done"] == [w["letter"].pk]
    assert work.data["tasks_kept"] == [w["visit"].pk]
    assert work.data["tasks_handed"] == [[w["copy"].pk, colleague.pk]]
    assert work.data["hearings_cancelled"] == [w["hearing"].pk]
    assert work.data["hearings_kept"] == [w["second"].pk]
    handover = AuditEvent.objects.get(action="task.reassign")
    assert handover.data == {"case": case.pk, "tasks": [w["copy"].pk], "to": colleague.pk}
    assert AuditEvent.objects.filter(action="case.status", data__to="closed").count() == 1
    texts = [e["text"] for e in Timeline(case).entries()]
    assert "Handed open tasks (1) over to Юрист Второй." in texts
    assert (
        "On closing the case: tasks completed: 1; tasks kept open: 1; tasks handed over: 1; "
        "hearings cancelled: 1; hearings kept: 1." in texts
    )


def test_a_task_goes_only_to_someone_who_may_work_on_the_case(case, lawyer, org, other_org):
    w = _work(case, lawyer)
    outside_team = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    stranger = UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    analyst = UserFactory(organisation=org, role=Role.ANALYST, totp=False)
    for to in (outside_team, stranger, analyst, None):
        with pytest.raises(ValidationError) as refused:
            services.case_close(
                actor=lawyer,
                case=case,
                outcome="other",
                expected_version=case.version,
                tasks={
                    w["letter"].pk: DONE,
                    w["visit"].pk: DONE,
                    w["copy"].pk: TaskDecision(TaskDecision.HAND_OVER, to),
                },
                hearings={w["hearing"].pk: "keep", w["second"].pk: "keep"},
            )
        assert f"task_{w['copy'].pk}" in refused.value.message_dict
    assert Task.objects.filter(case=case, done_at__isnull=True).count() == 3
    assert outside_team not in selectors.case_workers(case)
    assert lawyer in selectors.case_workers(case)


def test_who_may_not_close_a_case(case, lawyer, org, other_org, coordinator):
    _work(case, lawyer)
    partner = UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    services.case_share(actor=coordinator, case=case, organisation=other_org)
    assert selectors.visible_cases(partner).filter(pk=case.pk).exists()  # sees, may not edit
    analyst = UserFactory(organisation=org, role=Role.ANALYST, totp=False)
    outside_team = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    for actor in (partner, analyst, outside_team):
        with pytest.raises(PermissionDenied):
            services.case_close(
                actor=actor, case=case, outcome="other", expected_version=None, tasks={}
            )
        # the page: 403 for who sees the case, 404 for who does not
        got = make_client(actor).post(
            reverse("cases:close", args=[case.pk]),
            {"confirm": "1", "status": "closed", "version": case.version, "outcome": "other"},
        )
        assert got.status_code == (403 if actor is partner else 404)
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_work_added_after_the_page_opened_is_refused_and_shown(case, lawyer):
    w = _work(case, lawyer)
    client = make_client(lawyer)
    url = reverse("cases:close", args=[case.pk])
    page = client.post(url, {"status": "closed", "version": case.version, "outcome": "other"})
    assert page.status_code == 200
    assert "Направить жалобу прокурору" in page.content.decode()
    late = services.task_add(actor=lawyer, case=case, title="Появилась позже")
    answer = client.post(
        url,
        {
            "shown": page.context["form"]["shown"].value(),
            "confirm": "1",
            "status": "closed",
            "version": case.version,
            "outcome": "other",
            "all_tasks": "done",
            "all_hearings": "cancel",
            f"task_{w['visit'].pk}": "keep",
        },
    )
    # the choice for all covers only the tasks the page showed: the late one is asked about
    assert answer.status_code == 400
    assert "Появилась позже" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW and Task.objects.get(pk=late.pk).done_at is None
    # shown now, the choice for all covers it on the next submission
    shown = answer.context["form"]["shown"].value()
    assert f"task_{late.pk}" in shown.split()
    again = client.post(
        url,
        {
            "confirm": "1",
            "status": "closed",
            "version": case.version,
            "outcome": "other",
            "all_tasks": "done",
            "all_hearings": "cancel",
            "shown": shown,
        },
    )
    assert again.status_code == 302
    assert Task.objects.get(pk=late.pk).done_at is not None


def test_the_page_closes_with_one_choice_for_all_and_some_of_their_own(case, lawyer, colleague):
    w = _work(case, lawyer)
    client = make_client(lawyer)
    url = reverse("cases:close", args=[case.pk])
    shown = client.get(url).context["form"]["shown"].value()
    got = client.post(
        url,
        {
            "shown": shown,
            "confirm": "1",
            "status": "closed",
            "version": case.version,
            "outcome": "other",
            "all_tasks": "done",
            f"task_{w['copy'].pk}": f"to:{colleague.pk}",
            "all_hearings": "cancel",
            f"hearing_{w['second'].pk}": "keep",
        },
    )
    assert got.status_code == 302 and got.url.endswith("#status")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert Task.objects.get(pk=w["copy"].pk).assignee == colleague
    assert Task.objects.get(pk=w["letter"].pk).done_at is not None
    assert Hearing.objects.get(pk=w["second"].pk).cancelled_at is None
    assert Hearing.objects.get(pk=w["hearing"].pk).cancelled_at is not None
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'class="cancelled"' in page


def test_a_case_with_nothing_open_closes_from_its_page_at_once(case, lawyer):
    got = make_client(lawyer).post(
        reverse("cases:close", args=[case.pk]),
        {"status": "closed", "version": case.version, "outcome": "other"},
    )
    assert got.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert not AuditEvent.objects.filter(action="case.close_work").exists()


# ------------------------------------------------------------- reassigning


def test_reassigning_moves_the_previous_lawyers_open_tasks(
    case, lawyer, colleague, coordinator, english
):
    w = _work(case, lawyer)
    theirs = services.task_add(actor=lawyer, case=case, title="Чужая", assignee=colleague)
    case.refresh_from_db()
    services.case_assign(
        actor=coordinator, case=case, lawyer=colleague, team=case.team, move_tasks=True
    )
    moved = [w["letter"].pk, w["visit"].pk, w["copy"].pk]
    assert set(Task.objects.filter(assignee=colleague)) == {
        theirs,
        *Task.objects.filter(pk__in=moved),
    }
    assert Task.objects.get(pk=w["old"].pk).assignee == lawyer  # done: history stays
    event = AuditEvent.objects.get(action="task.reassign")
    assert event.data == {"case": case.pk, "tasks": moved, "from": lawyer.pk, "to": colleague.pk}
    texts = [e["text"] for e in Timeline(case).entries()]
    assert "Moved open tasks (3) from Юрист Первый to Юрист Второй." in texts


def test_reassigning_without_moving_leaves_the_tasks(case, lawyer, colleague, coordinator):
    w = _work(case, lawyer)
    services.case_assign(actor=coordinator, case=case, lawyer=colleague, team=case.team)
    assert Task.objects.get(pk=w["letter"].pk).assignee == lawyer
    assert not AuditEvent.objects.filter(action="task.reassign").exists()


def test_tasks_nobody_had_go_to_the_first_lawyer(org, coordinator, colleague):
    case = open_case(coordinator, org)
    task = services.task_add(actor=coordinator, case=case, title="Без исполнителя")
    assert task.assignee is None
    services.case_assign(actor=coordinator, case=case, lawyer=colleague, team=None, move_tasks=True)
    assert Task.objects.get(pk=task.pk).assignee == colleague


def test_who_may_not_reassign(case, lawyer, colleague, other_org, coordinator):
    w = _work(case, lawyer)
    partner = UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    services.case_share(actor=coordinator, case=case, organisation=other_org)
    for actor in (lawyer, partner):
        with pytest.raises(PermissionDenied):
            services.case_assign(
                actor=actor, case=case, lawyer=colleague, team=case.team, move_tasks=True
            )
        got = make_client(actor).post(
            reverse("cases:assign", args=[case.pk]),
            {"version": case.version, "lawyer": colleague.pk, "move_tasks": "on"},
        )
        assert got.status_code == 403
    assert Task.objects.get(pk=w["letter"].pk).assignee == lawyer


def test_the_assignment_form_offers_to_move_and_moves_by_default(
    case, lawyer, colleague, coordinator
):
    _work(case, lawyer)
    client = make_client(coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'name="move_tasks"' in page and 'id="assign-move_tasks" checked' in page
    got = client.post(
        reverse("cases:assign", args=[case.pk]),
        {"version": case.version, "lawyer": colleague.pk, "team": case.team_id, "move_tasks": "on"},
    )
    assert got.status_code == 302
    assert Task.objects.filter(case=case, done_at__isnull=True, assignee=colleague).count() == 3


# ------------------------------------------------ an appeal in a closed case


@pytest.fixture
def closed(case: Case, lawyer: Any) -> Case:
    services.case_close(actor=lawyer, case=case, outcome="other", expected_version=None)
    case.refresh_from_db()
    return case


def test_an_appeal_in_a_closed_case_alerts_its_lawyer_and_the_coordinators(
    closed, lawyer, coordinator, org, team, django_capture_on_commit_callbacks
):
    intake = UserFactory(organisation=org, role=Role.INTAKE, totp=False)
    team.members.add(intake)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = register_appeal(intake, case=closed, victim=None)
    alerts = Alert.objects.filter(kind=Alert.Kind.CLOSED_CASE_APPEAL)
    assert {a.recipient for a in alerts} == {lawyer, coordinator}
    assert {m.to[0] for m in mail.outbox} == {lawyer.email, coordinator.email}
    assert all("Примеров" not in m.body + m.subject for m in mail.outbox)
    event = AuditEvent.objects.get(action="appeal.closed_alert")
    assert event.data["appeal"] == appeal.pk
    assert event.data["recipients"] == sorted([lawyer.pk, coordinator.pk])
    dashboard = make_client(lawyer).get(reverse("cases:dashboard")).content.decode()
    assert "alert-closed_case_appeal" in dashboard and "#reopen" in dashboard
    # the lawyer sees the banner, but reopening is the coordinators'
    page = make_client(lawyer).get(reverse("cases:detail", args=[closed.pk])).content.decode()
    assert 'id="reopen"' in page and 'value="in_progress"' not in page
    refused = make_client(lawyer).post(
        reverse("cases:status", args=[closed.pk]),
        {"version": closed.version, "status": "in_progress"},
    )
    assert refused.status_code == 403
    coordinators = make_client(coordinator)
    page = coordinators.get(reverse("cases:detail", args=[closed.pk])).content.decode()
    assert 'id="reopen"' in page and 'value="in_progress"' in page
    got = coordinators.post(
        reverse("cases:status", args=[closed.pk]),
        {"version": closed.version, "status": "in_progress"},
    )
    assert got.status_code == 302
    closed.refresh_from_db()
    assert closed.status == CaseStatus.IN_PROGRESS
    assert AuditEvent.objects.filter(action="case.status", data__from="closed").exists()
    # reopened: the banner and the alerts are over
    page = coordinators.get(reverse("cases:detail", args=[closed.pk])).content.decode()
    assert 'id="reopen"' not in page
    dashboard = make_client(lawyer).get(reverse("cases:dashboard")).content.decode()
    assert "alert-closed_case_appeal" not in dashboard


def test_no_banner_for_appeals_from_before_the_closing(case, lawyer):
    register_appeal(lawyer, case=case, victim=None)
    services.case_close(actor=lawyer, case=case, outcome="other", expected_version=None)
    page = make_client(lawyer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="reopen"' not in page
    assert not Alert.objects.filter(kind=Alert.Kind.CLOSED_CASE_APPEAL).exists()


def test_who_may_not_add_an_appeal_to_a_closed_case(closed, other_org, org, coordinator):
    stranger = UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    analyst = UserFactory(organisation=org, role=Role.ANALYST, totp=False)
    for actor in (stranger, analyst):
        with pytest.raises(PermissionDenied):
            register_appeal(actor, org, case=closed, victim=None)
    assert not Alert.objects.filter(kind=Alert.Kind.CLOSED_CASE_APPEAL).exists()
    assert closed.appeals.count() == 1
