"""In a real browser: a coordinator registers an appeal choosing the office that
received it (Russian), registers another and records its office from the case page
(Kazakh), and the statistics page counts both by office and by the office's region."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases.models import Appeal
from himoya.core.policies import SystemActor
from himoya.outreach.models import Office
from himoya.outreach.services import office_create
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _register(page: Any, base: str, name: str, office: str) -> int:
    page.goto(base + "/staff/cases/appeals/new/")
    page.select_option("#id_channel", "in_person")
    page.select_option("#id_office", office)
    page.check("#id_consent_processing")
    page.fill("#id_victim_name", name)
    page.check("input[name=violations][value=torture]")
    _submit(page, "form.appeal-form")
    match = re.search(r"/staff/cases/(\d+)/$", page.url)
    assert match, page.url
    return int(match.group(1))


def _rows(page: Any, caption: str) -> dict[str, str]:
    table = page.locator("table", has=page.locator("caption", has_text=caption))
    cells = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )
    return {row[0]: row[1] for row in cells if len(row) == 2}


def test_appeals_counted_by_office_in_russian_and_kazakh(page, live_server, org) -> None:
    load_reference_data(Term, Region)
    system = SystemActor("test")
    almaty = Region.objects.get(country="KZ", name_ru="Алматы")
    karaganda = Region.objects.get(country="KZ", name_ru="Карагандинская область")

    def office(name: str, kind: str, region: Region) -> Office:
        return office_create(
            actor=system,
            organisation=org,
            name=name,
            kind=kind,
            country="KZ",
            region=region,
            address="ул. Вымышленная, 3 (тест)",
            hotlines=["+7 700 000 0303"],
        )

    head = office("Головной офис (тест)", Office.Kind.HEAD, almaty)
    branch = office("Филиал в Караганде (тест)", Office.Kind.BRANCH, karaganda)
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, coordinator)

    # Russian: the form starts at the head office; intake at the branch says so.
    page.goto(base + "/staff/cases/appeals/new/")
    assert page.locator("label[for=id_office]").inner_text().startswith("Офис, принявший обращение")
    assert page.input_value("#id_office") == str(head.pk)
    first = _register(page, base, "Офисов Арман (тест)", str(branch.pk))
    assert Appeal.objects.get(case_id=first).office == branch
    assert "Филиал в Караганде (тест)" in page.inner_text("#appeals")

    year = timezone.localdate().year
    page.goto(f"{base}/staff/register/stats/?year={year}")
    assert _rows(page, "По офису, принявшему обращение") == {"Филиал в Караганде (тест)": "1"}
    assert _rows(page, "По региону офиса") == {"Карагандинская область": "1"}

    # Kazakh: an appeal taken without an office, then recorded from the case page.
    with page.expect_navigation():
        page.select_option("#language-select", "kk")
    assert page.locator("html").get_attribute("lang") == "kk"
    second = _register(page, base, "Офисова Алия (тест)", "")
    assert Appeal.objects.get(case_id=second).office is None
    appeals = page.locator("#appeals")
    assert "көрсетілмеген" in appeals.inner_text()
    appeals.locator("summary", has_text="Кеңсені өзгерту").click()
    appeals.locator("select[name=office]").select_option(str(head.pk))
    _submit(page, "#appeals form[action$='/office/']")
    assert Appeal.objects.get(case_id=second).office == head
    assert "Головной офис (тест)" in page.inner_text("#appeals")

    page.goto(f"{base}/staff/register/stats/?year={year}")
    assert _rows(page, "Өтінішті қабылдаған кеңсе бойынша") == {
        "Головной офис (тест)": "1",
        "Филиал в Караганде (тест)": "1",
    }
    by_region = _rows(page, "Кеңсенің өңірі бойынша")
    assert sum(int(n) for n in by_region.values()) == 2 and len(by_region) == 2
    guard.assert_clean()
