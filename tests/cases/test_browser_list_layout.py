"""The case list at a laptop's width (1366 x 768) in Russian, Kazakh and Tajik: the table
fits its container, so the lawyer column is not cut off; the next hearing is shown."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.core.formats import show_date
from himoya.reference.models import Facility, Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login
from tests.factories import UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Long, real-looking values: the longest words of each language are what pushed the
# table out of its container.
LAWYER = "Нурмагамбетова-Жумабаева Айгерим Серикбаевна"
PLACE = "Учреждение ЕЦ-166/18 Департамента уголовно-исполнительной системы (тест)"


def _switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def _overflow(page: Any) -> dict[str, float]:
    return page.evaluate(
        """() => {
        const wrap = document.querySelector('#case-results .table-wrap');
        const table = wrap.querySelector('table');
        const last = table.querySelector('thead th:last-child').getBoundingClientRect();
        const box = wrap.getBoundingClientRect();
        const main = document.querySelector('main').getBoundingClientRect();
        return {table: table.scrollWidth, wrap: wrap.clientWidth, scroll: wrap.scrollWidth,
                lastRight: last.right, wrapRight: box.right, mainRight: main.right,
                viewport: document.documentElement.clientWidth,
                page: document.documentElement.scrollWidth};
    }"""
    )


def test_the_case_list_fits_1366_pixels_in_ru_kk_and_tg(page, live_server, org):
    load_reference_data(Term, Region)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name=LAWYER)
    facility = Facility.objects.create(country="KZ", name=PLACE)
    today = timezone.localdate()
    # A colleague invited without a name shows as an e-mail address: one long word.
    colleague = UserFactory(
        organisation=org,
        role=Role.LAWYER,
        full_name="",
        email="aigerim.nurmagambetova-zhumabayeva@coalition-against-torture.example.kz",
    )
    for i in range(4):
        case = open_case(
            lawyer,
            lawyer=(colleague if i == 3 else lawyer).pk,
            summary="",
            victim=services.PersonInput(full_name=f"Тестова-Примерова Гульжанат {i}"),
            violations=["ill_treatment", "detention_conditions", "reprisal"],
            facility=facility.pk,
        )
        services.task_add(
            actor=lawyer, case=case, title="Жалоба (тест)", due_on=today - dt.timedelta(days=2)
        )
        services.hearing_add(
            actor=lawyer,
            case=case,
            court="Специализированный межрайонный суд (тест)",
            starts_at=timezone.make_aware(
                dt.datetime.combine(today + dt.timedelta(days=i + 1), dt.time(10, 30))
            ),
        )
    guard = PageGuard(page, live_server.url)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server.url, lawyer)
    page.goto(live_server.url + "/staff/cases/")
    shots = os.environ.get("HIMOYA_SHOTS_DIR")
    for language in ("ru", "kk", "tg"):
        if language != "ru":
            _switch_language(page, language)
        assert page.get_attribute("html", "lang") == language
        m = _overflow(page)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/cases-list-1366-{language}.png", full_page=True)
        assert m["scroll"] <= m["wrap"] + 1, (language, m)
        assert m["lastRight"] <= m["wrapRight"] + 1, (language, m)
        assert m["page"] <= m["viewport"], (language, m)
        # The lawyer's name is whole in the last column; the next hearing in its own.
        rows = page.inner_text("#case-results tbody")
        assert LAWYER.split()[0] in rows and "coalition-against-torture.example.kz" in rows
        with translation.override(language):
            first_hearing = f"{show_date(today + dt.timedelta(days=1))} 10:30"
        assert page.locator(".case-table td.next-hearing", has_text=first_hearing).count() == 1
    guard.assert_clean()
