"""Browser walks of issue 8's outreach and reference items, in Russian and in Kazakh or
Tajik: a coordinator records a training, a publication and an office (the region list
follows the country by htmx) and reads the trainings in the statistics; a reference
steward adds and retires a vocabulary value and records who is held in a place of
detention, which the statistics then break down."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.outreach.models import Office, Publication, Training
from himoya.reference.models import Facility, Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login
from tests.factories import UserFactory, register_appeal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-select", code)  # himoya.js submits on change
    page.wait_for_load_state()


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_coordinator_records_outreach_in_russian_then_tajik(page, live_server, org):
    load_reference_data(Term, Region)
    coordinator = UserFactory(organisation=org, role=Role.COORDINATOR)
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, coordinator)
    year = timezone.localdate().year - 1  # a whole past year

    # Russian: a training for penitentiary staff (seed 001's role play).
    page.click("nav.mainnav >> text=Просвещение")
    page.click("nav.tabs >> text=Тренинги и семинары")
    assert page.inner_text("h1") == "Тренинги и семинары"
    page.click("#add-training summary")
    page.fill("#id_add-topic", "Ролевая игра: документирование пыток")
    page.fill("#id_add-held_on", f"{year}-03-14")
    page.fill("#id_add-participants", "50")
    page.check("input[name=add-audiences][value=penitentiary_staff]")
    _submit(page, "#add-training")
    assert "Ролевая игра" in page.inner_text("table")
    assert "сотрудники пенитенциарной системы" in page.inner_text("table")

    # A publication, added and then corrected.
    page.click("nav.tabs >> text=Публикации")
    page.click("#add-publication summary")
    page.fill("#id_add-title", "Доклад о пытках (тест)")
    page.fill("#id_add-published_on", f"{year}-02-01")
    page.select_option("#id_add-language", "ru")
    _submit(page, "#add-publication")
    page.click("table >> text=Доклад о пытках (тест)")
    page.fill("#id_title", "Доклад о пытках в ИВС (тест)")
    _submit(page, "form.form")
    assert "Доклад о пытках в ИВС (тест)" in page.inner_text("table")
    assert Publication.objects.get(organisation=org).title == "Доклад о пытках в ИВС (тест)"

    # Tajik: an office in Tajikistan; the regions follow the country.
    _switch_language(page, "tg")
    page.goto(base + "/staff/outreach/offices/")
    assert page.inner_text("h1") == "Идораҳо ва хатҳои боварӣ"
    page.click("#add-office summary")
    page.fill("#id_add-name", "Филиали Хуҷанд (тест)")
    tj = Region.objects.filter(country="TJ").order_by("name_ru").first()
    assert tj is not None
    assert page.locator(f"#id_add-region option[value='{tj.pk}']").count() == 0
    with page.expect_response(lambda r: "/regions/options/" in r.url):
        page.select_option("#id_add-country", "TJ")
    page.wait_for_selector(f"#id_add-region option[value='{tj.pk}']", state="attached")
    page.select_option("#id_add-region", str(tj.pk))
    page.fill("#id_add-address", "к. Намунавӣ, 1")
    page.fill("#id_add-hotlines", "8 92 123 45 67")
    _submit(page, "#add-office")
    assert "рақами телефон нест" in page.inner_text("#add-office")
    page.fill("#id_add-hotlines", "+992 92 123 45 67\n1414")
    _submit(page, "#add-office")
    office = Office.objects.get(organisation=org)
    assert (office.region_id, office.hotlines) == (tj.pk, ["+992921234567", "1414"])
    assert "+992 92 123 45 67" in page.inner_text("table")

    # The statistics count the training, in Tajik.
    page.goto(base + f"/staff/register/stats/?year={year}")
    assert "Омӯзишҳо ва семинарҳо" in page.inner_text("#trainings")
    assert Training.objects.get(organisation=org).participants == 50
    assert "кормандони низоми иҷрои ҷазо" in page.inner_text("main")
    guard.assert_clean()


def test_steward_keeps_vocabularies_and_places_in_kazakh_then_russian(page, live_server, org):
    load_reference_data(Term, Region)
    steward = UserFactory(organisation=org, role=Role.COORDINATOR)
    call_command("steward", "grant", steward.email)
    colony = Facility.objects.create(
        name="ИК-99 (тест)",
        country="KZ",
        type=Term.objects.get(vocabulary="facility_type", code="colony"),
    )
    register_appeal(steward, facility=colony.pk)
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, steward)

    # Kazakh: add a channel, then retire it.
    _switch_language(page, "kk")
    page.goto(base + "/staff/cases/facilities/")
    page.click("text=Анықтамалықтар")
    page.click("nav.tabs >> text=Өтініш арналары")
    page.click("#add-term summary")
    page.fill("#id_add-code", "signal")
    page.fill("#id_add-label_ru", "Signal (тест)")
    page.fill("#id_add-label_kk", "Signal (тест)")
    _submit(page, "#add-term")
    page.click("table >> text=signal")
    page.uncheck("#id_active")
    _submit(page, "form.form")
    term = Term.objects.get(vocabulary="channel", code="signal")
    assert not term.active
    assert "қолданылмайды" in page.inner_text("table")

    # Russian: a women's colony, then the statistics by place.
    _switch_language(page, "ru")
    page.goto(base + "/staff/cases/facilities/")
    page.click("table >> text=ИК-99 (тест)")
    page.check("#id_holds_women")
    page.fill("#id_capacity", "400")
    _submit(page, "form.form")
    assert "женщины" in page.inner_text("table")
    colony.refresh_from_db()
    assert (colony.holds_women, colony.capacity) == (True, 400)
    received = timezone.localdate() - dt.timedelta(days=1)  # the factory's appeal date
    page.goto(base + f"/staff/register/stats/?year={received.year}")
    assert "Исправительная колония: женщины" in page.inner_text("main")
    guard.assert_clean()
