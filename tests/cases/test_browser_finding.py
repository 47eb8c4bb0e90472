"""Finding people in the browser (issue 8): a Tajik name typed in Latin letters, in
Russian spelling and in Tajik finds the person in the search box and in the duplicate
hints of the appeal form, in Russian and in Tajik."""

from __future__ import annotations

import pytest

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login, shoot
from tests.factories import TeamFactory, UserFactory, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ru", "tg"])
def test_a_name_in_three_scripts_finds_the_person(page, live_server, other_org, language):
    load_reference_data(Term, Region)
    lawyer = UserFactory(organisation=other_org, role=Role.LAWYER, full_name="Юрист Душанбе")
    TeamFactory(organisation=other_org, name="Душанбе").members.add(lawyer)
    victim = services.PersonInput(full_name="Раҳимов Ҷамшед", phone="93 123 4567")
    case = open_case(lawyer, other_org, victim=victim, country="TJ", lawyer=lawyer.pk)
    base = live_server.url
    PageGuard(page, base)
    login(page, base, lawyer)
    if language != "ru":
        with page.expect_navigation():
            page.select_option("#language-select", language)  # himoya.js submits on change
    assert page.get_attribute("html", "lang") == language

    for written in ("Jamshed Rakhimov", "Джамшед Рахимов", "Ҷамшед"):
        page.goto(base + "/staff/cases/")
        page.fill("input[type=search]", written)
        page.wait_for_selector(f"#case-results a:has-text('{case.number}')")
    shoot(page, f"cases-search-three-scripts-{language}")

    page.goto(base + "/staff/cases/appeals/new/")
    page.fill("#id_victim_name", "Dzhamshed Rakhimov")
    page.wait_for_selector(f"#duplicate-hints a:has-text('{case.number}')")
    page.fill("#id_victim_name", "")
    page.fill("#id_victim_phone", "+992 93 123 45 67")
    page.wait_for_selector(f"#duplicate-hints a:has-text('{case.number}')")
    shoot(page, f"cases-appeal-duplicates-three-scripts-{language}")
