"""A coordinator imports the trainings register through the staff import page, with a
real ``himoya worker`` checking and importing the file: a CSV in Russian, then an XLSX
in Kazakh, and finds the trainings listed on the trainings page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from himoya.accounts.models import Role
from himoya.outreach.models import Training
from tests.browser_helpers import PageGuard, login, shoot
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "progress"]),
]

HEADER = ["external_id", "held_on", "topic", "audience", "participants", "language", "place"]
# The worker checks and imports while the page polls: allow for a slow shared machine.
WAIT_MS = 60_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(page: Any, base: str, name: str, data: bytes, ready: str, done: str) -> None:
    page.goto(base + "/staff/register/")
    page.select_option("#id_kind", "trainings")
    mime = "text/csv" if name.endswith(".csv") else XLSX
    page.set_input_files("#id_file", {"name": name, "mimeType": mime, "buffer": data})
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    page.wait_for_selector(f"#job-status h2:text-is('{ready}')", timeout=WAIT_MS)
    with page.expect_navigation():
        page.click("#job-status form[action$='/confirm/'] button")
    page.wait_for_selector(f"#job-status h2:text-is('{done}')", timeout=WAIT_MS)


def _switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def test_coordinator_imports_trainings_in_russian_then_kazakh(
    page: Any, live_server: Any, org: Any, start_worker: Any
) -> None:
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    start_worker()
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, coordinator)

    # Russian (the default): a CSV with seed 001's role play.
    russian = [
        ["T-RU-1", "2024-03-14", "Ролевая игра: документирование пыток", "penitentiary_staff",
         "50", "ru", "Караганда"],
        ["T-RU-2", "2024-04-02", "Семинар для прокуроров", "prosecutors;judges", "21", "ru", ""],
    ]  # fmt: skip
    _import(page, base, "тренинги.csv", _csv(russian), "Готов к импорту", "Импортирован")
    assert "Импортировано строк: 2; создано: 2" in page.inner_text("#job-status")
    shoot(page, "import-trainings-done-ru")
    with page.expect_navigation():
        page.click("#job-status >> text=Перейти к тренингам и семинарам")
    table = page.inner_text("table")
    assert "Ролевая игра: документирование пыток" in table
    assert "Семинар для прокуроров" in table
    assert "сотрудники пенитенциарной системы" in table

    # Kazakh: an XLSX, held_on as real dates and participants as numbers, as Excel saves.
    _switch_language(page, "kk")
    kazakh = [
        ["T-KK-1", dt.date(2024, 5, 20), "Адвокаттарға арналған тренинг", "lawyers", 18, "kk",
         "Алматы"],
    ]  # fmt: skip
    _import(page, base, "тренингтер.xlsx", _xlsx(kazakh), "Импорттауға дайын", "Импортталды")
    with page.expect_navigation():
        page.click("#job-status >> text=Тренингтер мен семинарларды қарау")
    assert page.inner_text("h1") == "Тренингтер мен семинарлар"
    shoot(page, "trainings-after-import-kk")
    table = page.inner_text("table")
    assert "Адвокаттарға арналған тренинг" in table and "Ролевая игра" in table
    guard.assert_clean()

    trainings = {t.external_id: t for t in Training.objects.filter(organisation=org)}
    assert set(trainings) == {"T-RU-1", "T-RU-2", "T-KK-1"}
    assert trainings["T-KK-1"].held_on == dt.date(2024, 5, 20)
    assert trainings["T-KK-1"].participants == 18
    assert trainings["T-RU-2"].audiences == ["prosecutors", "judges"]
