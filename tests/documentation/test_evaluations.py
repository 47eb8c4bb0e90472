"""Evaluations and findings: the clinicians on the case write them with the consent to
be examined; the case lawyer reads them; nobody else sees them, on the page or by POST."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from himoya.core.models import AuditEvent
from himoya.core.policies import can
from himoya.documentation import services
from himoya.documentation.models import ConsentKind, Finding
from tests.conftest import make_client
from tests.documentation.conftest import TODAY

pytestmark = pytest.mark.django_db


def _consent(staff, kind=ConsentKind.EXAMINATION):
    return services.consent_record(
        actor=staff.lawyer, case=staff.case, person=staff.victim, kind=kind, given_on=TODAY()
    )


def _evaluate(staff, actor=None, **extra):
    values = {
        "kind": "medical",
        "examined_on": TODAY(),
        "overall": "highly_consistent",
        "sections": {"conclusion": "FINDINGS-SECRET заключение", "physical_symptoms": "Боль"},
    }
    values.update(extra)
    return services.evaluation_record(
        actor=actor or staff.doctor, case=staff.case, person=staff.victim, **values
    )


def _finding(staff, evaluation, actor=None, **extra):
    values = {"type": "bruise", "region": "back", "rating": "typical", "size": "3 x 4 см"}
    values.update(extra)
    return services.finding_add(actor=actor or staff.doctor, evaluation=evaluation, **values)


def test_an_evaluation_needs_the_consent_to_be_examined(staff, english):
    _consent(staff, ConsentKind.INTERVIEW)
    with pytest.raises(services.ConsentMissing) as exc:
        _evaluate(staff)
    assert exc.value.messages == ['The consent "to be examined" is missing or was revoked.']
    _consent(staff)
    evaluation = _evaluate(staff)
    assert evaluation.clinician == staff.doctor and evaluation.overall == "highly_consistent"
    event = AuditEvent.objects.get(action="evaluation.record")
    assert "FINDINGS-SECRET" not in str(event.data)


def test_findings_are_rated_and_can_carry_a_diagram_mark(staff):
    _consent(staff)
    evaluation = _evaluate(staff)
    finding = _finding(staff, evaluation, colour="сине-фиолетовый", view="back", x=0.4, y=0.3)
    finding = Finding.objects.get(pk=finding.pk)
    assert (finding.rating, finding.colour, finding.view, finding.x) == (
        "typical",
        "сине-фиолетовый",
        "back",
        0.4,
    )
    with pytest.raises(ValidationError) as exc:
        _finding(staff, evaluation, rating="probable")
    assert "rating" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _finding(staff, evaluation, x=0.5)
    assert set(exc.value.message_dict) == {"x", "view"}


def test_an_overall_rating_stands_on_a_written_conclusion(staff):
    _consent(staff)
    with pytest.raises(ValidationError) as exc:
        _evaluate(staff, sections={})
    assert "conclusion" in exc.value.message_dict


def test_revoking_the_examination_consent_stops_further_findings(staff, english):
    consent = _consent(staff)
    evaluation = _evaluate(staff)
    _finding(staff, evaluation)
    services.consent_revoke(actor=staff.lawyer, consent=consent)
    with pytest.raises(services.ConsentMissing) as exc:
        _finding(staff, evaluation)
    assert exc.value.kind == ConsentKind.EXAMINATION
    assert Finding.objects.filter(evaluation=evaluation).count() == 1


def test_a_psychologist_records_a_psychological_evaluation(staff):
    _consent(staff)
    evaluation = _evaluate(
        staff,
        actor=staff.psychologist,
        kind="psychological",
        overall="",
        sections={"psychological_history": "Нарушения сна"},
    )
    assert evaluation.clinician == staff.psychologist


@pytest.mark.parametrize(
    "who",
    ["lawyer", "monitor", "intake", "coordinator", "analyst", "outside_doctor", "b_doctor"],
)
def test_who_may_not_write_an_evaluation(staff, who):
    _consent(staff)
    evaluation = _evaluate(staff)
    with pytest.raises(PermissionDenied):
        _evaluate(staff, actor=getattr(staff, who))
    with pytest.raises(PermissionDenied):
        _finding(staff, evaluation, actor=getattr(staff, who))


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("doctor", True),
        ("psychologist", True),
        ("lawyer", True),
        ("monitor", False),
        ("intake", False),
        ("coordinator", False),
        ("analyst", False),
        ("outside_doctor", False),
        ("b_coordinator", False),
        ("b_doctor", False),
    ],
)
def test_who_sees_evaluations_on_the_case_page(staff, who, sees):
    _consent(staff)
    _finding(staff, _evaluate(staff))
    user = getattr(staff, who)
    assert can(user, "documentation.evaluation.view", staff.case) is sees
    response = make_client(user).get(f"/staff/cases/{staff.case.pk}/")
    body = response.content.decode()
    assert ('id="evaluations"' in body) is sees
    assert ("FINDINGS-SECRET" in body) is sees
    if who.startswith("b_") or who in ("analyst", "outside_doctor"):
        assert response.status_code == 404


@pytest.mark.parametrize("who", ["lawyer", "monitor", "coordinator"])
def test_a_finding_posted_by_a_non_clinician_is_refused(staff, who):
    _consent(staff)
    evaluation = _evaluate(staff)
    response = make_client(getattr(staff, who)).post(
        f"/staff/cases/{staff.case.pk}/evaluations/findings/",
        {"evaluation": evaluation.pk, "type": "bruise", "region": "head", "rating": "consistent"},
    )
    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_a_team_doctor_reads_the_clinical_record_only_while_assigned(staff):
    """The assignment, not the team, opens the evaluations: unassigned, the doctor (still
    in the case's team, still seeing the case) can neither write nor read them."""
    from himoya.cases import services as case_services
    from himoya.cases.clinicians import CaseClinician
    from himoya.core.policies import can

    _consent(staff)
    evaluation = _evaluate(staff)
    assignment = CaseClinician.objects.get(case=staff.case, clinician=staff.doctor)
    case_services.clinician_unassign(actor=staff.lawyer, assignment=assignment)
    assert can(staff.doctor, "case.view", staff.case)
    assert not can(staff.doctor, "documentation.evaluation.view", staff.case)
    with pytest.raises(PermissionDenied):
        _finding(staff, evaluation, actor=staff.doctor)
