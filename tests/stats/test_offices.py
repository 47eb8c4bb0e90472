"""Appeals by the office that received them and by that office's region: a week of
appeals registered through the service, counted on the statistics page (ru, kk) and
by ``himoya stats --offices``, never in the contract's default output."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from himoya.accounts.models import Role
from himoya.core.policies import SystemActor
from himoya.outreach.models import Office
from himoya.outreach.services import office_create
from himoya.reference.models import Region
from himoya.stats.breakdowns import NO_OFFICE, NO_REGION
from himoya.stats.report import yearly_stats
from tests.conftest import make_client
from tests.factories import UserFactory, register_appeal

pytestmark = [pytest.mark.django_db]

SYSTEM = SystemActor("test")
MONDAY = dt.date(2024, 3, 4)


def office(org: Any, name: str, *, kind: str = Office.Kind.BRANCH, region: Any = None) -> Office:
    return office_create(
        actor=SYSTEM,
        organisation=org,
        name=name,
        kind=kind,
        country=org.country,
        region=region,
        address="ул. Вымышленная, 1 (тест)",
        hotlines=[],
    )


@pytest.fixture
def week(org: Any, other_org: Any) -> dict[str, Any]:
    """Offices of ``org`` in two regions and one without a region; a week of appeals
    spread over them (and some with no office), plus appeals that must not count."""
    almaty = Region.objects.create(
        country="KZ", name_ru="Алматы (тест)", name_kk="Алматы (тест, kk)"
    )
    karaganda = Region.objects.create(
        country="KZ", name_ru="Карагандинская область (тест)", name_kk="Қарағанды облысы (тест)"
    )
    head = office(org, "Главный офис (тест)", kind=Office.Kind.HEAD, region=almaty)
    branch = office(org, "Филиал в Караганде (тест)", region=karaganda)
    mobile = office(org, "Мобильная приёмная (тест)")
    intake = UserFactory(organisation=org, role=Role.COORDINATOR)
    registered: Counter[Any] = Counter()
    plan = [head, head, branch, None, head, mobile, branch, None, head]
    for n, chosen in enumerate(plan):
        day = MONDAY + dt.timedelta(days=n % 5)
        register_appeal(intake, received_on=day, office=chosen.pk if chosen else None)
        registered[chosen] += 1
    # Another year, and another organisation: not this page's figures.
    register_appeal(intake, received_on=dt.date(2023, 12, 29), office=head.pk)
    stranger = UserFactory(organisation=other_org, role=Role.COORDINATOR)
    theirs = office(other_org, "Чужой офис (тест)")
    register_appeal(stranger, received_on=MONDAY, country="TJ", office=theirs.pk)
    return {
        "head": head,
        "branch": branch,
        "mobile": mobile,
        "almaty": almaty,
        "karaganda": karaganda,
        "registered": registered,
    }


def test_counts_per_office_equal_the_appeals_registered(week: Any, org: Any) -> None:
    report = yearly_stats(actor=SYSTEM, year=2024, organisation=org, offices=True)
    registered = week["registered"]
    expected = {(str(o.pk) if o else NO_OFFICE): n for o, n in registered.items()}
    assert report["offices"]["by_office"] == dict(sorted(expected.items()))
    assert report["offices"]["total"] == report["appeals"]["total"] == sum(registered.values())
    assert report["offices"]["by_region"] == dict(
        sorted(
            {
                str(week["almaty"].pk): registered[week["head"]],
                str(week["karaganda"].pk): registered[week["branch"]],
                NO_REGION: registered[week["mobile"]],
                NO_OFFICE: registered[None],
            }.items()
        )
    )


def test_the_region_is_the_office_s_as_it_is_now(week: Any, org: Any) -> None:
    Office.objects.filter(pk=week["mobile"].pk).update(region=week["karaganda"])
    by_region = yearly_stats(actor=SYSTEM, year=2024, organisation=org, offices=True)["offices"][
        "by_region"
    ]
    registered = week["registered"]
    assert (
        by_region[str(week["karaganda"].pk)]
        == registered[week["branch"]] + registered[week["mobile"]]
    )
    assert NO_REGION not in by_region


def test_the_contract_s_report_is_untouched(week: Any, org: Any) -> None:
    assert "offices" not in yearly_stats(actor=SYSTEM, year=2024, organisation=org)
    out = io.StringIO()
    call_command("stats", "--year", "2024", "--org", org.slug, stdout=out)
    plain = json.loads(out.getvalue())
    assert set(plain) == {"year", "appeals", "rehabilitation", "publications", "trainings"}
    out = io.StringIO()
    call_command("stats", "--year", "2024", "--org", org.slug, "--offices", stdout=out)
    added = json.loads(out.getvalue())
    assert added["offices"]["by_office"][NO_OFFICE] == week["registered"][None]
    assert {k: v for k, v in added.items() if k != "offices"} == plain
    # The page's downloads are the contract's report too.
    analyst = UserFactory(organisation=org, role=Role.ANALYST)
    body = make_client(analyst).get("/staff/register/stats/2024.json").content
    assert "offices" not in json.loads(body)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "ru",
            [
                "По офисам",
                "По региону офиса",
                "офис не указан",
                "регион офиса не указан",
                "Алматы (тест)",
            ],
        ),
        (
            "kk",
            [
                "Кеңселер бойынша",
                "Кеңсенің өңірі бойынша",
                "кеңсе көрсетілмеген",
                "кеңсенің өңірі көрсетілмеген",
                "Алматы (тест, kk)",
            ],
        ),
    ],
)
def test_the_page_shows_the_breakdown(week: Any, org: Any, language: str, texts: Any) -> None:
    analyst = UserFactory(organisation=org, role=Role.ANALYST, language=language)
    client = make_client(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/staff/register/stats/?year=2024").content.decode()
    assert f'<html lang="{language}">' in html
    for text in texts:
        assert text in html, text
    registered = week["registered"]
    for o in (week["head"], week["branch"], week["mobile"]):
        assert f"<td>{o.name}</td><td>{registered[o]}</td>" in html
    assert "Чужой офис" not in html
