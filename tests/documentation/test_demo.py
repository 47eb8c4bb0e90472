"""The demo's documented case: consents, an interview and an evaluation with findings,
loaded once (the demo is idempotent), and readable by the demo doctor."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from himoya.accounts.models import User
from himoya.core.policies import can
from himoya.documentation.models import Consent, Evaluation, Finding, Interview

pytestmark = pytest.mark.django_db


def test_the_demo_documents_a_case_once():
    call_command("demo", "--quiet")
    call_command("demo", "--quiet")
    assert Consent.objects.count() == 4 and Interview.objects.count() == 1
    evaluation = Evaluation.objects.get()
    assert Finding.objects.filter(evaluation=evaluation).count() == 3
    doctor = User.objects.get(email__startswith="doctor.demo-kz@")
    assert can(doctor, "documentation.evaluation.view", evaluation.case)
    analyst = User.objects.get(email__startswith="analyst.demo-kz@")
    assert not can(analyst, "documentation.evaluation.view", evaluation.case)
