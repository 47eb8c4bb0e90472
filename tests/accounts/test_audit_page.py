"""The audit-log page names people and cases and filters by person, case, action and
period (issue 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Organisation, Role
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import UserFactory, open_case


@pytest.fixture
def setting(org: Organisation) -> dict[str, object]:
    coordinator = UserFactory(
        organisation=org, role=Role.COORDINATOR, full_name="Координатов Арман"
    )
    lawyer = UserFactory(organisation=org, role=Role.LAWYER, full_name="Юристова Айгуль")
    first = open_case(lawyer)
    second = open_case(coordinator)
    return {"coordinator": coordinator, "lawyer": lawyer, "first": first, "second": second}


def _rows(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_rows_show_names_and_case_numbers(setting: dict, lang: str) -> None:
    client = make_client(setting["coordinator"])
    html = client.get(reverse("staff:audit_log"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    rows = _rows(html)
    assert "Юристова Айгуль" in rows
    assert setting["lawyer"].email not in rows
    assert setting["first"].number in rows
    assert f"cases.case {setting['first'].pk}<" not in rows


@pytest.mark.django_db
def test_filters_by_person_case_action_and_period(setting: dict) -> None:
    client = make_client(setting["coordinator"])
    url = reverse("staff:audit_log")
    lawyer, first, second = setting["lawyer"], setting["first"], setting["second"]

    by_person = _rows(client.get(url, {"person": lawyer.pk}).content.decode())
    assert "Юристова Айгуль" in by_person and "Координатов Арман" not in by_person

    by_case = _rows(client.get(url, {"case": first.number}).content.decode())
    assert first.number in by_case and second.number not in by_case

    action = AuditEvent.objects.filter(object_type="cases.case").values_list("action", flat=True)[0]
    by_action = client.get(url, {"action": action})
    assert by_action.status_code == 200
    shown = [r["e"].action for r in by_action.context["rows"]]
    assert shown and set(shown) == {action}

    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = client.get(url, {"since": tomorrow})
    assert future.context["rows"] == []
    today = timezone.localdate().isoformat()
    assert client.get(url, {"since": today, "until": today}).context["rows"]
