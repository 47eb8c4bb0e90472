"""A letter whose files could not be made is made again once the cause is fixed (the
consent recorded since, the fields corrected): by whoever may edit the case, audited,
queued for the worker; from its page and through the API. Every other path is refused."""

from __future__ import annotations

import json
import warnings

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from himoya.core.models import AuditEvent
from himoya.documentation import services as documentation
from himoya.documentation.models import Consent
from himoya.letters import generation, services
from himoya.letters.models import Generation, Letter
from tests.api.world import API, api_client, openapi, send
from tests.conftest import make_client, run_queued_tasks
from tests.letters.test_letters import DATA, _consent, _prosecutor, _statement

pytestmark = pytest.mark.django_db


def _failed_for_consent(staff) -> Letter:
    """A letter whose consent was revoked before the worker made it."""
    _consent(staff)
    with TestCase.captureOnCommitCallbacks(execute=True):
        letter = services.letter_create(
            actor=staff.lawyer,
            case=staff.case,
            recipient=_prosecutor(),
            template=_statement(),
            data=DATA,
        )
    consent = Consent.objects.get(person=staff.victim, kind="sharing")
    documentation.consent_revoke(actor=staff.lawyer, consent=consent)
    assert run_queued_tasks() == 1
    letter.refresh_from_db()
    assert letter.generation == Generation.FAILED and letter.generation_error == "consent"
    return letter


def _failed_for_fields(staff) -> Letter:
    """A letter stored before its template asked for "facts" (the service refuses such
    data up front; only an older letter can have it)."""
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
    return letter


def _regenerate(letter, actor, **data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.letter_regenerate(actor=actor, letter=letter, data=data or None)


def test_after_the_consent_is_recorded_the_files_are_made_again(staff, shipped, english):
    letter = _failed_for_consent(staff)
    # Still without the consent: refused, nothing queued, nothing recorded.
    with pytest.raises(ValidationError, match="consent"):
        _regenerate(letter, staff.lawyer)
    assert run_queued_tasks() == 0
    assert not AuditEvent.objects.filter(action="letter.regenerate").exists()

    _consent(staff)
    again = _regenerate(letter, staff.lawyer)
    assert again.generation == Generation.PENDING and again.generation_error == ""
    event = AuditEvent.objects.get(action="letter.regenerate")
    assert event.data == {
        "case": staff.case.pk,
        "letter": letter.pk,
        "failed": "consent",
        "fields": [],
    }
    assert run_queued_tasks() == 1
    letter.refresh_from_db()
    assert letter.generation == Generation.DONE and letter.docx and letter.pdf
    assert letter.pdf.open("rb").read(5) == b"%PDF-"
    results = AuditEvent.objects.filter(action="letter.generate").order_by("seq")
    assert [e.data["result"] for e in results] == ["failed", "done"]
    # Ready now: asked again, refused.
    with pytest.raises(ValidationError, match="could not be made"):
        _regenerate(letter, staff.lawyer)


def test_the_corrected_fields_are_stored_and_a_still_empty_one_is_named(staff, shipped, english):
    letter = _failed_for_fields(staff)
    with pytest.raises(ValidationError) as refused:
        _regenerate(letter, staff.lawyer)
    assert "facts" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        _regenerate(letter, staff.lawyer, facts="Вымышленные факты.", salary="1")
    assert "salary" in unknown.value.message_dict
    assert Letter.objects.get(pk=letter.pk).generation == Generation.FAILED

    _regenerate(letter, staff.lawyer, facts="Исправленные вымышленные факты.")
    letter.refresh_from_db()
    assert services.letter_data(letter)["facts"] == "Исправленные вымышленные факты."
    assert services.letter_data(letter)["victim_name"] == DATA["victim_name"]
    event = AuditEvent.objects.get(action="letter.regenerate")
    assert event.data["failed"] == "fields" and event.data["fields"] == ["facts"]
    assert "Исправленные" not in json.dumps(event.data, ensure_ascii=False)
    assert run_queued_tasks() == 1
    letter.refresh_from_db()
    assert letter.generation == Generation.DONE


def test_only_whoever_may_edit_the_case_makes_the_files_again(staff, shipped):
    letter = _failed_for_consent(staff)
    _consent(staff)
    for actor in (staff.doctor, staff.outside_doctor, staff.b_coordinator, staff.analyst):
        with pytest.raises(PermissionDenied):
            services.letter_regenerate(actor=actor, letter=letter)
    assert Letter.objects.get(pk=letter.pk).generation == Generation.FAILED
    assert not AuditEvent.objects.filter(action="letter.regenerate").exists()


def test_the_letter_page_offers_it_to_the_lawyer_and_takes_corrected_fields(
    staff, shipped, english
):
    letter = _failed_for_fields(staff)
    page = (
        make_client(staff.lawyer)
        .get(f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Make the files again" in page and f"/staff/letters/{letter.pk}/regenerate/" in page
    # The case's doctor reads the letter, without the action; a POST is refused.
    doctor = make_client(staff.doctor)
    assert (
        "Make the files again"
        not in doctor.get(
            f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    )
    assert doctor.post(f"/staff/letters/{letter.pk}/regenerate/", {}).status_code == 403
    outsider = make_client(staff.b_coordinator)
    assert outsider.post(f"/staff/letters/{letter.pk}/regenerate/", {}).status_code == 404

    lawyer = make_client(staff.lawyer)
    form = {**DATA, "facts": ""}
    still = lawyer.post(f"/staff/letters/{letter.pk}/regenerate/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert still.status_code == 400 and "Fill in" in still.content.decode()
    assert Letter.objects.get(pk=letter.pk).generation == Generation.FAILED
    with TestCase.captureOnCommitCallbacks(execute=True):
        made = lawyer.post(
            f"/staff/letters/{letter.pk}/regenerate/", {**DATA, "facts": "Новые вымышленные факты."}
        )
    assert made.status_code == 302 and made["Location"] == f"/staff/letters/{letter.pk}/"
    assert Letter.objects.get(pk=letter.pk).generation == Generation.PENDING
    assert run_queued_tasks() == 1
    assert Letter.objects.get(pk=letter.pk).generation == Generation.DONE
    page = lawyer.get(f"/staff/letters/{letter.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Make the files again" not in page and "Download PDF" in page


@pytest.fixture
def devices(staff):
    for user in (staff.lawyer, staff.doctor, staff.b_coordinator):
        TOTP.activate(user, generate_totp_secret())


def test_the_api_regenerates_with_the_same_rules(staff, shipped, devices, english):
    letter = _failed_for_consent(staff)
    client = api_client(staff.lawyer, **{"Accept-Language": "en"})
    path = f"{API}/letters/{letter.pk}/regenerate"
    refused = send(client, "POST", path, {})
    assert refused.status_code == 422 and "consent" in json.dumps(refused.json())
    # The downloads of a failed letter say why, as a 409 raised, not a deprecated tuple.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = client.get(f"{API}/letters/{letter.pk}/pdf")
    assert pdf.status_code == 409 and pdf.json()["code"] == "failed"
    assert "consented to sharing" in pdf.json()["detail"]
    assert not [w for w in caught if "tuple" in str(w.message)]

    _consent(staff)
    assert send(api_client(staff.b_coordinator), "POST", path, {}).status_code == 404
    assert send(api_client(staff.doctor), "POST", path, {}).status_code == 403
    bad = send(client, "POST", path, {"data": {"no_such_field": "x"}})
    assert bad.status_code == 422 and "no_such_field" in bad.json()["errors"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        ok = send(client, "POST", path, {"data": {"place": "ИВС № 1 (вымышленный)"}})
    assert ok.status_code == 200, ok.content
    assert ok.json()["generation"] == "pending" and ok.json()["generation_error"] == ""
    waiting = client.get(f"{API}/letters/{letter.pk}/docx")
    assert waiting.status_code == 409 and waiting.json()["code"] == "not_ready"
    assert run_queued_tasks() == 1
    assert client.get(f"{API}/letters/{letter.pk}").json()["files"] == ["docx", "pdf"]
    assert send(client, "POST", path, {}).status_code == 422

    ops = {
        op["operationId"]: (p, method, op)
        for p, operations in openapi(client)["paths"].items()
        for method, op in operations.items()
    }
    p, method, op = ops["letter_regenerate"]
    assert p.endswith("/letters/{letter_id}/regenerate") and method == "post"
    assert {"200", "403", "404", "422"} <= set(op["responses"])
