"""One vocabulary of events: every code is declared, one call writes the audit event and
the timeline entry, old timelines read as before, and the audit log reads in words."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone, translation

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import CaseEvent
from himoya.cases.views.timeline import Timeline
from himoya.core import events
from himoya.core.audit import audit_record, verify_chain
from himoya.core.models import AuditEvent
from himoya.reference import services as reference_services
from tests.conftest import make_client
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# action="x.y" and audit_action="x.y" (services, access helpers), audit_list(user, "x.y")
LITERAL = re.compile(r'\b(?:audit_)?action="([^"]+)"|audit_list\(\s*\w+,\s*"([^"]+)"')
MIGRATION = importlib.import_module("himoya.cases.migrations.0007_timeline_event_codes")


@pytest.fixture
def team(org: Any) -> Any:
    return TeamFactory(organisation=org, name="Команда А")


@pytest.fixture
def lawyer(org: Any, team: Any) -> Any:
    user = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Первый")
    team.members.add(user)
    return user


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.COORDINATOR, full_name="Координатор Главный")


def new_case(actor: Any, org: Any) -> Any:
    return open_case(actor, org, lawyer=actor.pk)


# ---------------------------------------------------------------- the vocabulary


def test_every_code_written_in_the_source_is_declared() -> None:
    """Codes on paths no test walks; the run-time check (below) catches the rest,
    including codes made at run time such as admin.change."""
    found = set()
    for path in (ROOT / "himoya").rglob("*.py"):
        for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    found -= {"store_true", "append"}  # argparse
    assert len(found) > 40, "the scan no longer finds the call sites"
    assert sorted(c for c in found if events.get(c) is None) == []


def test_an_undeclared_code_is_refused_outside_production(settings: Any, caplog: Any) -> None:
    with pytest.raises(events.UnknownEvent):
        audit_record(actor=None, action="nobody.declared_this")
    with pytest.raises(events.UnknownEvent):
        events.record_event(actor=None, action="nobody.declared_this")
    assert not AuditEvent.objects.filter(action="nobody.declared_this").exists()
    # production keeps the fact and says so
    settings.PRODUCTION = True
    audit_record(actor=None, action="nobody.declared_this")
    assert AuditEvent.objects.filter(action="nobody.declared_this").exists()
    assert "nobody.declared_this" in caplog.text


def test_a_code_is_declared_once_with_a_translated_label() -> None:
    with pytest.raises(Exception, match="declared twice"):
        events.register("note.add", "Note added")
    with translation.override("ru"):
        assert events.label("note.add") == "Заметка добавлена"
    with translation.override("en"):
        assert events.label("note.add") == "Note added"
    assert events.label("no.such") == "no.such"
    timeline = {e.code for e in events.registered() if e.timeline}
    assert {"case.open", "note.add", "custody.record", "case.import"} <= timeline
    assert "case.view" not in timeline


# ---------------------------------------------------------------- recording


def test_record_event_writes_the_audit_event_and_the_timeline_entry(org: Any, lawyer: Any) -> None:
    case = new_case(lawyer, org)
    note = services.note_add(actor=lawyer, case=case, text="Встреча с матерью.")
    audited = AuditEvent.objects.get(action="note.add")
    entry = case.events.get(kind="note.add")
    assert audited.data == entry.data == {"case": case.pk, "note": note.pk}
    assert (audited.object_type, audited.object_id) == ("cases.note", str(note.pk))
    assert entry.actor == lawyer
    # every timeline entry has its audit event under the same code with the same data
    for e in case.events.all():
        assert AuditEvent.objects.filter(action=e.kind, data=e.data).exists(), e.kind
    assert verify_chain().ok


def test_record_event_keeps_timeline_and_audit_apart(org: Any, lawyer: Any) -> None:
    case = new_case(lawyer, org)
    with pytest.raises(ValueError, match="pass case="):
        events.record_event(actor=lawyer, action="note.add", data={"case": case.pk})
    with pytest.raises(ValueError, match="not a timeline event"):
        events.record_event(actor=lawyer, action="case.view", obj=case, case=case)


# ---------------------------------------------------------------- old timelines


def test_old_timelines_read_as_before_after_the_migration(
    org: Any, other_org: Any, lawyer: Any, coordinator: Any
) -> None:
    """Rows as the services wrote them before the codes were one, migrated, give the
    sentences the case page showed before."""
    case = new_case(lawyer, org)
    person = case.parties.get().person
    partner = reference_services.partner_create(
        actor=coordinator, organisation=org, name="Центр «Пример»", medical=True
    )
    task = services.task_add(actor=lawyer, case=case, title="Жалоба прокурору")
    referral = services.referral_add(
        actor=lawyer, case=case, person=person, kind="medical", partner=partner
    )
    first = reference_services.facility_create(actor=coordinator, name="ИВС (тест)", country="KZ")
    second = reference_services.facility_create(
        actor=coordinator, name="Колония (тест)", country="KZ"
    )
    case.events.all().delete()
    starts = dt.datetime(2025, 3, 4, 5, 30, tzinfo=dt.UTC)
    old = [
        ("case.opened", {"number": case.number}),
        ("appeal.registered", {"appeal": 1, "channel": "phone", "urgency": "urgent"}),
        ("case.updated", {"fields": ["summary", "agency"]}),
        ("case.status", {"old": "new", "new": "in_review", "outcome": ""}),
        ("case.assigned", {"lawyer": lawyer.pk, "team": None}),
        ("case.shared", {"organisation": other_org.pk}),
        ("case.unshared", {"organisation": other_org.pk}),
        ("violation.added", {"type": "torture"}),
        ("note.added", {"note": 1}),
        ("task.added", {"task": task.pk, "due_on": "2025-03-01"}),
        ("task.done", {"task": task.pk}),
        ("hearing.added", {"hearing": 1, "starts_at": starts.isoformat()}),
        ("referral.added", {"referral": referral.pk, "kind": "medical"}),
        ("referral.closed", {"referral": referral.pk}),
        ("custody.recorded", {"facility": first.pk, "previous": None}),
        ("custody.transfer", {"facility": second.pk, "previous": first.pk}),
        ("case.status", {"old": "in_progress", "new": "closed", "outcome": "criminal_case_opened"}),
        ("case.status", {"old": "closed", "new": "in_progress", "outcome": ""}),
        ("case.imported", {"job": 7}),
    ]
    at = timezone.now() - dt.timedelta(days=1)
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=kind, data=data, at=at + dt.timedelta(seconds=i))
        for i, (kind, data) in enumerate(old)
    )
    MIGRATION.forwards(apps, None)
    kinds = list(case.events.order_by("at").values_list("kind", flat=True))
    assert all(events.get(k) and events.get(k).timeline for k in kinds), kinds  # type: ignore[union-attr]
    with translation.override("en"):
        texts = [e["text"] for e in reversed(Timeline(case).entries())]
    assert texts == [
        f"Opened the case {case.number}.",
        "Registered an appeal received through “Phone” (urgency: urgent).",
        "Changed the facts of the case: summary, alleged perpetrator agency.",
        "Moved the case from “new” to “in review”.",
        "Assigned the case: lawyer Юрист Первый, team none.",
        "Shared the case with Бета (тест).",
        "Stopped sharing the case with Бета (тест).",
        "Added the violation “Torture”.",
        "Added a note.",
        "Added the task “Жалоба прокурору”, due 2025-03-01.",
        "Completed the task “Жалоба прокурору”.",
        f"Recorded a court hearing on {timezone.localtime(starts):%Y-%m-%d %H:%M}.",
        "Referred Примеров Арман to Центр «Пример» for medical rehabilitation.",
        "Recorded the end of the referral of Примеров Арман.",
        "Recorded detention in ИВС (тест).",
        "Recorded a transfer from ИВС (тест) to Колония (тест).",
        "Closed the case with the outcome “Criminal case opened”.",
        "Reopened the case (now “in progress”).",
        "Imported the case from a register file.",
    ]
    with translation.override("ru"):
        ru = [e["text"] for e in reversed(Timeline(case).entries())]
    assert ru[0] == f"Открыто дело {case.number}."
    assert ru[8] == "Добавлена заметка."
    MIGRATION.backwards(apps, None)
    assert [k for k, _d in old] == list(case.events.order_by("at").values_list("kind", flat=True))
    assert [d for _k, d in old] == list(case.events.order_by("at").values_list("data", flat=True))


# ---------------------------------------------------------------- the audit log


def test_the_audit_log_reads_in_words(org: Any, lawyer: Any, coordinator: Any) -> None:
    case = new_case(lawyer, org)
    services.note_add(actor=lawyer, case=case, text="Встреча с матерью.")
    services.task_add(actor=lawyer, case=case, title="Секретная задача")
    services.case_assign(actor=coordinator, case=case, lawyer=lawyer, team=None)
    client = make_client(coordinator)
    ru = client.get("/staff/audit/").content.decode()
    assert "Заметка добавлена" in ru and "Добавлена заметка." in ru
    assert "Юрист Первый" in ru  # staff are named
    assert ">note.add<" not in ru and ">case.assign<" not in ru
    en = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Note added" in en and "Added a note." in en
    assert "Assigned the case: lawyer Юрист Первый, team none." in en
    assert "Task added" in en
    # what sits inside a case stays in the case
    assert "Секретная задача" not in en and "Встреча" not in en


def test_the_audit_log_shows_an_unknown_code_as_it_is(
    settings: Any, org: Any, coordinator: Any
) -> None:
    settings.PRODUCTION = True
    audit_record(actor=coordinator, action="retired.event", organisation=org)
    page = make_client(coordinator).get("/staff/audit/").content.decode()
    assert ">retired.event<" in page
