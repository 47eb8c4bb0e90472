"""What `make run` shows: after `himoya demo`, the pages issue 8 built have data to show
(the duty roster with a lawyer on duty now and the alert it got, trainings, offices
with hotlines, publications, a case's litigation and remedies), and loading the demo
again adds nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import User
from himoya.cases.models import Alert, Appeal, Urgency
from himoya.core.demo_loader import DEMO_EMAIL_DOMAIN
from himoya.duty.models import DutyShift
from himoya.duty.selectors import on_duty
from himoya.litigation.forms import amount_text
from himoya.litigation.models import Compensation, CourtDecision, CourtProceeding, Instance
from himoya.outreach.models import Publication, Training
from tests.conftest import make_client

pytestmark = pytest.mark.django_db

APPS = ("duty", "cases", "litigation", "outreach", "imports", "core")


def _demo() -> None:
    call_command("demo", "--quiet", stdout=io.StringIO())


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m._base_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in APPS
    }


def _user(local: str, slug: str = "demo-kz") -> User:
    return User.objects.get(email=f"{local}.{slug}@{DEMO_EMAIL_DOMAIN}")


def _page(user: User, url: str) -> str:
    response = make_client(user).get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200, url
    return response.content.decode()


def _a_lawyer_is_on_duty_now_and_got_the_emergency(slug: str) -> None:
    lawyer = _user("lawyer", slug)
    org = lawyer.organisation
    assert on_duty(org, None) == [lawyer]
    emergency = Appeal.objects.get(organisation=org, urgency=Urgency.EMERGENCY)
    assert emergency.case.lawyer_id is None
    alert = Alert.objects.get(case=emergency.case, kind=Alert.Kind.URGENT_APPEAL)
    assert alert.recipient == lawyer and alert.data["duty"] is True
    # The lawyer sees it waiting, with the button to take it, and the alert.
    dashboard = _page(lawyer, reverse("cases:dashboard"))
    assert 'id="urgent-queue"' in dashboard
    assert f'data-case="{emergency.case.pk}"' in dashboard
    assert reverse("cases:take", args=[emergency.case.pk]) in dashboard
    roster = _page(_user("coordinator", slug), reverse("duty:roster"))
    assert lawyer.full_name in roster


def _the_roster_shows_a_regional_shift_to_come() -> None:
    roster = _page(_user("coordinator"), reverse("duty:roster"))
    assert _user("lawyer2").full_name in roster
    assert "Карагандинская область" in roster


def _trainings_offices_and_publications_pages_show_the_demo() -> None:
    today = timezone.localdate()
    for slug in ("demo-kz", "demo-tj"):
        org = _user("coordinator", slug).organisation
        trainings = Training.objects.filter(organisation=org)
        assert trainings.count() == 10 and all(t.held_on <= today for t in trainings)
        # Counted back from today: the latest seminar is always a recent one.
        assert trainings.filter(held_on__gte=today - dt.timedelta(days=30)).exists()
        assert Publication.objects.filter(organisation=org).count() == 24
    lawyer = _user("lawyer", "demo-tj")
    page = _page(lawyer, reverse("outreach:trainings"))
    assert "Бозии нақшӣ: чӣ тавр шиканҷаро шинохта ва ҳуҷҷатгузорӣ кардан (демо)" in page
    assert "сотрудники пенитенциарной системы" in page
    offices = _page(lawyer, reverse("outreach:offices"))
    assert "Главный офис в Душанбе (демо)" in offices
    assert "+992 90 000 01 01" in offices
    kz = _page(_user("lawyer"), reverse("outreach:offices"))
    assert "Филиал в Караганде (демо)" in kz and "+7 700 000 02 01" in kz
    assert "Главный офис в Душанбе" not in kz  # each organisation its own
    assert "(демо)" in _page(lawyer, reverse("outreach:publications"))


def _a_case_page_shows_its_litigation_and_remedies(slug: str) -> None:
    lawyer = _user("lawyer", slug)
    proceedings = CourtProceeding.objects.filter(case__organisation=lawyer.organisation)
    assert len({p.instance for p in proceedings}) == 3
    assert proceedings.filter(strategic=True).count() == 1
    first = proceedings.get(instance=Instance.FIRST, kind="criminal")
    case = first.case
    decision = CourtDecision.objects.filter(proceeding__case=case).first()
    assert decision is not None and decision.decided_on <= timezone.localdate()
    awarded = Compensation.objects.get(case=case)
    assert awarded.claimed_amount and awarded.awarded_amount
    assert awarded.claimed_on and awarded.awarded_on and awarded.claimed_on <= awarded.awarded_on
    page = _page(lawyer, reverse("cases:detail", args=[case.pk]))
    assert first.court in page
    assert decision.result in page
    assert '<span class="badge warn">стратегическое судебное разбирательство</span>' in page
    assert amount_text(awarded.claimed_amount, awarded.claimed_currency) in page
    assert amount_text(awarded.awarded_amount, awarded.awarded_currency) in page
    assert awarded.payer in page


def test_the_demo_fills_the_pages_and_loading_it_again_adds_nothing() -> None:
    # One test, because loading the demo takes seconds: each check below reads it.
    _demo()
    first = _counts()
    assert first["duty.DutyShift"] == 3
    assert first["outreach.Training"] == 20 and first["outreach.Office"] == 4
    assert first["litigation.CourtProceeding"] == 8
    for slug in ("demo-kz", "demo-tj"):
        _a_lawyer_is_on_duty_now_and_got_the_emergency(slug)
        _a_case_page_shows_its_litigation_and_remedies(slug)
    _the_roster_shows_a_regional_shift_to_come()
    _trainings_offices_and_publications_pages_show_the_demo()
    # Counted after the visits, which record their own audit events.
    before = _counts()
    _demo()
    assert _counts() == before

    # A month later the roster has run out; `make run` puts the lawyers on duty again.
    month = dt.timedelta(days=30)
    DutyShift.objects.update(starts_at=F("starts_at") - month, ends_at=F("ends_at") - month)
    assert on_duty(_user("lawyer").organisation, None) == []
    _demo()
    for slug in ("demo-kz", "demo-tj"):
        lawyer = _user("lawyer", slug)
        assert on_duty(lawyer.organisation, None) == [lawyer]
    assert DutyShift.objects.count() == 6
