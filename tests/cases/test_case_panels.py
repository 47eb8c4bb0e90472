"""The case page as a registry of panels: what another app adds shows up, a panel its
reader may not see is neither shown nor read, and panels come in their declared order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Role
from himoya.cases import services
from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.idempotency import new_token
from himoya.core.panels import Panel, PanelRegistry
from himoya.core.policies import can
from tests.conftest import make_client
from tests.factories import UserFactory
from tests.testapp.models import Secret

HIMOYA = Path(__file__).resolve().parents[2] / "himoya"


@pytest.fixture
def lawyer(org: Any) -> Any:
    return UserFactory(organisation=org, role=Role.LAWYER, full_name="Юрист Панелей", totp=False)


@pytest.fixture
def coordinator(org: Any) -> Any:
    return UserFactory(
        organisation=org, role=Role.COORDINATOR, full_name="Координатор Панелей", totp=False
    )


@pytest.fixture
def case(lawyer: Any, org: Any) -> Case:
    data = services.AppealInput(
        received_on=timezone.localdate(),
        channel="phone",
        consent_processing=True,
        victim=services.PersonInput(full_name="Панелев Пример"),
        country="KZ",
        violations=["torture"],
        agency="police",
        lawyer=lawyer.pk,
    )
    return services.appeal_register(actor=lawyer, organisation=org, data=data).case


def section_ids(body: str) -> list[str]:
    return re.findall(r'<section id="([a-z0-9-]+)"', body)


def toc_ids(body: str) -> list[str]:
    toc = body[body.index('<nav class="case-toc"') : body.index("</nav>", body.index("case-toc"))]
    return re.findall(r'href="#([a-z0-9-]+)"', toc)


def page(user: Any, case: Case) -> str:
    response = make_client(user).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def probe(
    panel_id: str, order: int, reads: list[str], *, column: str = "main", **kwargs: Any
) -> Panel[Case]:
    def context(request: Any, case: Case, forms: Any) -> dict[str, Any]:
        reads.append(panel_id)
        return {"probe": panel_id, "reads": len(reads)}

    return Panel(
        id=panel_id,
        title=f"Probe {panel_id}",
        template="testapp/probe_panel.html",
        context=context,
        order=order,
        column=column,
        **kwargs,
    )


@pytest.mark.django_db
def test_a_panel_another_app_registers_is_on_the_case_page(lawyer, case):
    Secret.objects.create(name="Тестовый секрет")
    body = page(lawyer, case)
    assert f"1 secrets in case {case.number}, editable" in body  # its reader and the page's
    ids = section_ids(body)
    assert ids.index("custody") < ids.index("testapp-secrets") < ids.index("status")
    assert toc_ids(body)[-2:] == ["testapp-secrets", "timeline"]
    # It got there through its own app's ready(): nothing under himoya/ names it.
    assert not [p for p in HIMOYA.rglob("*.py") if "testapp" in p.read_text(encoding="utf-8")]


@pytest.mark.django_db
def test_a_panel_whose_predicate_refuses_is_neither_rendered_nor_read(lawyer, coordinator, case):
    reads: list[str] = []
    hidden = probe("probe-hidden", 150, reads, visible=lambda user, case: False)
    managers = probe("probe-managers", 160, reads, visible=lambda u, c: can(u, "case.manage", c))
    with case_page.registered_temporarily(hidden, managers):
        body = page(lawyer, case)
        assert "probe-hidden" not in body and "probe-managers" not in body
        assert reads == []
        body = page(coordinator, case)
    assert "probe-hidden" not in body
    assert reads == ["probe-managers"]
    assert section_ids(body)[:3] == ["facts", "probe-managers", "persons"]
    # The failed form of a hidden panel's section cannot bring it back either.
    with case_page.registered_temporarily(hidden):
        response = make_client(lawyer).post(
            reverse("cases:note_add", args=[case.pk]), {"form_token": new_token(), "text": ""}
        )
    assert response.status_code == 400
    assert "probe-hidden" not in response.content.decode()
    assert reads == ["probe-managers"]


@pytest.mark.django_db
def test_panels_come_in_their_order_in_both_columns_and_the_contents(lawyer, case):
    reads: list[str] = []
    first = probe("probe-first", 50, reads)
    between = probe("probe-between", 450, reads)
    side = probe("probe-side", 1250, reads, column="side", in_toc=False)
    # Registered out of order: the order field decides, not the registration.
    with case_page.registered_temporarily(side, between, first):
        body = page(lawyer, case)
    assert section_ids(body) == [
        "probe-first",
        "facts",
        "persons",
        "appeals",
        "violations",
        "probe-between",
        "tasks",
        "notes",
        "consents",
        "interviews",
        "evaluations",
        "public-story",
        "hearings",
        "litigation",
        "evidence",
        "letters",
        "route",
        "referrals",
        "counted",
        "custody",
        "testapp-secrets",
        "status",
        "probe-side",
        "clinicians",
        "timeline",
    ]
    assert toc_ids(body) == [
        "probe-first",
        "facts",
        "persons",
        "appeals",
        "violations",
        "probe-between",
        "tasks",
        "notes",
        "consents",
        "interviews",
        "evaluations",
        "public-story",
        "hearings",
        "litigation",
        "evidence",
        "letters",
        "route",
        "referrals",
        "counted",
        "custody",
        "testapp-secrets",
        "timeline",
    ]
    main, side_column = body.split('<aside class="case-side">')
    assert "probe-between" in main and "probe-side" in side_column
    assert reads == ["probe-first", "probe-between", "probe-side"]
    # Outside the block the page is back to its own panels.
    assert "probe-" not in page(lawyer, case)


def test_the_registry_refuses_a_panel_it_could_not_place():
    registry: PanelRegistry[Case] = PanelRegistry("test page", columns=("main",))
    registry.register(probe("one", 1, []))
    with pytest.raises(ImproperlyConfigured, match="twice"):
        registry.register(probe("one", 2, []))
    with pytest.raises(ImproperlyConfigured, match="column"):
        registry.register(probe("two", 2, [], column="side"))
    with pytest.raises(ImproperlyConfigured, match="anchor"):
        registry.register(probe("Two panels", 2, []))
    assert [p.id for p in registry.panels()] == ["one"]
