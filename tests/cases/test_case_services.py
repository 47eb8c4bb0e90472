"""The rules of the case services: who may, which transitions, what the data must be,
what the timeline and the audit chain record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import exports, selectors, services
from himoya.cases.management.commands.send_reminders import send_reminders
from himoya.cases.models import Alert, Case, CaseEvent, CaseStatus, Note, Task
from himoya.core.models import AuditEvent
from himoya.core.searches import query_fingerprint
from himoya.reference import services as reference_services
from himoya.reference.models import Facility
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org: Any) -> Any:
    return TeamFactory(organisation=org, name="Алматы")


@pytest.fixture
def lawyer(org: Any, team: Any) -> Any:
    user = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Первый", totp=False)
    team.members.add(user)
    return user


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(
        organisation=org, role=Role.COORDINATOR, full_name="Координатор Главный", totp=False
    )


def facility(name: str = "СИЗО № 1 (тест)") -> Facility:
    return Facility.objects.get_or_create(country="KZ", name=name)[0]


def appeal_data(**overrides: Any) -> services.AppealInput:
    values: dict[str, Any] = {
        "received_on": timezone.localdate() - dt.timedelta(days=3),
        "channel": "phone",
        "consent_processing": True,
        "content": "Позвонила мать: сына избили в ИВС (вымышленная история).",
        "victim": services.PersonInput(
            full_name="Примеров Арман", sex="male", birth_date="1990", phone="+7 700 111 2233"
        ),
        "country": "KZ",
        "agency": "police",
        "violations": ["torture"],
        "events_from": timezone.localdate() - dt.timedelta(days=10),
        "summary": "Избиение в ИВС.",
    }
    values.update(overrides)
    return services.AppealInput(**values)


def open_case(actor: Any, org: Any, **overrides: Any) -> Case:
    return services.appeal_register(
        actor=actor, organisation=org, data=appeal_data(**overrides)
    ).case


def kinds(case: Case) -> list[str]:
    return list(case.events.order_by("at", "id").values_list("kind", flat=True))


# ---------------------------------------------------------------- registering


def test_register_opens_a_case_with_victim_timeline_and_audit(org, lawyer, team):
    appeal = services.appeal_register(
        actor=lawyer,
        organisation=org,
        data=appeal_data(team=team.pk, lawyer=lawyer.pk, violations=["torture", "threats"]),
    )
    case = appeal.case
    assert case.number == f"K-{appeal.received_on.year}-001"
    assert case.status == CaseStatus.NEW
    assert case.lawyer == lawyer and case.team == team
    assert case.parties.get().person.full_name == "Примеров Арман"
    assert sorted(case.violations.values_list("type__code", flat=True)) == ["threats", "torture"]
    assert kinds(case) == ["case.open", "appeal.register"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"case.open", "appeal.register", "person.create"} <= actions


def test_register_needs_a_registrar_of_that_organisation(org, other_org):
    analyst = UserFactory(organisation=org, role=Role.ANALYST, totp=False)
    with pytest.raises(PermissionDenied):
        open_case(analyst, org)
    stranger = UserFactory(organisation=other_org, role=Role.LAWYER, totp=False)
    with pytest.raises(PermissionDenied):
        open_case(stranger, org)


def test_attaching_needs_the_right_to_edit_that_case(org, lawyer, coordinator):
    case = open_case(coordinator, org)  # no team, no lawyer: the lawyer does not see it
    with pytest.raises(PermissionDenied):
        services.appeal_register(actor=lawyer, organisation=org, data=appeal_data(), case=case)
    appeal = services.appeal_register(
        actor=coordinator, organisation=org, data=appeal_data(channel="letter"), case=case
    )
    assert appeal.case == case
    assert case.appeals.count() == 2
    assert Case.objects.count() == 1


def test_unknown_vocabulary_values_are_refused(org, lawyer):
    with pytest.raises(ValidationError) as exc:
        open_case(lawyer, org, channel="pigeon", violations=["torture", "teasing"])
    errors = exc.value.message_dict
    assert "channel" in errors and "violations" in errors
    assert "pigeon" in errors["channel"][0]
    assert Case.objects.count() == 0


def test_dates_in_the_future_are_refused(org, lawyer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        open_case(lawyer, org, received_on=tomorrow, events_from=tomorrow)
    assert {"received_on", "events_from"} <= set(exc.value.message_dict)
    case = open_case(lawyer, org)
    with pytest.raises(ValidationError) as exc:
        services.violation_add(actor=lawyer, case=case, type_code="threats", occurred_on=tomorrow)
    assert "occurred_on" in exc.value.message_dict


@pytest.mark.parametrize(
    ("birth", "flag", "error"),
    [
        ("1980-05-01", True, "victim_is_minor"),  # marked minor, adult by the date
        ("1980", True, "victim_is_minor"),  # marked minor, adult by the year
        ("not a date", None, "birth_date"),
    ],
)
def test_minor_flag_must_fit_the_birth_date(org, lawyer, birth, flag, error):
    victim = services.PersonInput(full_name="Образцов Тимур", birth_date=birth)
    with pytest.raises(ValidationError) as exc:
        open_case(lawyer, org, victim=victim, victim_is_minor=flag)
    assert error in exc.value.message_dict


def test_minor_is_derived_from_the_birth_date(org, lawyer):
    events = timezone.localdate() - dt.timedelta(days=10)
    born = events.replace(year=events.year - 15)
    victim = services.PersonInput(full_name="Макетов Айдос", birth_date=born.isoformat())
    case = open_case(lawyer, org, victim=victim, events_from=events)
    assert case.has_minor_victim
    assert case.parties.get().is_minor


# ---------------------------------------------------------------- status workflow


def test_status_transitions_follow_the_workflow(org, lawyer, coordinator):
    case = open_case(lawyer, org, lawyer=lawyer.pk)
    with pytest.raises(ValidationError) as exc:
        services.case_change_status(
            actor=lawyer, case=case, status="awaiting_answer", expected_version=case.version
        )
    assert "status" in exc.value.message_dict
    for status in ("in_review", "in_progress", "awaiting_answer"):
        services.case_change_status(
            actor=lawyer, case=case, status=status, expected_version=case.version
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_ANSWER


def test_closing_needs_an_outcome_and_reopening_a_coordinator(org, lawyer, coordinator):
    case = open_case(lawyer, org, lawyer=lawyer.pk)
    with pytest.raises(ValidationError) as exc:
        services.case_change_status(
            actor=lawyer, case=case, status="closed", expected_version=case.version
        )
    assert "outcome" in exc.value.message_dict
    case = Case.objects.get(pk=case.pk)
    # The case is in Kazakhstan: Tajikistan's "criminal case opened" is not its outcome.
    with pytest.raises(ValidationError) as exc:
        services.case_change_status(
            actor=lawyer,
            case=case,
            status="closed",
            outcome="criminal_case_opened",
            expected_version=case.version,
        )
    assert "outcome" in exc.value.message_dict
    case = Case.objects.get(pk=case.pk)
    services.case_change_status(
        actor=lawyer,
        case=case,
        status="closed",
        outcome="investigation_started",
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome is not None and case.outcome.code == "investigation_started"
    assert case.closed_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.case_change_status(
            actor=lawyer, case=case, status="in_progress", expected_version=case.version
        )
    services.case_change_status(
        actor=coordinator, case=case, status="in_progress", expected_version=case.version
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.outcome is None and not case.closed_on


def test_a_concurrent_edit_is_refused_naming_who_changed_the_case(org, lawyer, coordinator):
    case = open_case(lawyer, org, lawyer=lawyer.pk)
    seen_by_coordinator = Case.objects.get(pk=case.pk)
    seen_by_lawyer = Case.objects.get(pk=case.pk)
    services.case_update(
        actor=lawyer,
        case=seen_by_lawyer,
        changes=services.CaseChanges(summary="Уточнено юристом."),
        expected_version=seen_by_lawyer.version,
    )
    with pytest.raises(services.ConcurrentEdit) as exc:
        services.case_update(
            actor=coordinator,
            case=seen_by_coordinator,
            changes=services.CaseChanges(summary="Уточнено координатором."),
            expected_version=seen_by_coordinator.version,
        )
    assert "Юрист Первый" in exc.value.messages[0]
    case.refresh_from_db()
    assert case.summary == "Уточнено юристом."
    assert case.version == 2


def test_only_the_case_team_may_write(org, lawyer, coordinator):
    case = open_case(coordinator, org)
    outsider = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    for call in (
        lambda: services.note_add(actor=outsider, case=case, text="x"),
        lambda: services.task_add(actor=outsider, case=case, title="x"),
        lambda: services.case_change_status(
            actor=outsider, case=case, status="in_review", expected_version=None
        ),
        lambda: services.case_assign(actor=lawyer, case=case, lawyer=lawyer, team=None),
    ):
        with pytest.raises(PermissionDenied):
            call()


# ---------------------------------------------------------------- custody and alerts


def test_a_transfer_raises_an_alert_for_the_lawyer(org, lawyer, coordinator):
    case = open_case(coordinator, org, lawyer=lawyer.pk)
    person = case.parties.get().person
    first, second = facility("ИВС (тест)"), facility("Колония (тест)")
    today = timezone.localdate()
    services.custody_record(
        actor=coordinator, case=case, person=person, facility=first, since=today - dt.timedelta(5)
    )
    assert not Alert.objects.exists()
    services.custody_record(
        actor=coordinator, case=case, person=person, facility=second, since=today
    )
    alert = Alert.objects.get()
    assert alert.recipient == lawyer
    assert alert.kind == Alert.Kind.TRANSFER
    assert alert.data["from"] == first.pk and alert.data["to"] == second.pk
    assert kinds(case)[-2:] == ["custody.record", "custody.record"]
    assert [e.data.get("transfer") for e in case.events.order_by("at", "id")][-2:] == [False, True]
    services.alert_mark_read(actor=lawyer, alert=alert)
    with pytest.raises(PermissionDenied):
        services.alert_mark_read(actor=coordinator, alert=alert)


# ---------------------------------------------------------------- timeline and audit


def test_every_step_lands_in_the_timeline(org, lawyer):
    partner = reference_services.partner_create(
        actor=UserFactory(organisation=org, role=Role.COORDINATOR, totp=False),
        organisation=org,
        name="Центр «Пример» (тест)",
        medical=True,
    )
    case = open_case(lawyer, org, lawyer=lawyer.pk)
    person = case.parties.get().person
    task = services.task_add(actor=lawyer, case=case, title="Жалоба прокурору")
    services.task_complete(actor=lawyer, task=task)
    services.note_add(actor=lawyer, case=case, text="Встреча с матерью.")
    services.hearing_add(
        actor=lawyer, case=case, court="Районный суд (тест)", starts_at=timezone.now()
    )
    referral = services.referral_add(
        actor=lawyer, case=case, person=person, kind="medical", partner=partner
    )
    services.referral_close(actor=lawyer, referral=referral, ended_on=timezone.localdate())
    assert kinds(case) == [
        "case.open",
        "appeal.register",
        "task.add",
        "task.done",
        "note.add",
        "hearing.add",
        "referral.add",
        "referral.close",
    ]
    # the timeline carries ids and codes, never the text
    assert "Встреча" not in str(list(CaseEvent.objects.values_list("data", flat=True)))


def test_the_audit_record_is_written_in_the_same_transaction(org, lawyer):
    case = open_case(lawyer, org, lawyer=lawyer.pk)
    notes, events = Note.objects.count(), CaseEvent.objects.count()

    def refuse_audit(execute, sql, params, many, context):  # noqa: ANN001
        if "core_auditevent" in sql and sql.lstrip().upper().startswith("INSERT"):
            raise DatabaseError("audit storage unavailable")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_audit), pytest.raises(DatabaseError):
        services.note_add(actor=lawyer, case=case, text="Не должна сохраниться.")
    # no change commits without its audit record
    assert Note.objects.count() == notes
    assert CaseEvent.objects.count() == events
    services.note_add(actor=lawyer, case=case, text="Сохранится.")
    note = Note.objects.get()
    assert AuditEvent.objects.filter(action="note.add", object_id=str(note.pk)).exists()


# ---------------------------------------------------------------- export and reminders


def test_export_needs_the_policy_and_is_audited_without_the_query(org, lawyer):
    open_case(lawyer, org, lawyer=lawyer.pk)
    analyst = UserFactory(organisation=org, role=Role.ANALYST, totp=False)
    with pytest.raises(PermissionDenied):
        exports.case_export(actor=analyst, filters=selectors.CaseFilters(), fmt="csv")
    monitor = UserFactory(organisation=org, role=Role.MONITOR, totp=False)
    with pytest.raises(PermissionDenied):
        exports.case_export(actor=monitor, filters=selectors.CaseFilters(), fmt="csv")
    result = exports.case_export(
        actor=lawyer, filters=selectors.CaseFilters(status="new", q="Примеров"), fmt="csv"
    )
    assert result.rows == 1
    event = AuditEvent.objects.get(action="case.export")
    assert event.data["rows"] == 1
    assert event.data["filters"] == {
        "status": "new",
        "text_query": query_fingerprint(org.pk, "Примеров"),
    }
    assert "Примеров" not in str(event.data)


def test_reminders_alert_and_mail_once(org, lawyer, django_capture_on_commit_callbacks):
    case = open_case(lawyer, org, lawyer=lawyer.pk)
    today = timezone.localdate()
    due = services.task_add(actor=lawyer, case=case, title="Секретная задача", due_on=today)
    services.task_add(actor=lawyer, case=case, title="Позже", due_on=today + dt.timedelta(days=9))
    early = services.task_add(
        actor=lawyer,
        case=case,
        title="С напоминанием",
        due_on=today + dt.timedelta(days=5),
        remind_on=today,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=today) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=today) == 0
    assert set(Task.objects.filter(reminded_at__isnull=False)) == {due, early}
    alerts = Alert.objects.filter(kind=Alert.Kind.TASK_DUE, recipient=lawyer)
    assert alerts.count() == 2
    assert len(mail.outbox) == 2
    assert case.number in mail.outbox[0].body
    assert "Секретная" not in mail.outbox[0].body + mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="task.remind").count() == 2
    # tasks of a closed case are not reminded, unless closing kept them open
    dropped = services.task_add(actor=lawyer, case=case, title="После закрытия", due_on=today)
    kept = services.task_add(actor=lawyer, case=case, title="Оставлена", due_on=today)
    done = services.TaskDecision(services.TaskDecision.DONE)
    decisions = {t.pk: done for t in case.tasks.filter(done_at__isnull=True)}
    decisions[kept.pk] = services.TaskDecision(services.TaskDecision.KEEP)
    services.case_close(
        actor=lawyer, case=case, outcome="other", expected_version=None, tasks=decisions
    )
    # a case closed before closing asked about its tasks: they stay out of the reminders
    Task.objects.filter(pk=dropped.pk).update(done_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=today) == 1
    assert set(Task.objects.filter(reminded_at__isnull=False)) == {due, early, kept}


def test_rotate_keys_reindex_rebuilds_the_case_search_index(org, lawyer, settings):
    """A new HIMOYA_INDEX_KEY makes every search token stale; `rotate-keys --reindex`
    re-tokenises the cases from their decrypted text, notes included."""
    import base64
    import io
    import os

    from django.core.management import call_command

    from himoya.search.selectors import search_owner_ids

    case = open_case(lawyer, org)
    services.note_add(actor=lawyer, case=case, text="Свидетель Жолдасбеков видел избиение.")
    other = open_case(lawyer, org, victim=services.PersonInput(full_name="Выдуманов Ерлан"))

    def find(query: str) -> list[int]:
        return search_owner_ids(owner_type=Case, query=query, organisation_ids=[org.pk], limit=10)

    assert find("Примеров") == [case.pk] and find("Жолдасбекова") == [case.pk]
    settings.HIMOYA_INDEX_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    assert find("Примеров") == [], "tokens under the old key match nothing"
    out = io.StringIO()
    call_command("rotate_keys", "--reindex", stdout=out)
    assert "2 search documents rebuilt" in out.getvalue()
    assert find("Примеров") == [case.pk] and find("Жолдасбекова") == [case.pk]
    assert find("Выдуманов") == [other.pk]
    event = AuditEvent.objects.filter(action="keys.rotate").latest("seq")
    assert event.data["documents"] == 2 and event.data["reindex"] is True


def test_rebuild_search_command_restores_stale_documents(org, lawyer):
    import io

    from django.core.management import CommandError, call_command

    from himoya.search.models import SearchDocument
    from himoya.search.selectors import search_owner_ids
    from himoya.search.services import remove_document, search_rebuild

    case = open_case(lawyer, org)
    remove_document(owner=case)
    assert not search_owner_ids(owner_type=Case, query="Примеров", organisation_ids=None, limit=5)
    with pytest.raises(PermissionDenied):
        search_rebuild(actor=lawyer)
    out = io.StringIO()
    call_command("rebuild_search", stdout=out)
    assert "cases.case: 1 documents" in out.getvalue()
    assert SearchDocument.objects.filter(owner_id=case.pk).exists()
    assert search_owner_ids(owner_type=Case, query="Примеров", organisation_ids=None, limit=5) == [
        case.pk
    ]
    assert AuditEvent.objects.filter(action="search.rebuild").count() == 1
    with pytest.raises(CommandError, match="no search source registered for x.y"):
        call_command("rebuild_search", "--owner", "x.y", stdout=io.StringIO())
