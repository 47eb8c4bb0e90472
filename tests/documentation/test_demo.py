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
    evaluation = Evaluation.objects.get()
    # The letters' demo records consents to sharing on other cases too.
    assert Consent.objects.filter(case=evaluation.case).count() == 4
    assert Interview.objects.count() == 1
    assert Finding.objects.filter(evaluation=evaluation).count() == 3
    doctor = User.objects.get(email__startswith="doctor.demo-kz@")
    assert can(doctor, "documentation.evaluation.view", evaluation.case)
    analyst = User.objects.get(email__startswith="analyst.demo-kz@")
    assert not can(analyst, "documentation.evaluation.view", evaluation.case)
