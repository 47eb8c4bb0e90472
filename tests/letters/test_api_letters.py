"""Letters through the REST API: the same rules as the staff pages (consent, sign-off
by a lawyer, 404 for another organisation, 403 for a role that may not), audited
downloads, and the operations in the OpenAPI document."""

from __future__ import annotations

import io
import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import TestCase
from docx import Document
from pypdf import PdfReader

from himoya.core.models import AuditEvent
from himoya.letters.models import Letter, LetterStatus, LetterTemplate, Recipient
from tests.api.world import API, api_client, openapi, send
from tests.conftest import run_queued_tasks
from tests.letters.test_letters import DATA, PNG, _consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def devices(staff):
    """API tokens are for accounts with a second factor, as in real use."""
    for user in (staff.lawyer, staff.monitor, staff.doctor, staff.b_coordinator):
        TOTP.activate(user, generate_totp_secret())


def _ids():
    recipient = Recipient.objects.get(country="KZ", kind="prosecutor_general")
    template = LetterTemplate.objects.get(code="torture-statement-prosecutor", language="ru")
    return recipient.pk, template.pk


def _create(client, case, **data):
    recipient, template = _ids()
    return send(
        client,
        "POST",
        f"{API}/cases/{case.pk}/letters",
        {"recipient": recipient, "template": template, "data": {**DATA, **data}},
    )


def test_a_lawyer_makes_signs_sends_and_records_the_answer(staff, shipped):
    _consent(staff)
    client = api_client(staff.lawyer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _create(client, staff.case, facts="Вымышленные факты: ұрып-соғу (API).")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["files"] == []
    assert body["generation"] == "pending"
    assert body["recipient"]["verified"] and "76" in body["recipient"]["legal_basis"]
    pk = body["id"]
    # Until the worker made the files, a download says so, and the letter is not signed.
    waiting = client.get(f"{API}/letters/{pk}/pdf")
    assert waiting.status_code == 409 and waiting.json()["code"] == "not_ready"
    assert client.post(f"{API}/letters/{pk}/sign").status_code == 422
    assert run_queued_tasks() == 1
    made = client.get(f"{API}/letters/{pk}").json()
    assert made["generation"] == "done" and made["files"] == ["docx", "pdf"]
    listed = client.get(f"{API}/cases/{staff.case.pk}/letters").json()
    assert [row["id"] for row in listed] == [pk]

    docx = client.get(f"{API}/letters/{pk}/docx")
    assert docx.status_code == 200 and docx["Content-Type"].endswith("document")
    text = "\n".join(
        p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content))).paragraphs
    )
    assert "ұрып-соғу (API)" in text
    pdf = client.get(f"{API}/letters/{pk}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    assert "ұрып-соғу" in "".join(page.extract_text() for page in reader.pages)
    assert AuditEvent.objects.filter(action="letter.download").count() == 2

    assert client.post(f"{API}/letters/{pk}/sign").json()["status"] == "signed"
    sent = client.post(
        f"{API}/letters/{pk}/dispatch",
        {
            "sent_on": "2025-03-19",
            "channel": "post",
            "outgoing_number": "Исх. 7/25",
            "proof": io.BytesIO(PNG),
        },
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["due_on"] == "2025-04-14"  # 15 working days across Nauryz
    assert sent.json()["files"] == ["docx", "pdf", "proof"]
    answered = client.post(
        f"{API}/letters/{pk}/answer",
        {"answered_on": "2025-04-10", "outcome": "refused", "note": "Отказ (вымышленный)."},
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "answered" and answered.json()["outcome"] == "refused"


def test_what_the_services_refuse_is_422_with_the_reason(staff, shipped, english):
    client = api_client(staff.lawyer, **{"Accept-Language": "en"})
    response = _create(client, staff.case)
    assert response.status_code == 422
    assert "share the information" in str(response.json())
    assert not Letter.objects.exists()
    _consent(staff)
    recipient, template = _ids()
    unknown = send(
        client,
        "POST",
        f"{API}/cases/{staff.case.pk}/letters",
        {"recipient": 10**6, "template": template, "data": {}},
    )
    assert unknown.status_code == 422 and "recipient" in unknown.json()["errors"]
    pk = _create(client, staff.case).json()["id"]
    # Not sent before the sign-off; a wrong channel and a missing date are named.
    early = client.post(
        f"{API}/letters/{pk}/dispatch", {"sent_on": "2025-03-19", "channel": "post"}
    )
    assert early.status_code == 422
    bad = client.post(f"{API}/letters/{pk}/dispatch", {"channel": "pigeon"})
    assert bad.status_code == 422 and {"sent_on", "channel"} <= set(bad.json()["errors"])
    assert Letter.objects.get(pk=pk).status == LetterStatus.DRAFT


def test_other_organisations_get_404_and_roles_that_may_not_get_403(staff, shipped):
    _consent(staff)
    pk = _create(api_client(staff.lawyer), staff.case).json()["id"]
    outsider = api_client(staff.b_coordinator)
    for path in (
        f"/cases/{staff.case.pk}/letters",
        f"/letters/{pk}",
        f"/letters/{pk}/docx",
        f"/letters/{pk}/pdf",
    ):
        assert outsider.get(API + path).status_code == 404, path
    assert _create(outsider, staff.case).status_code == 404
    for path in ("sign", "dispatch", "answer"):
        assert outsider.post(f"{API}/letters/{pk}/{path}").status_code == 404, path
    # A monitor of the team reads the letters but does not sign them off; a doctor of
    # the case does not make them.
    monitor = api_client(staff.monitor)
    assert monitor.get(f"{API}/letters/{pk}").status_code == 200
    assert monitor.post(f"{API}/letters/{pk}/sign").status_code == 403
    assert _create(api_client(staff.doctor), staff.case).status_code in (403, 404)
    assert Letter.objects.get(pk=pk).status == LetterStatus.DRAFT
    assert Letter.objects.count() == 1
    # Without a credential: 401.
    assert api_client().get(f"{API}/letters/{pk}").status_code == 401


def _no_key_twice(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)


def test_the_letters_operations_are_in_the_openapi_document(staff, shipped):
    schema = openapi(api_client(staff.lawyer))
    ops = {
        op["operationId"]: (path, method, op)
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
    }
    for name in (
        "letter_list",
        "letter_create",
        "letter_get",
        "letter_docx",
        "letter_pdf",
        "letter_sign",
        "letter_dispatch",
        "letter_answer",
    ):
        assert name in ops, name
    assert "application/pdf" in ops["letter_pdf"][2]["responses"]["200"]["content"]
    # Each response once: a JSON document with a key twice is refused by Swagger UI.
    raw = api_client(staff.lawyer).get(f"{API}/openapi.json").content.decode()
    json.loads(raw, object_pairs_hook=_no_key_twice)
    body = ops["letter_dispatch"][2]["requestBody"]["content"]["multipart/form-data"]
    assert {"sent_on", "channel", "proof"} <= set(body["schema"]["properties"])
