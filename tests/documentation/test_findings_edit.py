"""Correcting and deleting a finding: the clinicians on the case only, each change on
the audit chain with field names and never what was found; others get 404 (may not read
evaluations) or 403 (the case lawyer, who reads but does not write them)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from himoya.core.models import AuditEvent
from himoya.documentation import services
from himoya.documentation.models import ConsentKind, Finding
from tests.conftest import make_client
from tests.documentation.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(staff):
    services.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.EXAMINATION,
        given_on=TODAY(),
    )
    evaluation = services.evaluation_record(
        actor=staff.doctor,
        case=staff.case,
        person=staff.victim,
        kind="medical",
        examined_on=TODAY(),
    )
    return services.finding_add(
        actor=staff.doctor,
        evaluation=evaluation,
        type="bruise",
        region="back",
        rating="consistent",
        size="SECRET-SIZE 2 см",
    )


def _values(**extra):
    values = {"type": "bruise", "region": "chest", "rating": "typical", "size": "3 см"}
    values.update(extra)
    return values


def test_a_clinician_corrects_a_finding_and_places_it_on_the_diagram(staff, finding):
    services.finding_change(
        actor=staff.psychologist, finding=finding, **_values(view="front", x=0.5, y=0.3)
    )
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.region, stored.rating, stored.size, stored.view, stored.x) == (
        "chest",
        "typical",
        "3 см",
        "front",
        0.5,
    )
    event = AuditEvent.objects.get(action="finding.change")
    assert set(event.data["fields"]) == {"region", "rating", "size", "view", "x", "y"}
    assert "SECRET" not in str(event.data) and "3 см" not in str(event.data)
    with pytest.raises(ValidationError) as exc:
        services.finding_change(actor=staff.doctor, finding=finding, **_values(x=0.5, y=2))
    assert "x" in exc.value.message_dict


def test_a_correction_needs_no_consent_in_force_but_a_new_finding_does(staff, finding):
    from himoya.documentation.models import Consent

    services.consent_revoke(actor=staff.lawyer, consent=Consent.objects.get())
    services.finding_change(actor=staff.doctor, finding=finding, **_values())
    with pytest.raises(services.ConsentMissing):
        services.finding_add(actor=staff.doctor, evaluation=finding.evaluation, **_values())


def test_a_clinician_deletes_a_finding(staff, finding):
    response = make_client(staff.doctor).post(
        f"/staff/cases/{staff.case.pk}/evaluations/findings/{finding.pk}/delete/"
    )
    assert response.status_code == 302
    assert not Finding.objects.exists()
    assert AuditEvent.objects.get(action="finding.delete").data["finding"] == finding.pk


def test_the_correction_page(staff, finding):
    client = make_client(staff.doctor)
    url = f"/staff/cases/{staff.case.pk}/evaluations/findings/{finding.pk}/edit/"
    page = client.get(url).content.decode()
    assert "SECRET-SIZE 2 см" in page and "body-picker" in page and "<svg" in page
    response = client.post(url, _values(rating="probable"))
    assert response.status_code == 400
    response = client.post(url, _values(view="left", x="0.5", y="0.5", colour="жёлтый"))
    assert response.status_code == 302
    assert Finding.objects.get(pk=finding.pk).colour == "жёлтый"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lawyer", 403),
        ("monitor", 404),
        ("coordinator", 404),
        ("analyst", 404),
        ("outside_doctor", 404),
        ("b_doctor", 404),
    ],
)
def test_who_may_not_correct_or_delete_a_finding(staff, finding, who, status):
    user = getattr(staff, who)
    client = make_client(user)
    base = f"/staff/cases/{staff.case.pk}/evaluations/findings/{finding.pk}"
    assert client.get(f"{base}/edit/").status_code == status
    assert client.post(f"{base}/edit/", _values()).status_code == status
    assert client.post(f"{base}/delete/").status_code == status
    assert Finding.objects.get(pk=finding.pk).region == "back"
    with pytest.raises(PermissionDenied):
        services.finding_change(actor=user, finding=finding, **_values())
    with pytest.raises(PermissionDenied):
        services.finding_delete(actor=user, finding=finding)


def test_the_case_page_draws_the_marks(staff, finding):
    services.finding_add(
        actor=staff.doctor,
        evaluation=finding.evaluation,
        **_values(view="back", x=0.25, y=0.5),
    )
    page = make_client(staff.lawyer).get(f"/staff/cases/{staff.case.pk}/").content.decode()
    # The second finding's mark, numbered 2, on the back view at (50, 220).
    assert 'data-number="2"><circle cx="50.0" cy="220.0"' in page
    assert "report.pdf" in page and "report.docx" in page
    # Only writers get the picker and the correction links.
    assert 'class="body-picker"' not in page and f"findings/{finding.pk}/edit/" not in page
