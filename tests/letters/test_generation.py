"""A letter's files are made by the worker: the letter waits as "being prepared", the
job is idempotent, and a letter that cannot be made says why."""

from __future__ import annotations

import json

import pytest
from django.test import TestCase

from himoya.core.models import AuditEvent
from himoya.documentation import services as documentation
from himoya.documentation.models import Consent
from himoya.letters import generation, services
from himoya.letters.models import Generation, Letter
from tests.conftest import make_client, run_queued_tasks
from tests.letters.test_letters import DATA, _consent, _prosecutor, _statement

pytestmark = pytest.mark.django_db


def _draft(staff):
    _consent(staff)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.letter_create(
            actor=staff.lawyer,
            case=staff.case,
            recipient=_prosecutor(),
            template=_statement(),
            data=DATA,
        )


def test_a_letter_is_prepared_in_the_background_and_the_pages_say_so(staff, shipped, english):
    letter = _draft(staff)
    assert letter.generation == Generation.PENDING and not letter.docx and not letter.pdf
    client = make_client(staff.lawyer)
    page = client.get(f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "are being prepared in the background" in page
    assert f'hx-get="/staff/letters/{letter.pk}/files/"' in page
    assert "Download PDF" not in page and "Sign off the letter" not in page
    panel = client.get(f"/staff/letters/case/{staff.case.pk}/panel/", HTTP_ACCEPT_LANGUAGE="en")
    assert panel.status_code == 200
    assert 'data-generation="pending"' in panel.content.decode()
    assert "hx-trigger" in panel.content.decode()

    assert run_queued_tasks() == 1
    letter.refresh_from_db()
    assert letter.generation == Generation.DONE and letter.docx and letter.pdf
    assert letter.pdf.open("rb").read(5) == b"%PDF-"
    files = client.get(f"/staff/letters/{letter.pk}/files/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Download PDF" in files.content.decode() and "hx-trigger" not in files.content.decode()
    polled = client.get(f"/staff/letters/{letter.pk}/files/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"
    panel = client.get(f"/staff/letters/case/{staff.case.pk}/panel/", HTTP_ACCEPT_LANGUAGE="en")
    assert "hx-trigger" not in panel.content.decode()
    event = AuditEvent.objects.get(action="letter.generate")
    assert event.data["result"] == "done" and event.request_id.startswith("task:")


def test_a_job_run_again_for_a_ready_letter_does_nothing(staff, shipped):
    letter = _draft(staff)
    run_queued_tasks()
    letter.refresh_from_db()
    names = (letter.docx.name, letter.pdf.name)
    generation.letter_generate.enqueue(letter.pk)
    assert run_queued_tasks() == 1
    letter.refresh_from_db()
    assert (letter.docx.name, letter.pdf.name) == names
    assert AuditEvent.objects.filter(action="letter.generate").count() == 1


def test_a_consent_revoked_before_the_job_fails_the_letter_with_the_reason(staff, shipped, english):
    letter = _draft(staff)
    consent = Consent.objects.get(person=staff.victim, kind="sharing")
    documentation.consent_revoke(actor=staff.lawyer, consent=consent)
    assert run_queued_tasks() == 1
    letter.refresh_from_db()
    assert letter.generation == Generation.FAILED and letter.generation_error == "consent"
    assert not letter.docx and not letter.pdf
    page = make_client(staff.lawyer).get(f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "could not be made" in page.content.decode()
    assert "consented to sharing" in page.content.decode()
    assert AuditEvent.objects.get(action="letter.generate").data["error"] == "consent"


def test_a_letter_whose_required_field_is_empty_is_failed_naming_it(staff, shipped, english):
    # A letter stored before its template's version asked for the field: the service
    # refuses such data up front, the job checks it again.
    _consent(staff)
    letter = Letter.objects.create(
        case=staff.case,
        recipient=_prosecutor(),
        template=_statement(),
        data=json.dumps({**DATA, "facts": ""}, ensure_ascii=False),
    )
    generation.letter_generate.enqueue(letter.pk)
    assert run_queued_tasks() == 1
    letter.refresh_from_db()
    assert letter.generation == Generation.FAILED and letter.generation_error == "fields:facts"
    assert generation.failure_reason(letter) == "These required fields are empty: Обстоятельства."
