"""Appeals by place of detention (``himoya stats --places`` and the statistics page):
by type of place, by who is held there, and women's colonies (seed 000's question)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from himoya.accounts.models import Role
from himoya.core.policies import SystemActor
from himoya.reference.models import Facility, Term
from himoya.stats.report import yearly_stats
from tests.conftest import make_client
from tests.factories import UserFactory, register_appeal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def place(name: str, type_code: str, **held: Any) -> Facility:
    return Facility.objects.create(
        name=name,
        country="KZ",
        type=Term.objects.get(vocabulary="facility_type", code=type_code),
        **held,
    )


@pytest.fixture
def appeals(org: Any) -> dict[str, Facility]:
    lawyer = UserFactory(organisation=org, role=Role.COORDINATOR)
    women = place("ИК-99 (тест)", "colony", holds_women=True, capacity=400)
    men = place("ИК-98 (тест)", "colony", holds_men=True)
    sizo = place("СИЗО-97 (тест)", "sizo", holds_men=True, holds_women=True, holds_minors=True)
    day = dt.date(2024, 6, 1)
    for facility, n in ((women, 3), (men, 2), (sizo, 1)):
        for _ in range(n):
            register_appeal(lawyer, received_on=day, facility=facility.pk)
    register_appeal(lawyer, received_on=day)  # no place
    register_appeal(lawyer, received_on=dt.date(2023, 6, 1), facility=women.pk)
    return {"women": women, "men": men, "sizo": sizo}


def test_places_block(appeals: Any, org: Any) -> None:
    report = yearly_stats(actor=SystemActor("test"), year=2024, places=True)
    assert report["appeals"]["total"] == 7
    assert report["places"] == {
        "with_place": 6,
        "by_type": {"colony": 5, "sizo": 1},
        "by_held": {"men": 3, "minors": 1, "women": 4},
        "by_type_held": {
            "colony:men": 2,
            "colony:women": 3,
            "sizo:men": 1,
            "sizo:minors": 1,
            "sizo:women": 1,
        },
        "by_place": {"ИК-98 (тест) (KZ)": 2, "ИК-99 (тест) (KZ)": 3, "СИЗО-97 (тест) (KZ)": 1},
    }
    # The contract's report stays exact unless asked.
    assert "places" not in yearly_stats(actor=SystemActor("test"), year=2024)


def test_cli_adds_places_only_when_asked(appeals: Any) -> None:
    out = io.StringIO()
    call_command("stats", "--year", "2024", stdout=out)
    assert "places" not in json.loads(out.getvalue())
    out = io.StringIO()
    call_command("stats", "--year", "2024", "--places", stdout=out)
    assert json.loads(out.getvalue())["places"]["by_type_held"]["colony:women"] == 3


def test_statistics_page_shows_places(appeals: Any, org: Any) -> None:
    analyst = UserFactory(organisation=org, role=Role.ANALYST)
    html = make_client(analyst).get("/staff/register/stats/?year=2024").content.decode()
    # The page speaks the user's language (Russian by default).
    assert "По типу места" in html
    assert "Исправительная колония: женщины" in html
    assert "ИК-99 (тест) (KZ)" in html
