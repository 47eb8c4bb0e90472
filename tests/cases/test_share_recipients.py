"""Whom a case can be shared with. The share form listed every organisation on the
instance, including ones nobody could receive a share in; the rule now lives in one
selector used by the form and the service alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Case, CaseShare
from himoya.core.idempotency import new_token
from tests.conftest import make_client
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.COORDINATOR, totp=False)


@pytest.fixture
def case(org: Any, coordinator: Any) -> Case:
    return services.appeal_register(
        actor=coordinator,
        organisation=org,
        data=services.AppealInput(
            received_on=timezone.localdate() - dt.timedelta(days=1),
            channel="phone",
            consent_processing=True,
            victim=services.PersonInput(full_name="Примеров Арман"),
            country="KZ",
            violations=["torture"],
            agency="police",
        ),
    ).case


@pytest.fixture
def others(other_org: Any) -> dict[str, Any]:
    """A member that can receive a share, and three that cannot: no one would see it."""
    UserFactory(organisation=other_org, role=Role.COORDINATOR, totp=False)
    empty = OrganisationFactory(slug="empty", name="Пустая (тест)")
    lawyers_only = OrganisationFactory(slug="lawyers", name="Только юристы (тест)")
    UserFactory(organisation=lawyers_only, role=Role.LAWYER, totp=False)
    closed = OrganisationFactory(slug="closed", name="Закрытая (тест)")
    UserFactory(organisation=closed, role=Role.COORDINATOR, is_active=False, totp=False)
    return {"open": other_org, "refused": [empty, lawyers_only, closed]}


def share_choices(client: Any, case: Case) -> set[str]:
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    form = page.context["share_form"]
    return {str(o) for o in form.fields["organisation"].queryset}


def test_the_share_form_offers_only_organisations_that_can_receive(case, org, coordinator, others):
    client = make_client(coordinator)
    assert share_choices(client, case) == {others["open"].name}
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for refused in others["refused"]:
        assert refused.name not in body


def test_a_share_nobody_would_receive_is_refused(case, coordinator, others):
    client = make_client(coordinator)
    for refused in others["refused"]:
        response = client.post(
            reverse("cases:share", args=[case.pk]),
            {"form_token": new_token(), "organisation": refused.pk},
        )
        assert response.status_code == 400
        with pytest.raises(Exception, match="organisation"):
            services.case_share(actor=coordinator, case=case, organisation=refused)
    assert not CaseShare.objects.exists()
    ok = client.post(
        reverse("cases:share", args=[case.pk]),
        {"form_token": new_token(), "organisation": others["open"].pk},
    )
    assert ok.status_code == 302
    assert CaseShare.objects.filter(case=case, organisation=others["open"]).exists()


def test_who_cannot_share_is_shown_no_organisation(case, org, others):
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, totp=False)
    services.case_assign(
        actor=UserFactory(organisation=org, role=Role.COORDINATOR, totp=False),
        case=case,
        lawyer=lawyer,
        team=None,
        expected_version=case.version,
    )
    page = make_client(lawyer).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    # The sharing panel is not rendered at all for who may not share (its form not built).
    assert page.context.get("share_form") is None
    assert others["open"].name not in page.content.decode()
