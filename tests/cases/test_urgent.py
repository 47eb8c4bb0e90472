"""Emergency appeals without a lawyer: the alert to the lawyers on duty (staff pages and
e-mail, in the registering request), who sees such a case, the dashboard's queue,
taking a case from it, and the urgency column and filter of the case list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import selectors, services
from himoya.cases.models import Alert, Case, CaseStatus, Urgency
from himoya.core.models import AuditEvent
from himoya.core.policies import can
from himoya.duty import services as duty_services
from himoya.reference.models import Region
from tests.cases.test_case_views import appeal_post
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, register_appeal

pytestmark = pytest.mark.django_db

VICTIM = "Тестбаев Руслан"


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)


@pytest.fixture
def intake(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.INTAKE, totp=False)


@pytest.fixture
def duty_lawyer(org: Any, coordinator: Any) -> Any:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Дежурный Юрист", totp=False)
    put_on_duty(coordinator, lawyer)
    return lawyer


@pytest.fixture
def off_duty(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER, totp=False)


@pytest.fixture
def region() -> Region:
    return Region.objects.create(country="KZ", name_ru="Тестовая область (срочные)")


def put_on_duty(coordinator: Any, lawyer: Any, region: Any = None) -> Any:
    now = timezone.now()
    return duty_services.shift_add(
        actor=coordinator,
        organisation=coordinator.organisation,
        lawyer=lawyer,
        region=region,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=8),
    )


def emergency(actor: Any, capture: Any, **overrides: Any) -> Case:
    overrides.setdefault("urgency", Urgency.EMERGENCY)
    with capture(execute=True):
        return register_appeal(actor, **overrides).case


def test_an_emergency_alerts_the_lawyer_on_duty_in_the_pages_and_by_mail(
    intake, duty_lawyer, off_duty, coordinator, django_capture_on_commit_callbacks, settings
):
    settings.HIMOYA_BASE_URL = "https://himoya.example"
    case = emergency(intake, django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    assert (alert.recipient, alert.case, alert.kind) == (duty_lawyer, case, "urgent_appeal")
    assert [m.to for m in mail.outbox] == [[duty_lawyer.email]]
    message = mail.outbox[0]
    assert case.number in message.subject
    assert f"https://himoya.example/staff/cases/{case.pk}/" in message.body
    # Mail leaves the server unencrypted: nothing about the people in the case.
    assert "Примеров" not in message.body + message.subject
    event = AuditEvent.objects.get(action="appeal.alert")
    assert event.data["recipients"] == [duty_lawyer.pk] and event.data["duty"] is True
    assert case.events.filter(kind="appeal.alert").exists()


def test_nobody_on_duty_alerts_the_coordinators(
    intake, coordinator, off_duty, django_capture_on_commit_callbacks
):
    emergency(intake, django_capture_on_commit_callbacks)
    assert [a.recipient for a in Alert.objects.all()] == [coordinator]
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_the_duty_of_the_cases_region_comes_first(
    org, intake, coordinator, region, django_capture_on_commit_callbacks
):
    general = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    regional = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    put_on_duty(coordinator, general)
    put_on_duty(coordinator, regional, region)
    emergency(intake, django_capture_on_commit_callbacks, region=region.pk)
    assert [a.recipient for a in Alert.objects.all()] == [regional]
    other = Region.objects.create(country="KZ", name_ru="Другая область (срочные)")
    emergency(intake, django_capture_on_commit_callbacks, region=other.pk)
    assert Alert.objects.filter(recipient=general).count() == 1


@pytest.mark.parametrize("urgency", [Urgency.NORMAL, Urgency.URGENT])
def test_only_an_emergency_alerts(intake, duty_lawyer, django_capture_on_commit_callbacks, urgency):
    emergency(intake, django_capture_on_commit_callbacks, urgency=urgency)
    assert not Alert.objects.exists() and not mail.outbox


def test_an_emergency_in_a_case_with_a_lawyer_alerts_nobody_on_duty(
    org, intake, duty_lawyer, django_capture_on_commit_callbacks
):
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    emergency(intake, django_capture_on_commit_callbacks, lawyer=lawyer.pk)
    assert not Alert.objects.exists() and not mail.outbox


def test_a_failing_mail_server_does_not_undo_the_registration(
    intake, duty_lawyer, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    case = emergency(intake, django_capture_on_commit_callbacks)
    assert Alert.objects.filter(case=case, recipient=duty_lawyer).exists()


def test_who_sees_an_urgent_case_nobody_has_taken(
    org, intake, coordinator, duty_lawyer, off_duty, region, django_capture_on_commit_callbacks
):
    case = emergency(intake, django_capture_on_commit_callbacks, region=region.pk)
    assert selectors.visible_cases(duty_lawyer).filter(pk=case.pk).exists()
    assert not selectors.visible_cases(off_duty).filter(pk=case.pk).exists()
    # A lawyer on duty for another region does not see it.
    elsewhere = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    other = Region.objects.create(country="KZ", name_ru="Чужая область (срочные)")
    put_on_duty(coordinator, elsewhere, other)
    assert not selectors.visible_cases(elsewhere).filter(pk=case.pk).exists()
    # Monitors and the like are never on duty.
    monitor = UserFactory(organisation=org, role=Role.MONITOR, totp=False)
    assert not selectors.visible_cases(monitor).filter(pk=case.pk).exists()
    # Off the shift, the case is gone.
    shift = duty_lawyer.duty_shifts.get()
    duty_services.shift_end(actor=coordinator, shift=shift)
    assert not selectors.visible_cases(duty_lawyer).filter(pk=case.pk).exists()
    assert make_client(duty_lawyer).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_a_normal_or_closed_case_without_a_lawyer_stays_hidden_from_the_duty(
    intake, coordinator, duty_lawyer, django_capture_on_commit_callbacks
):
    normal = emergency(intake, django_capture_on_commit_callbacks, urgency=Urgency.NORMAL)
    assert not selectors.visible_cases(duty_lawyer).filter(pk=normal.pk).exists()
    urgent = emergency(intake, django_capture_on_commit_callbacks, urgency=Urgency.URGENT)
    assert selectors.visible_cases(duty_lawyer).filter(pk=urgent.pk).exists()
    Case.objects.filter(pk=urgent.pk).update(status=CaseStatus.CLOSED)
    assert not selectors.visible_cases(duty_lawyer).filter(pk=urgent.pk).exists()


def test_another_organisations_duty_lawyer_sees_nothing(
    other_org, intake, django_capture_on_commit_callbacks
):
    case = emergency(intake, django_capture_on_commit_callbacks)
    boss = UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    theirs = UserFactory(organisation=other_org, role=Role.LAWYER, totp=False)
    put_on_duty(boss, theirs)
    assert not selectors.visible_cases(theirs).filter(pk=case.pk).exists()
    assert not selectors.urgent_queue(theirs).exists()


def test_the_dashboard_queue_and_taking_the_case(
    org, intake, coordinator, duty_lawyer, off_duty, django_capture_on_commit_callbacks
):
    team = TeamFactory(organisation=org)
    case = emergency(intake, django_capture_on_commit_callbacks, team=team.pk)
    lawyer_client = make_client(duty_lawyer)
    board = lawyer_client.get(reverse("cases:dashboard")).content.decode()
    assert 'id="urgent-queue"' in board and case.number in board
    assert reverse("cases:take", args=[case.pk]) in board
    assert VICTIM not in board  # the queue names no person
    coordinator_board = make_client(coordinator).get(reverse("cases:dashboard")).content.decode()
    assert 'id="urgent-queue"' in coordinator_board
    assert reverse("cases:take", args=[case.pk]) not in coordinator_board
    for user in (intake, off_duty):
        assert (
            'id="urgent-queue"'
            not in make_client(user).get(reverse("cases:dashboard")).content.decode()
        )

    # An off-duty lawyer cannot take it (they do not even see it); the registrar,
    # who sees it, is no lawyer on duty.
    response = make_client(off_duty).post(reverse("cases:take", args=[case.pk]))
    assert response.status_code == 404
    assert make_client(intake).post(reverse("cases:take", args=[case.pk])).status_code == 403
    case.refresh_from_db()
    assert case.lawyer is None

    response = lawyer_client.post(
        reverse("cases:take", args=[case.pk]), {"version": str(case.version)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.lawyer == duty_lawyer and case.team == team
    assert AuditEvent.objects.filter(action="case.assign", actor=duty_lawyer).exists()
    board = lawyer_client.get(reverse("cases:dashboard")).content.decode()
    assert 'id="urgent-queue"' not in board
    assert case.number in board  # now among the lawyer's own cases
    assert not selectors.urgent_queue(coordinator).exists()


def test_two_lawyers_on_duty_take_the_same_case(
    org, intake, coordinator, duty_lawyer, django_capture_on_commit_callbacks
):
    second = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    put_on_duty(coordinator, second)
    case = emergency(intake, django_capture_on_commit_callbacks)
    version = str(case.version)
    # The second saw the queue before the first took the case: the case changed since.
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    late = make_client(second).post(reverse("cases:take", args=[case.pk]), {"version": version})
    assert late.status_code == 302 and late["Location"] == reverse("staff:home")
    case.refresh_from_db()
    assert case.lawyer is None
    version = str(case.version)
    make_client(duty_lawyer).post(reverse("cases:take", args=[case.pk]), {"version": version})
    # Once taken, the case has left the second lawyer's sight.
    late = make_client(second).post(reverse("cases:take", args=[case.pk]), {"version": version})
    assert late.status_code == 404
    case.refresh_from_db()
    assert case.lawyer == duty_lawyer
    # And the service refuses a stale take even without the form's version.
    stale = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(lawyer=None)
    assert can(second, "case.take", stale)
    Case.objects.filter(pk=case.pk).update(version=stale.version + 1)
    with pytest.raises(services.ConcurrentEdit):
        services.case_assign(actor=second, case=stale, lawyer=second, team=None)


def test_taking_assigns_only_oneself(
    org, intake, duty_lawyer, off_duty, django_capture_on_commit_callbacks
):
    case = emergency(intake, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=duty_lawyer, case=case, lawyer=off_duty, team=None)
    team = TeamFactory(organisation=org)
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=duty_lawyer, case=case, lawyer=duty_lawyer, team=team)
    case.refresh_from_db()
    assert case.lawyer is None


def test_the_intake_form_alerts_within_the_same_request(
    intake, duty_lawyer, django_capture_on_commit_callbacks
):
    client = make_client(intake)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:appeal_new"), appeal_post(urgency="emergency"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert Alert.objects.filter(case=case, recipient=duty_lawyer).exists()
    assert [m.to for m in mail.outbox] == [[duty_lawyer.email]]
    assert VICTIM not in mail.outbox[0].body
    board = make_client(duty_lawyer).get(reverse("cases:dashboard")).content.decode()
    assert "alert-urgent_appeal" in board


def test_the_alert_leaves_the_dashboard_once_the_case_is_taken(
    intake, coordinator, django_capture_on_commit_callbacks, org
):
    case = emergency(intake, django_capture_on_commit_callbacks)
    client = make_client(coordinator)
    assert "alert-urgent_appeal" in client.get(reverse("cases:dashboard")).content.decode()
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    services.case_assign(actor=coordinator, case=case, lawyer=lawyer, team=None)
    assert "alert-urgent_appeal" not in client.get(reverse("cases:dashboard")).content.decode()


def test_the_case_list_shows_and_filters_urgency(
    intake, coordinator, django_capture_on_commit_callbacks
):
    levels = {
        level: emergency(intake, django_capture_on_commit_callbacks, urgency=level)
        for level in Urgency.values
    }
    client = make_client(coordinator)

    def listed(**data: str) -> set[str]:
        page = client.post(reverse("cases:list"), data, follow=True).content.decode()
        return {c.number for c in levels.values() if c.number in page}

    every = {c.number for c in levels.values()}
    assert listed() == every
    assert listed(urgency="urgent") == {
        levels[Urgency.URGENT].number,
        levels[Urgency.EMERGENCY].number,
    }
    assert listed(urgency="emergency") == {levels[Urgency.EMERGENCY].number}
    assert listed(urgency="nonsense") == every  # a bad value is left out, with its error
    page = selectors.case_list_page(coordinator, selectors.CaseFilters(), number=1)
    shown = {case.pk: case.urgency for case in page.object_list}  # type: ignore[attr-defined]
    assert shown == {
        levels[Urgency.NORMAL].pk: "",
        levels[Urgency.URGENT].pk: Urgency.URGENT,
        levels[Urgency.EMERGENCY].pk: Urgency.EMERGENCY,
    }
