"""A week of work done only in the browser, then the yearly statistics: a lawyer
registers two appeals in Russian, refers one victim to medical and psychological
rehabilitation and the other to legal aid (the last step in Kazakh), and `himoya stats`
counts exactly that work, as the ORM oracle does and as the case page's "counted in the
statistics" panel says."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases.models import Case, PartyRole, Referral, ReferralKind
from himoya.core.policies import SystemActor
from himoya.reference import services as reference_services
from himoya.reference.models import Region, Term
from himoya.reference.vocab_data import load_reference_data
from tests.browser_helpers import PageGuard, login
from tests.factories import UserFactory
from tests.stats.oracle import report_by_orm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, form_selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def _register(page: Any, base: str, name: str, sex: str) -> Case:
    page.goto(base + "/staff/cases/appeals/new/")
    page.select_option("#id_channel", "phone")
    page.fill("#id_content", "Вымышленная история для проверки статистики.")
    page.check("#id_consent_processing")
    page.fill("#id_victim_name", name)
    page.select_option("#id_victim_sex", sex)
    page.select_option("#id_agency", "police")
    page.check("input[name=violations][value=torture]")
    _submit(page, "form.appeal-form")
    match = re.search(r"/staff/cases/(\d+)/$", page.url)
    assert match, page.url
    return Case.objects.get(pk=int(match.group(1)))


def _refer(page: Any, case: Case, kind: str, partner: Any = None) -> None:
    details = page.locator("#referrals details.add:not(.inline-add)")
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    victim = case.parties.get(role=PartyRole.VICTIM).person
    page.select_option("#referral-person", str(victim.pk))
    page.select_option("#referral-kind", kind)
    if partner is not None:
        page.select_option("#referral-partner", str(partner.pk))
    _submit(page, "#referrals form[action$='/referrals/']")


def test_the_statistics_count_a_week_of_browser_work(page, live_server, org) -> None:
    load_reference_data(Term, Region)
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Статистиков")
    centre = reference_services.partner_create(
        actor=SystemActor("test"),
        organisation=org,
        name="Центр реабилитации «Пример»",
        medical=True,
        psychological=True,
    )
    base = live_server.url
    guard = PageGuard(page, base)
    login(page, base, lawyer)

    # Monday, in Russian: an appeal, and its victim referred to medical and
    # psychological help.
    first = _register(page, base, "Вымышленова Айгерим", "female")
    _refer(page, first, "medical", centre)
    _refer(page, first, "psychological", centre)
    assert "Центр реабилитации" in page.inner_text("#referrals")
    counted = page.inner_text("#counted")
    assert "Учитывается в статистике" in counted
    assert "медицинская и психологическая" in counted

    # Wednesday: a second appeal; its victim gets the organisation's own lawyer,
    # recorded in Kazakh.
    second = _register(page, base, "Вымышленов Ерлан", "male")
    with page.expect_navigation():
        page.select_option("#language-select", "kk")
    assert page.locator("html").get_attribute("lang") == "kk"
    _refer(page, second, "legal")
    assert "Статистикада ескеріледі" in page.inner_text("#counted")
    assert page.inner_text("#counted td.legal-aid").strip() == "иә"
    guard.assert_clean()

    # The figures: what `himoya stats` prints, the oracle, and the work itself.
    year = timezone.localdate().year
    out = io.StringIO()
    call_command("stats", "--year", str(year), "--org", org.slug, "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures == report_by_orm(year, [org.pk])
    referrals = Referral.objects.filter(case__organisation=org)
    legal_cases = set(referrals.filter(kind=ReferralKind.LEGAL).values_list("case_id", flat=True))
    rehabilitated = set(
        referrals.filter(kind__in=[ReferralKind.MEDICAL, ReferralKind.PSYCHOLOGICAL]).values_list(
            "person_id", flat=True
        )
    )
    assert figures["appeals"]["total"] == 2
    assert figures["appeals"]["legal_aid"] == len(legal_cases) == 1
    assert figures["rehabilitation"]["total"] == len(rehabilitated) == 1
    assert figures["rehabilitation"]["by_sex"] == {"female": 1}
