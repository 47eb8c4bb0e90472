"""One audit entry per visit of the case list, not one per filter change; every case
shown is still logged once per visit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from himoya.accounts.models import Organisation, Role
from himoya.core.models import AuditEvent
from tests.conftest import make_client
from tests.factories import UserFactory, open_case

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "case-results"}


def _entries() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="case.list").order_by("seq"))


@pytest.mark.django_db
def test_filter_changes_within_a_visit_log_only_cases_not_yet_logged(org: Organisation) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    torture = open_case(lawyer, violations=["torture"])
    threats = open_case(lawyer, violations=["threats"])
    client = make_client(lawyer)
    url = reverse("cases:list")

    assert client.get(url).status_code == 200  # the visit starts: both cases shown
    assert len(_entries()) == 1 and set(_entries()[0].data["cases"]) == {torture.pk, threats.pk}
    for violation in ("torture", "threats", "", "torture"):  # filter changes
        response = client.get(url, {"violation": violation}, **HTMX)
        assert response.status_code == 200
    assert len(_entries()) == 1  # nothing new on the screen, nothing new in the log

    # A new case appears mid-visit: the next refresh logs it, and only it.
    later = open_case(lawyer, violations=["torture"])
    client.get(url, {"violation": "torture"}, **HTMX)
    entries = _entries()
    assert len(entries) == 2 and entries[1].data["cases"] == [later.pk]
    assert entries[1].data["filters"] == {"violation": "torture"}

    # A new visit (a full load of the page) logs what it shows again.
    client.get(url)
    assert len(_entries()) == 3


@pytest.mark.django_db
def test_each_full_load_is_a_visit(org: Organisation) -> None:
    lawyer = UserFactory(organisation=org, role=Role.LAWYER)
    open_case(lawyer)
    client = make_client(lawyer)
    client.get(reverse("cases:list"))
    client.get(reverse("cases:list"), {"status": "new"})
    assert len(_entries()) == 2
