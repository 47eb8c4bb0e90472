"""A documented case's world: organisation A's team (lawyer of the case, doctor,
psychologist, monitor, intake), its coordinator and analyst, a doctor outside the team,
and organisation B's staff. Every name is invented."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from himoya.accounts.models import Role, User
from himoya.cases import services as case_services
from himoya.cases.models import Case, Person
from tests.factories import TeamFactory, UserFactory, open_case

TODAY = dt.date.today  # noqa: DTZ011 (dates of events, as the services compare them)


@dataclass
class Staff:
    case: Case
    victim: Person
    lawyer: User
    doctor: User
    psychologist: User
    monitor: User
    intake: User
    coordinator: User
    analyst: User
    outside_doctor: User
    b_coordinator: User
    b_doctor: User


@pytest.fixture
def staff(org: Any, other_org: Any, fresh_cache: None) -> Staff:
    team = TeamFactory(organisation=org, name="Команда документирования")

    def member(role: str, name: str) -> User:
        user = UserFactory(organisation=org, role=role, full_name=name, totp=False)
        user.teams.add(team)
        return user

    lawyer = member(Role.LAWYER, "Юристова Айгерим")
    case = open_case(
        lawyer,
        victim=case_services.PersonInput(full_name="Документов Ерлан"),
        team=team.pk,
    )
    # The case's clinicians are in its team and assigned to it (cases.clinicians): the
    # assignment, not the team, opens the clinical record.
    doctor = member(Role.DOCTOR, "Врачова Сауле")
    psychologist = member(Role.PSYCHOLOGIST, "Психологов Тимур")
    for clinician in (doctor, psychologist):
        case_services.clinician_assign(actor=lawyer, case=case, clinician=clinician)
    return Staff(
        case=case,
        victim=case.parties.get(role="victim").person,
        lawyer=lawyer,
        doctor=doctor,
        psychologist=psychologist,
        monitor=member(Role.MONITOR, "Мониторов Алибек"),
        intake=member(Role.INTAKE, "Приёмова Дина"),
        coordinator=UserFactory(organisation=org, role=Role.COORDINATOR, totp=False),
        analyst=UserFactory(organisation=org, role=Role.ANALYST, totp=False),
        outside_doctor=UserFactory(organisation=org, role=Role.DOCTOR, totp=False),
        b_coordinator=UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False),
        b_doctor=UserFactory(organisation=other_org, role=Role.DOCTOR, totp=False),
    )
