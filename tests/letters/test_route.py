"""The escalation route computed from a case's records, at different stages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from himoya.letters import services
from himoya.letters.models import Letter, Recipient
from himoya.letters.route import CHECK, NO, SENT, YES, case_route
from himoya.letters.route_data import STEPS
from himoya.litigation import services as litigation
from tests.conftest import make_client
from tests.letters.jobs import with_files
from tests.letters.test_letters import DATA, _consent, _letter, _statement

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)


def _route(case: Any, today: dt.date = TODAY) -> Any:
    with translation.override("en"):
        return case_route(case, today=today)


def _done(route: Any) -> list[str]:
    return [s.step.code for s in route.steps if s.done]


def _answer(route: Any, kind: str) -> Any:
    return next(a for a in route.admissibility if a.mechanism.kind == kind)


def _send(staff: Any, letter: Letter, on: dt.date) -> Letter:
    letter = services.letter_sign(actor=staff.lawyer, letter=letter)
    return services.letter_dispatch(actor=staff.lawyer, letter=letter, sent_on=on, channel="post")


def _refused_by_prosecutor(staff: Any) -> Letter:
    letter = _send(staff, _letter(staff), dt.date(2025, 3, 3))
    return services.letter_answer(
        actor=staff.lawyer,
        letter=letter,
        answered_on=dt.date(2025, 3, 20),
        outcome="refused",
    )


def _final_appeal_decision(staff: Any, on: dt.date) -> None:
    proceeding = litigation.proceeding_add(
        actor=staff.lawyer,
        case=staff.case,
        kind="criminal",
        instance="appeal",
        court="Выдуманский областной суд",
        started_on=on - dt.timedelta(days=60),
    )
    litigation.decision_add(
        actor=staff.lawyer,
        proceeding=proceeding,
        decided_on=on,
        result="Жалоба оставлена без удовлетворения (вымышлено).",
        final=True,
    )


def _to_committee(staff: Any, kind: str, on: dt.date) -> Letter:
    # A communication template for the committees, uploaded the way coordinators do.
    template = services.template_upload(
        actor=staff.coordinator,
        code="un-communication",
        language="ru",
        title="Индивидуальное сообщение",
        recipient_kinds=["cat", "hrc"],
        fields=_statement().fields,
        content=bytes(_statement().content),
    )
    _consent(staff)
    letter = with_files(
        lambda: services.letter_create(
            actor=staff.lawyer,
            case=staff.case,
            recipient=Recipient.objects.get(kind=kind),
            template=template,
            data=DATA,
        )
    )
    return _send(staff, letter, on)


def test_the_steps_are_seed_001s_seven_in_order_with_their_source() -> None:
    assert [s.number for s in STEPS] == [1, 2, 3, 4, 5, 6, 7]
    assert all("Seed 001" in s.source for s in STEPS)


def test_a_case_without_letters(staff, shipped):
    route = _route(staff.case)
    assert _done(route) == ["tell"]  # the appeal told the organisation
    assert route.next_step.step.code == "record"
    assert not any(m.used for m in route.mechanisms)
    cat = _answer(route, "cat")
    assert cat.answer == NO
    assert any("not exhausted" in r for r in cat.reasons)
    assert "CAT art. 22 declaration made (2008) (../shared/domain.md)" in cat.facts


def test_the_prosecutor_refused(staff, shipped):
    _refused_by_prosecutor(staff)
    route = _route(staff.case)
    assert _done(route) == ["tell", "prosecutor"]
    [fact] = next(s for s in route.steps if s.step.code == "prosecutor").facts
    assert "sent on" in fact and "refused" in fact
    cat = _answer(route, "cat")
    # A refusal is a fact shown, not exhaustion: no court decision is final.
    assert cat.answer == NO and fact in cat.facts


def test_a_final_appeal_decision_exhausts_remedies_and_starts_the_hrc_limit(staff, shipped):
    _refused_by_prosecutor(staff)
    _final_appeal_decision(staff, dt.date(2025, 5, 5))
    route = _route(staff.case)
    cat, hrc = _answer(route, "cat"), _answer(route, "hrc")
    assert cat.answer == YES and hrc.answer == YES
    assert any("No time limit for this committee" in r for r in cat.reasons)
    assert any("ends on" in r for r in hrc.reasons)
    assert any("abuse of the right" in s for s in hrc.sources)
    assert any("0 full years and 28 days" in f for f in hrc.facts)
    # Five years and a day later the Human Rights Committee is closed; CAT is not.
    late = _route(staff.case, today=dt.date(2030, 5, 6))
    assert _answer(late, "hrc").answer == NO and _answer(late, "cat").answer == YES


def test_a_cat_communication_sent(staff, shipped):
    _final_appeal_decision(staff, dt.date(2025, 5, 5))
    _to_committee(staff, "cat", dt.date(2025, 5, 20))
    route = _route(staff.case)
    assert "un" in _done(route)
    assert [m.mechanism.kind for m in route.mechanisms if m.used] == ["cat"]
    assert _answer(route, "cat").answer == SENT
    hrc = _answer(route, "hrc")
    assert hrc.answer == NO and any("one committee only" in r for r in hrc.reasons)


def test_a_tajik_case_needs_the_acceptance_checked(staff, shipped):
    staff.case.country = "TJ"
    staff.case.save(update_fields=["country"])
    _final_appeal_decision(staff, dt.date(2025, 5, 5))
    route = _route(staff.case)
    assert _answer(route, "cat").answer == CHECK
    assert route.country_note


def test_the_panel_shows_to_the_case_and_not_to_another_organisation(staff, shipped):
    _refused_by_prosecutor(staff)
    page = make_client(staff.lawyer).get(
        f"/staff/cases/{staff.case.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    body = page.content.decode()
    assert 'id="route"' in body and "Escalation route" in body
    assert 'data-mechanism="cat" data-answer="no"' in body
    assert make_client(staff.b_coordinator).get(f"/staff/cases/{staff.case.pk}/").status_code == 404
