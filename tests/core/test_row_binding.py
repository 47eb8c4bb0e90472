"""Finding 3 of the security review: ciphertexts are bound to their row and organisation.

A database writer without keys moves a Kazakh case's summary and a victim's name into a
Tajik organisation's records: the values do not open, the Tajik lawyer's page says the
record is damaged (not a 500, not the Kazakh text), the incident is audited, and the API
list still answers with the other cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from himoya.cases import services
from himoya.cases.models import Case, CaseParty, PartyRole
from himoya.core.models import AuditEvent
from tests.api.world import API, api_client, build_world, register
from tests.conftest import make_client

pytestmark = pytest.mark.django_db


def _copy(table: str, column: str, source: int, target: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = (SELECT {column} FROM {table} "  # noqa: S608
            "WHERE id = %s) WHERE id = %s",
            [source, target],
        )


@pytest.fixture
def moved(org: Any, other_org: Any) -> dict[str, Any]:
    world = build_world(org, other_org)
    tj_victim_input = services.PersonInput(full_name="Раҳимов Фирдавс", sex="male")
    tj_case = Case.objects.get(
        pk=register(
            world.b_lawyer, lawyer=world.b_lawyer.pk, summary="Душанбе", victim=tj_victim_input
        ).case_id
    )
    tj_other = Case.objects.get(
        pk=register(
            world.b_lawyer, lawyer=world.b_lawyer.pk, summary="Хуҷанд", victim=tj_victim_input
        ).case_id
    )
    tj_victim = CaseParty.objects.get(case=tj_case, role=PartyRole.VICTIM).person
    _copy("cases_case", "summary", world.case.pk, tj_case.pk)
    _copy("cases_person", "full_name", world.victim.pk, tj_victim.pk)
    return {"world": world, "case": tj_case, "other": tj_other, "victim": tj_victim}


def test_a_summary_moved_to_another_organisation_shows_as_damaged(moved: dict[str, Any]) -> None:
    lawyer = moved["world"].b_lawyer
    before = AuditEvent.objects.filter(action="crypto.damaged").count()
    response = make_client(lawyer).get(reverse("cases:detail", args=[moved["case"].pk]))
    page = response.content.decode()
    assert "SECRET-SUMMARY-A" not in page and "Секретов" not in page
    assert response.status_code == 200
    from himoya.core.damage import DAMAGED  # (imported here: absent before the fix)

    with translation.override(lawyer.language or "ru"):
        assert str(DAMAGED) in page
    damaged = AuditEvent.objects.filter(action="crypto.damaged")
    assert damaged.count() > before
    assert damaged.last().data["model"] in {"cases.case", "cases.person"}


def test_the_case_list_still_answers_with_the_other_cases(moved: dict[str, Any]) -> None:
    lawyer = moved["world"].b_lawyer
    response = api_client(lawyer).get(f"{API}/cases/")
    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    assert {moved["case"].pk, moved["other"].pk} <= ids
    staff = make_client(lawyer).get(reverse("cases:list"))
    page = staff.content.decode()
    assert staff.status_code == 200
    assert "Секретов" not in page and "Раҳимов Фирдавс" in page
    from himoya.core.damage import DAMAGED

    with translation.override(lawyer.language or "ru"):
        assert str(DAMAGED) in page


def test_a_moved_name_does_not_open(moved: dict[str, Any]) -> None:
    from himoya.core.crypto import DecryptionError

    victim = type(moved["victim"]).objects.get(pk=moved["victim"].pk)
    with pytest.raises(DecryptionError):
        victim.full_name  # noqa: B018
