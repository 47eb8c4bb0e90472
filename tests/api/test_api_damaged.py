"""Finding 3 in the API: a record holding a value that does not open (moved in the
database from another organisation's record) answers 409 ``damaged`` with the sentence
the staff pages show, audited, never 500 and never the moved text; a damaged name of a
person a response only mentions is marked in place and the rest of the response stands."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from himoya.cases import services
from himoya.cases.models import Case, CaseParty, PartyRole
from himoya.core.damage import DAMAGED
from himoya.core.models import AuditEvent
from tests.api.world import API, api_client, build_world, register
from tests.core.test_row_binding import _copy

pytestmark = pytest.mark.django_db


def _victim(case: Case) -> Any:
    return CaseParty.objects.get(case=case, role=PartyRole.VICTIM).person


@pytest.fixture
def moved(org: Any, other_org: Any) -> dict[str, Any]:
    """Two Tajik cases: the first's summary copied from a Kazakh case, the second's
    victim's name copied from the Kazakh victim's."""
    world = build_world(org, other_org)
    lawyer = world.b_lawyer
    cases = [
        Case.objects.get(
            pk=register(
                lawyer,
                lawyer=lawyer.pk,
                summary=summary,
                victim=services.PersonInput(full_name=name, sex="male"),
            ).case_id
        )
        for summary, name in (("Душанбе", "Раҳимов Фирдавс"), ("Хуҷанд", "Саидов Ҷамшед"))
    ]
    _copy("cases_case", "summary", world.case.pk, cases[0].pk)
    _copy("cases_person", "full_name", world.victim.pk, _victim(cases[1]).pk)
    return {"world": world, "lawyer": lawyer, "summary": cases[0], "name": cases[1]}


def _damaged_sentence(user: Any) -> str:
    with translation.override(user.language or "ru"):
        return str(DAMAGED)


def test_a_case_whose_summary_was_moved_answers_damaged(moved: dict[str, Any]) -> None:
    lawyer = moved["lawyer"]
    before = AuditEvent.objects.filter(action="crypto.damaged").count()
    response = api_client(lawyer).get(f"{API}/cases/{moved['summary'].pk}")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "damaged"
    assert body["detail"] == _damaged_sentence(lawyer)
    assert "SECRET-SUMMARY-A" not in response.content.decode()
    events = AuditEvent.objects.filter(action="crypto.damaged")
    assert events.count() == before + 1
    assert events.last().data == {
        "model": "cases.case",
        "id": moved["summary"].pk,
        "field": "summary",
    }
    assert events.last().actor_id == lawyer.pk


def test_a_damaged_victim_name_is_marked_and_the_case_still_answers(
    moved: dict[str, Any],
) -> None:
    lawyer = moved["lawyer"]
    client = api_client(lawyer)
    response = client.get(f"{API}/cases/{moved['name'].pk}")
    assert response.status_code == 200, response.content
    [party] = [p for p in response.json()["parties"] if p["role"] == PartyRole.VICTIM]
    assert party["person"]["damaged"] is True
    assert party["person"]["full_name"] == _damaged_sentence(lawyer)
    assert response.json()["summary"] == "Хуҷанд"
    # The person list marks the one row and shows the others.
    listed = client.get(f"{API}/persons/?limit=200")
    assert listed.status_code == 200
    rows = {p["id"]: p for p in listed.json()["items"]}
    victim = _victim(moved["name"])
    assert rows[victim.pk]["damaged"] is True
    assert rows[_victim(moved["summary"]).pk] | {"id": 0} == {
        "id": 0,
        "full_name": "Раҳимов Фирдавс",
        "sex": "male",
        "damaged": False,
    }
    assert "Секретов" not in listed.content.decode()
    # The person's own record answers damaged.
    detail = client.get(f"{API}/persons/{victim.pk}")
    assert detail.status_code == 409
    assert detail.json()["code"] == "damaged"


def test_an_edit_of_a_damaged_case_answers_damaged(moved: dict[str, Any]) -> None:
    case = moved["summary"]
    response = api_client(moved["lawyer"]).patch(
        f"{API}/cases/{case.pk}",
        {"version": case.version, "country": "TJ"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "damaged"
