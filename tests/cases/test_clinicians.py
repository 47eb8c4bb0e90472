"""Doctors and psychologists assigned to a case: who may assign whom, what the assignment
opens (the case, while it runs, and nothing else), and the pages and the API that follow
the same rule."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.clinicians import CaseClinician
from himoya.cases.models import CaseEvent
from himoya.cases.selectors import access_case, visible_case_parts, visible_cases
from himoya.core.idempotency import new_token
from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from tests.api.world import API, api_client
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org: Any, other_org: Any) -> dict[str, Any]:
    team = TeamFactory(organisation=org)

    def staff(role: str, organisation: Any = org, **kw: Any) -> Any:
        kw.setdefault("totp", False)
        return UserFactory(organisation=organisation, role=role, **kw)

    p = {
        "coordinator": staff(Role.COORDINATOR),
        "lawyer": staff(Role.LAWYER),
        "other lawyer": staff(Role.LAWYER),
        "monitor": staff(Role.MONITOR),
        "intake": staff(Role.INTAKE),
        "analyst": staff(Role.ANALYST),
        "admin": staff(Role.ADMIN),
        # With two-factor set up: API tokens need it.
        "doctor": staff(Role.DOCTOR, full_name="Врач Назначенный", totp=True),
        "psychologist": staff(Role.PSYCHOLOGIST, full_name="Психолог Назначенная"),
        "other doctor": staff(Role.DOCTOR),
        "other org doctor": staff(Role.DOCTOR, other_org),
        "other org coordinator": staff(Role.COORDINATOR, other_org),
    }
    for who in ("lawyer", "monitor", "intake", "other lawyer"):
        team.members.add(p[who])
    p["case"] = open_case(p["lawyer"], org, team=team.pk)
    p["other case"] = open_case(p["lawyer"], org, team=team.pk)
    return p


def _sees(user: Any, case: Any) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


# ------------------------------------------------------------------ who may assign whom


@pytest.mark.parametrize("who", ["coordinator", "lawyer"])
def test_a_coordinator_or_the_cases_lawyer_assigns_a_clinician(people, who):
    case, doctor = people["case"], people["doctor"]
    assert not _sees(doctor, case)
    assignment = services.clinician_assign(actor=people[who], case=case, clinician=doctor)
    assert assignment.assigned_by == people[who] and assignment.ended_at is None
    assert _sees(doctor, case)
    event = AuditEvent.objects.filter(action="case.clinician_assign").get()
    assert event.data == {
        "clinician": doctor.pk,
        "role": Role.DOCTOR,
        "assignment": assignment.pk,
    }
    assert event.actor_id == people[who].pk
    assert CaseEvent.objects.filter(case=case, kind="case.clinician_assign").count() == 1


@pytest.mark.parametrize(
    "who",
    [
        "monitor",  # sees the case (its team) but is not its lawyer
        "other lawyer",  # the same team, not the case's lawyer
        "intake",
        "analyst",
        "admin",
        "doctor",  # not even themselves
        "other org coordinator",
    ],
)
def test_nobody_else_assigns(people, who):
    with pytest.raises(PermissionDenied):
        services.clinician_assign(
            actor=people[who], case=people["case"], clinician=people["psychologist"]
        )
    assert not CaseClinician.objects.exists()
    assert not AuditEvent.objects.filter(action="case.clinician_assign").exists()


def test_the_lawyer_of_another_case_does_not_assign_on_this_one(people, org):
    theirs = open_case(people["other lawyer"], org)
    services.clinician_assign(actor=people["other lawyer"], case=theirs, clinician=people["doctor"])
    with pytest.raises(PermissionDenied):
        services.clinician_assign(
            actor=people["other lawyer"], case=people["case"], clinician=people["doctor"]
        )


def test_a_former_lawyer_of_the_case_no_longer_assigns(people):
    case = people["case"]
    services.case_assign(
        actor=people["coordinator"], case=case, lawyer=people["other lawyer"], team=case.team
    )
    with pytest.raises(PermissionDenied):
        services.clinician_assign(actor=people["lawyer"], case=case, clinician=people["doctor"])


@pytest.mark.parametrize("whom", ["other org doctor", "lawyer", "monitor", "analyst"])
def test_only_a_clinician_of_the_organisation_can_be_assigned(people, whom):
    with pytest.raises(ValidationError) as exc:
        services.clinician_assign(
            actor=people["coordinator"], case=people["case"], clinician=people[whom]
        )
    assert "clinician" in exc.value.message_dict
    assert not CaseClinician.objects.exists()
    assert not _sees(people["other org doctor"], people["case"])


def test_an_inactive_clinician_cannot_be_assigned(people):
    doctor = people["doctor"]
    doctor.is_active = False
    doctor.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        services.clinician_assign(
            actor=people["coordinator"], case=people["case"], clinician=doctor
        )


def test_one_running_assignment_per_clinician_and_case_and_the_history_stays(people):
    case, doctor, coordinator = people["case"], people["doctor"], people["coordinator"]
    first = services.clinician_assign(actor=coordinator, case=case, clinician=doctor)
    with pytest.raises(ValidationError):
        services.clinician_assign(actor=people["lawyer"], case=case, clinician=doctor)
    assert services.clinician_unassign(actor=people["lawyer"], assignment=first)
    # A second click ends nothing and records nothing.
    assert not services.clinician_unassign(actor=coordinator, assignment=first)
    second = services.clinician_assign(actor=coordinator, case=case, clinician=doctor)
    rows = list(CaseClinician.objects.filter(case=case).order_by("id"))
    assert [r.pk for r in rows] == [first.pk, second.pk]
    assert rows[0].ended_at is not None and rows[0].ended_by == people["lawyer"]
    assert rows[1].ended_at is None
    kinds = list(
        CaseEvent.objects.filter(case=case, kind__startswith="case.clinician")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["case.clinician_assign", "case.clinician_unassign", "case.clinician_assign"]


def test_only_the_coordinators_and_the_lawyer_end_an_assignment(people):
    assignment = services.clinician_assign(
        actor=people["coordinator"], case=people["case"], clinician=people["doctor"]
    )
    for who in ("monitor", "analyst", "doctor", "other org coordinator"):
        with pytest.raises(PermissionDenied):
            services.clinician_unassign(actor=people[who], assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.ended_at is None


# ------------------------------------------------------------------ what it opens


def test_the_assigned_clinician_sees_that_case_only_and_only_while_assigned(people):
    case, other_case, doctor = people["case"], people["other case"], people["doctor"]
    assignment = services.clinician_assign(actor=people["coordinator"], case=case, clinician=doctor)
    assert set(visible_cases(doctor).values_list("pk", flat=True)) == {case.pk}
    parts = [set(p.values_list("pk", flat=True)) for p in visible_case_parts(doctor)]
    assert parts == [{case.pk}, set()]
    assert access_case(doctor, case.pk) == case
    # Another clinician of the organisation gains nothing from it.
    assert not visible_cases(people["other doctor"]).exists()
    client = make_client(doctor)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other_case.pk])).status_code == 404

    services.clinician_unassign(actor=people["lawyer"], assignment=assignment)
    assert not visible_cases(doctor).exists()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert (
        make_client(people["other doctor"]).get(reverse("cases:detail", args=[case.pk]))
    ).status_code == 404


@pytest.mark.parametrize("new_role", [Role.ANALYST, Role.INTAKE])
def test_the_assignment_opens_nothing_once_the_member_is_no_clinician(people, new_role):
    doctor = people["doctor"]
    services.clinician_assign(actor=people["coordinator"], case=people["case"], clinician=doctor)
    doctor.role = new_role
    doctor.save(update_fields=["role"])
    assert not visible_cases(doctor).exists()


def test_an_assigned_clinician_reads_and_adds_notes_and_changes_nothing_else(people):
    case, psychologist = people["case"], people["psychologist"]
    services.clinician_assign(actor=people["lawyer"], case=case, clinician=psychologist)
    services.note_add(actor=psychologist, case=case, text="Первая встреча проведена (тест).")
    with pytest.raises(PermissionDenied):
        services.task_add(actor=psychologist, case=case, title="Задача")
    with pytest.raises(PermissionDenied):
        services.case_share(
            actor=psychologist,
            case=case,
            organisation=people["other org coordinator"].organisation,
        )
    with pytest.raises(PermissionDenied):
        services.clinician_assign(actor=psychologist, case=case, clinician=people["doctor"])


def test_the_dashboard_and_the_api_list_the_assigned_cases(people):
    case, doctor = people["case"], people["doctor"]
    client = make_client(doctor)
    api = api_client(doctor)
    assert case.number not in client.get(reverse("cases:dashboard")).content.decode()
    assert api.get(f"{API}/cases/").json()["total"] == 0
    assert api.get(f"{API}/cases/{case.pk}").status_code == 404

    services.clinician_assign(actor=SystemActor("test"), case=case, clinician=doctor)
    assert case.number in client.get(reverse("cases:dashboard")).content.decode()
    listed = api.get(f"{API}/cases/").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == case.pk
    assert api.get(f"{API}/cases/{case.pk}").status_code == 200
    page = client.get(reverse("cases:list")).content.decode()
    assert case.number in page and people["other case"].number not in page


# ------------------------------------------------------------------ the case page


def _assign_post(client: Any, case: Any, clinician: Any) -> Any:
    return client.post(
        reverse("cases:clinician_assign", args=[case.pk]),
        {"clinician": clinician.pk, "form_token": new_token()},
    )


def test_the_panel_assigns_and_unassigns(people):
    case, doctor = people["case"], people["doctor"]
    client = make_client(people["lawyer"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    offered = re.search(r'<select name="clinician".*?</select>', page, re.S)
    assert offered is not None
    choices = set(re.findall(r'value="(\d+)"', offered.group(0)))
    assert choices == {
        str(doctor.pk),
        str(people["psychologist"].pk),
        str(people["other doctor"].pk),
    }

    response = _assign_post(client, case, doctor)
    assert response.status_code == 302 and response.url.endswith("#clinicians")
    assignment = CaseClinician.objects.get(case=case, clinician=doctor)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Врач Назначенный" in page
    assert reverse("cases:clinician_unassign", args=[case.pk, assignment.pk]) in page

    response = client.post(reverse("cases:clinician_unassign", args=[case.pk, assignment.pk]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None


def test_the_panel_refuses_an_ineligible_clinician_on_the_form(people):
    client = make_client(people["coordinator"])
    response = _assign_post(client, people["case"], people["other org doctor"])
    assert response.status_code == 400
    assert not CaseClinician.objects.exists()


def test_readers_who_may_not_assign_get_the_list_without_the_form_and_403_on_post(people):
    case, doctor = people["case"], people["doctor"]
    assignment = services.clinician_assign(actor=people["coordinator"], case=case, clinician=doctor)
    for who in ("monitor", "doctor"):
        client = make_client(people[who])
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert "Врач Назначенный" in page
        assert reverse("cases:clinician_assign", args=[case.pk]) not in page
        assert _assign_post(client, case, people["psychologist"]).status_code == 403
        end = reverse("cases:clinician_unassign", args=[case.pk, assignment.pk])
        assert client.post(end).status_code == 403
    # Those who do not see the case get 404, like for any case they may not see.
    for who in ("analyst", "other doctor", "other org coordinator"):
        client = make_client(people[who])
        assert _assign_post(client, case, people["psychologist"]).status_code == 404
    assert CaseClinician.objects.filter(ended_at__isnull=True).count() == 1


def test_the_demo_gives_its_clinicians_a_case_to_see():
    from django.core.management import call_command

    from himoya.accounts.models import User
    from himoya.core.demo_loader import DEMO_EMAIL_DOMAIN

    call_command("demo", "--quiet")
    call_command("demo", "--quiet")  # idempotent: no second assignment
    clinicians = User.objects.filter(
        email__endswith=DEMO_EMAIL_DOMAIN, role__in=[Role.DOCTOR, Role.PSYCHOLOGIST]
    )
    assert clinicians.count() == 4
    for clinician in clinicians:
        running = CaseClinician.objects.get(clinician=clinician, ended_at__isnull=True)
        assert _sees(clinician, running.case)
    # In Almaty they are in no team: the assignment is all they see.
    almaty = clinicians.filter(organisation__slug="demo-kz")
    assert all(visible_cases(c).count() == 1 for c in almaty)
