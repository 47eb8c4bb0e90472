"""The allegation interview: its consent, its controlled methods, the interpreter's
tie, and the sexual-violence section that only a few may read."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from himoya.core.models import AuditEvent
from himoya.documentation import services
from himoya.documentation.models import ConsentKind, Interview
from himoya.reference import vocab
from himoya.reference.models import Term
from tests.conftest import make_client
from tests.documentation.conftest import TODAY

pytestmark = pytest.mark.django_db

SECRET = "SEXUAL-VIOLENCE-SECRET"


def _consent(staff):
    return services.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.INTERVIEW,
        given_on=TODAY(),
    )


def _interview(staff, actor=None, **extra):
    values = {
        "held_on": TODAY(),
        "interviewer_gender": "female",
        "interpreter": True,
        "interpreter_gender": "female",
        "interpreter_tie": "none",
        "methods": Term.objects.filter(vocabulary=vocab.METHOD, code__in=["blunt_trauma"]),
        "sections": {"places": "ИВС (тест)", "sexual_violence": SECRET},
    }
    values.update(extra)
    return services.interview_record(
        actor=actor or staff.lawyer, case=staff.case, person=staff.victim, **values
    )


def test_the_methods_vocabulary_ships_unverified_with_its_source():
    methods = Term.objects.filter(vocabulary=vocab.METHOD)
    assert methods.filter(code="electric_shock").exists()
    assert not methods.filter(verified=True).exists()
    assert all("Istanbul Protocol" in t.source for t in methods)


def test_an_interview_needs_the_consent_to_be_interviewed(staff, english):
    with pytest.raises(services.ConsentMissing) as exc:
        _interview(staff)
    assert exc.value.messages == ['The consent "to be interviewed" is missing or was revoked.']
    _consent(staff)
    interview = Interview.objects.get(pk=_interview(staff).pk)
    assert interview.sexual_violence == SECRET and interview.places == "ИВС (тест)"
    assert [m.code for m in interview.methods.all()] == ["blunt_trauma"]
    data = AuditEvent.objects.get(action="interview.record").data
    assert data["sections"] == ["places", "sexual_violence"] and SECRET not in str(data)


def test_an_interpreter_needs_gender_and_tie_answered(staff):
    _consent(staff)
    with pytest.raises(ValidationError) as exc:
        _interview(staff, interpreter_gender="", interpreter_tie="")
    assert {"interpreter_gender", "interpreter_tie"} <= set(exc.value.message_dict)


def test_methods_come_from_the_vocabulary(staff):
    _consent(staff)
    with pytest.raises(ValidationError) as exc:
        _interview(staff, methods=Term.objects.filter(vocabulary=vocab.VIOLATION)[:1])
    assert "methods" in exc.value.message_dict


@pytest.mark.parametrize("who", ["analyst", "b_coordinator", "outside_doctor"])
def test_who_may_not_record_an_interview(staff, who):
    _consent(staff)
    with pytest.raises(PermissionDenied):
        _interview(staff, actor=getattr(staff, who))


@pytest.mark.parametrize(
    ("who", "reads"),
    [
        ("lawyer", True),
        ("doctor", True),
        ("psychologist", True),
        ("monitor", False),
        ("intake", False),
        ("coordinator", False),
    ],
)
def test_the_sexual_violence_section_is_hidden_from_other_readers(staff, who, reads):
    _consent(staff)
    _interview(staff)
    body = make_client(getattr(staff, who)).get(f"/staff/cases/{staff.case.pk}/").content.decode()
    assert 'id="interviews"' in body and "ИВС (тест)" in body
    assert (SECRET in body) is reads


def test_the_interviewer_reads_what_they_recorded(staff):
    """An intake operator who conducted the interview reads its sexual-violence section."""
    _consent(staff)
    _interview(staff, actor=staff.intake)
    body = make_client(staff.intake).get(f"/staff/cases/{staff.case.pk}/").content.decode()
    assert SECRET in body
