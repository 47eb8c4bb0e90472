"""Litigation and remedies: proceedings by instance, decisions, the strategic flag and
compensation, through the services and the case page's panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases.models import Case, CaseEvent
from himoya.core.models import AuditEvent
from himoya.litigation import services
from himoya.litigation.models import Compensation, CourtDecision, CourtProceeding
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def lawyer(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Судов", totp=False)


@pytest.fixture
def case(lawyer: Any) -> Case:
    return open_case(lawyer)


def proceeding(lawyer: Any, case: Case, **overrides: Any) -> CourtProceeding:
    values: dict[str, Any] = {
        "kind": "civil",
        "instance": "first",
        "court": "Специализированный межрайонный суд (вымышленный)",
        "court_number": "2-1234/2025",
        "started_on": TODAY - dt.timedelta(days=40),
    }
    values.update(overrides)
    return services.proceeding_add(actor=lawyer, case=case, **values)


def test_a_proceeding_and_its_decision_are_recorded_with_their_events(lawyer, case):
    p = proceeding(lawyer, case, strategic=True)
    decision = services.decision_add(
        actor=lawyer,
        proceeding=p,
        decided_on=TODAY - dt.timedelta(days=2),
        result="Иск удовлетворён частично (вымышленное решение).",
    )
    assert list(case.proceedings.all()) == [p] and p.strategic
    assert list(p.decisions.all()) == [decision]
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "proceeding.add" in kinds and "decision.add" in kinds
    audit = AuditEvent.objects.get(action="decision.add")
    # The audit chain keeps ids and dates, never the decision's words.
    assert "удовлетворён" not in str(audit.data)


def test_the_court_number_and_the_decision_are_encrypted_at_rest(lawyer, case):
    p = proceeding(lawyer, case)
    services.decision_add(
        actor=lawyer, proceeding=p, decided_on=TODAY, result="Текст решения Примеров"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT court_number FROM litigation_courtproceeding")
        (number,) = cursor.fetchone()
        cursor.execute("SELECT result FROM litigation_courtdecision")
        (result,) = cursor.fetchone()
    assert number.startswith("hm2:") and "1234" not in number
    assert result.startswith("hm2:") and "Примеров" not in result


def test_proceeding_rules(lawyer, case):
    with pytest.raises(ValidationError) as exc:
        proceeding(lawyer, case, instance="highest", court=" ")
    assert set(exc.value.message_dict) == {"instance", "court"}
    with pytest.raises(ValidationError) as exc:
        proceeding(lawyer, case, started_on=TODAY + dt.timedelta(days=1))
    assert "started_on" in exc.value.message_dict
    p = proceeding(lawyer, case)
    with pytest.raises(ValidationError) as exc:
        services.decision_add(
            actor=lawyer, proceeding=p, decided_on=TODAY - dt.timedelta(days=100), result="x"
        )
    assert "decided_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.decision_add(actor=lawyer, proceeding=p, decided_on=TODAY, result="  ")
    assert "result" in exc.value.message_dict


def test_the_strategic_flag_changes_with_an_event(lawyer, case):
    p = proceeding(lawyer, case)
    services.proceeding_set_strategic(actor=lawyer, proceeding=p, strategic=True)
    p.refresh_from_db()
    assert p.strategic
    assert CaseEvent.objects.filter(case=case, kind="proceeding.strategic").count() == 1
    # Setting what is already set records nothing.
    services.proceeding_set_strategic(actor=lawyer, proceeding=p, strategic=True)
    assert CaseEvent.objects.filter(case=case, kind="proceeding.strategic").count() == 1


def test_compensation_claimed_then_awarded(lawyer, case):
    p = proceeding(lawyer, case)
    claim = services.compensation_add(
        actor=lawyer,
        case=case,
        proceeding=p,
        claimed_amount=Decimal("5000000.00"),
        claimed_currency="KZT",
        claimed_on=TODAY - dt.timedelta(days=30),
    )
    services.compensation_award(
        actor=lawyer,
        compensation=claim,
        awarded_amount=Decimal("1500000.50"),
        awarded_currency="KZT",
        awarded_on=TODAY - dt.timedelta(days=1),
        payer="Министерство финансов (вымышленный плательщик)",
    )
    claim.refresh_from_db()
    assert claim.claimed_amount == Decimal("5000000.00")
    assert claim.awarded_amount == Decimal("1500000.50") and claim.awarded_currency == "KZT"
    assert claim.payer.startswith("Министерство")
    award = AuditEvent.objects.get(action="compensation.award")
    assert award.data["awarded"] == "1500000.50 KZT"


def test_compensation_rules(lawyer, case, org):
    with pytest.raises(ValidationError) as exc:
        services.compensation_add(actor=lawyer, case=case)
    assert "claimed_amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.compensation_add(
            actor=lawyer, case=case, claimed_amount=Decimal("-1"), claimed_currency="XXX"
        )
    assert set(exc.value.message_dict) == {"claimed_amount", "claimed_currency"}
    with pytest.raises(ValidationError) as exc:
        services.compensation_add(
            actor=lawyer,
            case=case,
            claimed_amount=Decimal("10"),
            claimed_currency="USD",
            claimed_on=TODAY,
            awarded_amount=Decimal("5"),
            awarded_currency="USD",
            awarded_on=TODAY - dt.timedelta(days=1),
        )
    assert "awarded_on" in exc.value.message_dict
    other_case = open_case(lawyer)
    elsewhere = proceeding(lawyer, other_case)
    with pytest.raises(ValidationError) as exc:
        services.compensation_add(
            actor=lawyer,
            case=case,
            proceeding=elsewhere,
            claimed_amount=Decimal("10"),
            claimed_currency="USD",
        )
    assert "proceeding" in exc.value.message_dict
    assert not Compensation.objects.filter(case=case).exists()


def test_only_who_may_edit_the_case_records_litigation(lawyer, case, org, other_org):
    outsider = UserFactory(organisation=other_org, role=Role.LAWYER, totp=False)
    analyst = UserFactory(organisation=org, role=Role.ANALYST, totp=False)
    for actor in (outsider, analyst):
        with pytest.raises(PermissionDenied):
            proceeding(actor, case)
    p = proceeding(lawyer, case)
    with pytest.raises(PermissionDenied):
        services.decision_add(actor=outsider, proceeding=p, decided_on=TODAY, result="x")
    assert not CourtDecision.objects.exists()


def test_the_panel_records_and_shows_litigation(lawyer, case):
    client = make_client(lawyer)
    url = reverse("litigation:proceeding_add", args=[case.pk])
    response = client.post(
        url, {"kind": "criminal", "instance": "appeal", "court": "", "started_on": ""}
    )
    assert response.status_code == 400
    assert response.context["proceeding_form"].errors["court"]
    response = client.post(
        url,
        {
            "kind": "criminal",
            "instance": "appeal",
            "court": "Областной суд (вымышленный)",
            "court_number": "1-77/2025",
            "started_on": (TODAY - dt.timedelta(days=10)).isoformat(),
            "strategic": "on",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#litigation")
    p = CourtProceeding.objects.get(case=case)
    assert p.instance == "appeal" and p.strategic
    response = client.post(
        reverse("litigation:decision_add", args=[case.pk]),
        {"proceeding": p.pk, "decided_on": TODAY.isoformat(), "result": "Приговор оставлен"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("litigation:compensation_add", args=[case.pk]),
        {"claimed_amount": "2000000", "claimed_currency": "KZT", "proceeding": p.pk},
    )
    assert response.status_code == 302
    claim = Compensation.objects.get(case=case)
    response = client.post(
        reverse("litigation:compensation_award", args=[case.pk]),
        {"compensation": claim.pk, "awarded_amount": "750000", "awarded_currency": "KZT"},
    )
    assert response.status_code == 302
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for text in ("Областной суд", "1-77/2025", "Приговор оставлен", "2\u00a0000\u00a0000.00 KZT"):
        assert text in body
    assert "750\u00a0000.00 KZT" in body


def test_another_organisation_cannot_post_to_the_panel(lawyer, case, other_org):
    outsider = UserFactory(organisation=other_org, role=Role.LAWYER, totp=False)
    response = make_client(outsider).post(
        reverse("litigation:proceeding_add", args=[case.pk]),
        {"kind": "civil", "instance": "first", "court": "Суд"},
    )
    assert response.status_code == 404
    assert not CourtProceeding.objects.exists()
