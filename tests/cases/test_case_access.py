"""Need-to-know on every URL of the cases app.

Organisation A has a case with everything hanging off it. Whoever may not see it (the
other organisation's coordinator and lawyer, A's analyst, an A lawyer outside the case's
team) gets the same 404 for its ids as for ids that do not exist, on every URL pattern,
with every method; the export holds nothing of it and duplicate hints never name it.
Sharing the case makes it visible to the other organisation's coordinators only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import services, urls
from himoya.cases.models import Alert, Case, CaseShare
from himoya.cases.selectors import visible_case_parts, visible_cases
from himoya.core.idempotency import new_token
from himoya.reference import services as reference_services
from himoya.reference.models import Facility, Partner
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = pytest.mark.django_db

MISSING = 987654
PDF = b"%PDF-1.4\n% fictional letter\n"
VICTIM_PHONE = "+7 701 555 0101"
VICTIM_NAME = "Вымышленов Данияр"


@dataclass
class World:
    case: Case
    ids: dict[str, int]
    lawyer: Any
    coordinator: Any
    users: dict[str, Any]


@pytest.fixture
def world(org: Any, other_org: Any, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    team = TeamFactory(organisation=org, name="Команда А")
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    team.members.add(lawyer)
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)
    partner = reference_services.partner_create(
        actor=coordinator, organisation=org, name="Партнёр А", legal=True
    )
    today = timezone.localdate()
    appeal = services.appeal_register(
        actor=lawyer,
        organisation=org,
        data=services.AppealInput(
            received_on=today - dt.timedelta(days=2),
            channel="phone",
            consent_processing=True,
            victim=services.PersonInput(
                full_name=VICTIM_NAME, phone=VICTIM_PHONE, document_number="N0001"
            ),
            country="KZ",
            violations=["torture"],
            team=team.pk,
            lawyer=lawyer.pk,
        ),
        attachment=SimpleUploadedFile("letter.pdf", PDF),
    )
    case = appeal.case
    person = case.parties.get().person
    first = Facility.objects.create(country="KZ", name="ИВС А (тест)")
    second = Facility.objects.create(country="KZ", name="СИЗО А (тест)")
    services.custody_record(
        actor=lawyer, case=case, person=person, facility=first, since=today - dt.timedelta(3)
    )
    services.custody_record(actor=lawyer, case=case, person=person, facility=second, since=today)
    task = services.task_add(actor=lawyer, case=case, title="Задача А", due_on=today)
    services.note_add(actor=lawyer, case=case, text="Заметка А")
    referral = services.referral_add(
        actor=lawyer, case=case, person=person, kind="legal", partner=partner
    )
    third_org_share = services.case_share(
        actor=coordinator,
        case=case,
        organisation=UserFactory(role=Role.COORDINATOR, totp=False).organisation,
    )
    assigned = services.clinician_assign(
        actor=coordinator,
        case=case,
        clinician=UserFactory(organisation=org, role=Role.DOCTOR, totp=False),
    )
    formerly = UserFactory(organisation=org, role=Role.PSYCHOLOGIST, totp=False)
    services.clinician_unassign(
        actor=coordinator,
        assignment=services.clinician_assign(actor=coordinator, case=case, clinician=formerly),
    )
    ids = {
        "pk": case.pk,
        "assignment_pk": assigned.pk,
        "task_pk": task.pk,
        "referral_pk": referral.pk,
        "person_pk": person.pk,
        "share_pk": third_org_share.pk,
        "appeal_pk": appeal.pk,
        "alert_pk": Alert.objects.get(recipient=lawyer).pk,
    }
    users = {
        "other org coordinator": UserFactory(
            organisation=other_org, role=Role.COORDINATOR, totp=False
        ),
        "other org lawyer": UserFactory(organisation=other_org, role=Role.LAWYER, totp=False),
        "analyst": UserFactory(organisation=org, role=Role.ANALYST, totp=False),
        "lawyer outside the team": UserFactory(organisation=org, role=Role.LAWYER, totp=False),
        "doctor not assigned": UserFactory(organisation=org, role=Role.DOCTOR, totp=False),
        "psychologist no longer assigned": formerly,
    }
    return World(case=case, ids=ids, lawyer=lawyer, coordinator=coordinator, users=users)


def _patterns() -> list[URLPattern]:
    return [p for p in urls.urlpatterns if isinstance(p, URLPattern)]


def _object_patterns() -> list[URLPattern]:
    return [p for p in _patterns() if p.pattern.converters or "fmt" in str(p.pattern)]


def _kwargs(pattern: URLPattern, ids: dict[str, int], *, missing: bool = False) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name in pattern.pattern.regex.groupindex:
        if name == "fmt":
            kwargs[name] = "csv"
        elif pattern.name == "alert_read":
            kwargs[name] = MISSING if missing else ids["alert_pk"]
        else:
            kwargs[name] = MISSING if missing else ids[name]
    return kwargs


def test_every_object_url_is_covered():
    named = {p.name for p in _object_patterns()}
    assert named >= {
        "detail",
        "edit",
        "status",
        "close",
        "assign",
        "take",
        "share",
        "unshare",
        "task_add",
        "task_done",
        "note_add",
        "hearing_add",
        "referral_add",
        "referral_close",
        "custody_add",
        "violation_add",
        "appeal_letter",
        "alert_read",
        "clinician_assign",
        "clinician_unassign",
    }


OUTSIDERS = [
    "other org coordinator",
    "other org lawyer",
    "analyst",
    "lawyer outside the team",
    "doctor not assigned",
    "psychologist no longer assigned",
]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_every_object_url(world, who):
    client = make_client(world.users[who])
    checked = 0
    for pattern in _object_patterns():
        if pattern.name == "export":
            continue
        real = reverse(f"cases:{pattern.name}", kwargs=_kwargs(pattern, world.ids))
        fake = reverse(f"cases:{pattern.name}", kwargs=_kwargs(pattern, world.ids, missing=True))
        for method in ("get", "post"):
            got = getattr(client, method)(real, {"version": 1, "text": "x", "status": "closed"})
            control = getattr(client, method)(fake, {"version": 1, "text": "x"})
            assert got.status_code in (404, 405), (who, pattern.name, method, got.status_code)
            # the same answer as for an id that does not exist
            assert got.status_code == control.status_code, (who, pattern.name, method)
            if got.status_code == 404:
                checked += 1
                assert VICTIM_NAME not in got.content.decode()
    assert checked >= 16
    # and nothing changed
    case = world.case
    case.refresh_from_db()
    assert case.status == "new" and case.notes.count() == 1 and case.tasks.count() == 1


def test_the_parts_of_the_visible_cases_are_disjoint_and_make_them_up(world, other_org):
    """The case list reads the visible cases part by part (own, shared): for every kind
    of user the parts hold exactly the visible cases, each once."""
    other = make_client(world.users["other org coordinator"])
    assert other.get(reverse("cases:list")).status_code == 200
    theirs = open_case(
        world.users["other org coordinator"],
        other_org,
        received_on=timezone.localdate(),
        victim=None,
        country="",
        violations=[],
        agency="unknown",
    )
    services.case_share(actor=world.coordinator, case=world.case, organisation=other_org)
    for user in [world.lawyer, world.coordinator, *world.users.values()]:
        parts = [set(part.values_list("pk", flat=True)) for part in visible_case_parts(user)]
        visible = set(visible_cases(user).values_list("pk", flat=True))
        assert set().union(*parts) == visible, user.role
        assert sum(len(part) for part in parts) == len(visible), user.role
    assert {theirs.pk, world.case.pk} == set(
        visible_cases(world.users["other org coordinator"]).values_list("pk", flat=True)
    )


def test_the_list_merges_own_and_shared_cases_by_date(world, other_org):
    coordinator = world.users["other org coordinator"]
    today = timezone.localdate()
    own = [
        open_case(
            coordinator,
            other_org,
            received_on=today - dt.timedelta(days=days),
            victim=None,
            country="",
            violations=[],
            agency="unknown",
        )
        for days in (0, 5)
    ]
    services.case_share(actor=world.coordinator, case=world.case, organisation=other_org)
    page = make_client(coordinator).get(reverse("cases:list"), headers={"Accept-Language": "en"})
    body = page.content.decode()

    def row(case: Case) -> int:  # numbers repeat across organisations; links do not
        return body.index(f'href="{reverse("cases:detail", args=[case.pk])}"')

    # the shared case was opened two days ago: between the two own cases
    assert row(own[0]) < row(world.case) < row(own[1])
    assert "3 cases" in body  # the count adds both parts


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_nothing_in_lists_exports_hints_and_dashboard(world, who):
    user = world.users[who]
    client = make_client(user)
    listing = client.post(reverse("cases:list"), {"q": "Вымышленов"}, follow=True)
    assert listing.status_code == 200
    assert world.case.number not in listing.content.decode()
    assert VICTIM_NAME not in listing.content.decode()
    export = client.get(reverse("cases:export", args=["csv"]))
    if user.role in (Role.ANALYST, Role.DOCTOR, Role.PSYCHOLOGIST):  # no export right
        assert export.status_code == 403
    else:
        assert export.status_code == 200
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        assert rows[1:] == []
    hints = client.post(
        reverse("cases:duplicates"),
        {"victim_name": VICTIM_NAME, "victim_phone": VICTIM_PHONE, "victim_document": "N0001"},
    )
    assert hints.status_code == 200
    assert world.case.number not in hints.content.decode()
    dashboard = client.get(reverse("cases:dashboard"))
    assert world.case.number not in dashboard.content.decode()


def test_the_team_lawyer_gets_the_hints_and_the_case(world):
    client = make_client(world.lawyer)
    hints = client.post(reverse("cases:duplicates"), {"victim_phone": "8 701 555 01 01"})
    assert world.case.number in hints.content.decode()
    found = client.post(reverse("cases:list"), {"q": "Вымышленов"}, follow=True).content.decode()
    assert world.case.number in found and VICTIM_NAME in found
    assert client.get(reverse("cases:detail", args=[world.case.pk])).status_code == 200
    letter = client.get(
        reverse("cases:appeal_letter", args=[world.case.pk, world.ids["appeal_pk"]])
    )
    assert letter.status_code == 200


def test_sub_records_of_one_case_cannot_be_reached_through_another(world, org):
    other_case = services.appeal_register(
        actor=world.lawyer,
        organisation=org,
        data=services.AppealInput(
            received_on=timezone.localdate(),
            channel="letter",
            consent_processing=True,
            victim=services.PersonInput(full_name="Другой Человек"),
            country="KZ",
        ),
    ).case
    client = make_client(world.coordinator)  # sees both cases, may manage both
    ids = dict(world.ids, pk=other_case.pk)
    for name in ("task_done", "referral_close", "appeal_letter", "unshare"):
        pattern = next(p for p in _patterns() if p.name == name)
        url = reverse(f"cases:{name}", kwargs=_kwargs(pattern, ids))
        method = client.get if name == "appeal_letter" else client.post
        assert method(url, {"ended_on": "2024-01-01"}).status_code == 404, name


def test_role_forbidden_actions_answer_403(world):
    client = make_client(world.lawyer)
    case = world.case
    assert (
        client.post(reverse("cases:assign", args=[case.pk]), {"version": case.version}).status_code
        == 403
    )
    assert client.post(reverse("cases:share", args=[case.pk])).status_code == 403
    share_url = reverse("cases:unshare", args=[case.pk, world.ids["share_pk"]])
    assert client.post(share_url).status_code == 403
    assert CaseShare.objects.filter(pk=world.ids["share_pk"]).exists()
    # a partner may be added only by coordinators; a place of detention by case workers
    assert (
        client.post(reverse("reference:partners"), {"name": "X", "legal": "on"}).status_code == 403
    )
    analyst = make_client(world.users["analyst"])
    assert (
        analyst.post(reverse("reference:facilities"), {"name": "X", "country": "KZ"}).status_code
        == 403
    )
    assert Partner.objects.filter(name="X").count() == 0


def test_sharing_shows_the_case_to_the_other_coordinators_only(world, other_org):
    case = world.case
    other_coordinator = world.users["other org coordinator"]
    other_lawyer = world.users["other org lawyer"]
    url = reverse("cases:detail", args=[case.pk])
    assert make_client(other_coordinator).get(url).status_code == 404
    response = make_client(world.coordinator).post(
        reverse("cases:share", args=[case.pk]),
        {"form_token": new_token(), "organisation": other_org.pk},
    )
    assert response.status_code == 302
    seen = make_client(other_coordinator).get(url)
    assert seen.status_code == 200
    assert VICTIM_NAME in seen.content.decode()
    assert make_client(other_lawyer).get(url).status_code == 404
    # seeing is not changing: the other organisation cannot write to the case
    writes = make_client(other_coordinator).post(
        reverse("cases:note_add", args=[case.pk]),
        {"form_token": new_token(), "text": "Чужая заметка"},
    )
    assert writes.status_code == 403
    assert case.notes.count() == 1
    # and the case appears in their list and export
    listing = make_client(other_coordinator).get(reverse("cases:list"))
    assert case.number in listing.content.decode()


@pytest.mark.parametrize("who", ["other org lawyer", "lawyer outside the team"])
def test_an_appeal_cannot_be_attached_to_a_case_one_may_not_see(world, who):
    client = make_client(world.users[who])
    response = client.post(
        reverse("cases:appeal_new"),
        {
            "form_token": new_token(),
            "channel": "phone",
            "received_on": timezone.localdate().isoformat(),
            "urgency": "normal",
            "consent_processing": "on",
            "victim_name": "Подложный Заявитель",
            "victim_sex": "unknown",
            "country": "KZ",
            "agency": "unknown",
            "attach_to": world.case.number,
        },
    )
    assert response.status_code == 400
    assert "attach_to" in response.context["form"].errors
    assert world.case.appeals.count() == 1
    assert world.case.number not in str(response.context["form"].errors)
