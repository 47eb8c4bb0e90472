"""The pages where stewards keep recipients and coordinators upload template versions:
what each role may do, and what a refused template tells its uploader."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from himoya.accounts.models import Role
from himoya.core.models import AuditEvent
from himoya.letters.models import LetterTemplate, Recipient
from himoya.reference.models import Steward
from tests.conftest import make_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = "/staff/letters/recipients/new/"
UPLOAD = "/staff/letters/templates/new/"


def _docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def steward(staff):
    user = UserFactory(organisation=staff.case.organisation, role=Role.ANALYST, totp=False)
    Steward.objects.create(user=user)
    return user


def _recipient_form(client, url, **values):
    page = client.get(url)
    assert page.status_code == 200
    token = (
        page.context["form"]["form_token"].value()
        if "form_token" in page.context["form"].fields
        else ""
    )
    body = {
        "form_token": token,
        "kind": "prosecutor_regional",
        "country": "KZ",
        "name": "Прокуратура Вымышленной области",
        "channel": "post",
        "address": "г. Вымышленск, ул. Тестовая, 1",
        "languages": "ru, KK",
        "answer_days": "15",
        "day_kind": "working",
        "legal_basis": "АППК РК, ст. 76",
        "source": "domain.md",
        "active": "on",
    }
    body.update(values)
    return client.post(url, {k: v for k, v in body.items() if v is not None})


def test_a_steward_adds_edits_and_retires_a_recipient(staff, shipped, steward):
    client = make_client(steward)
    response = _recipient_form(client, NEW)
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Recipient.objects.get(name="Прокуратура Вымышленной области")
    assert made.languages == "ru,kk" and not made.verified and made.rule.days == 15
    listing = client.get("/staff/letters/recipients/").content.decode()
    assert f'href="/staff/letters/recipients/{made.pk}/"' in listing
    # Unverified until a steward confirms it, and it says so.
    entry = listing.split(f'id="recipient-{made.pk}"')[1].split("</li>")[0]
    assert "unverified" in entry
    url = f"/staff/letters/recipients/{made.pk}/"
    response = _recipient_form(client, url, verified="on", active=None)
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.verified and not made.active
    assert AuditEvent.objects.filter(action="letter.recipient.save").count() == 2
    # A retired recipient is no longer offered for a case's letter.
    new_letter = make_client(staff.lawyer).get(f"/staff/letters/case/{staff.case.pk}/new/")
    assert "Прокуратура Вымышленной области" not in new_letter.content.decode()


def test_a_recipient_form_with_bad_values_says_which(staff, shipped, steward):
    client = make_client(steward)
    response = _recipient_form(client, NEW, country="XX", languages="russian", name=" ")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"country", "languages", "name"} <= set(errors)
    assert not Recipient.objects.filter(address__contains="Тестовая").exists()


@pytest.mark.parametrize("who", ["coordinator", "lawyer", "b_coordinator"])
def test_only_stewards_keep_recipients(staff, shipped, who):
    client = make_client(getattr(staff, who))
    recipient = Recipient.objects.get(country="KZ", kind="prosecutor_general")
    url = f"/staff/letters/recipients/{recipient.pk}/"
    assert client.get(NEW).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Захват", "kind": "court"}).status_code == 403
    assert client.post(NEW, {"name": "Захват", "kind": "court"}).status_code == 403
    assert Recipient.objects.get(pk=recipient.pk).name == recipient.name
    assert not Recipient.objects.filter(name="Захват").exists()
    listing = client.get("/staff/letters/recipients/").content.decode()
    assert NEW not in listing and url not in listing


def _upload(client, content, **values):
    page = client.get(UPLOAD)
    assert page.status_code == 200
    body = {
        "form_token": page.context["form"]["form_token"].value(),
        "code": "ombudsman-appeal",
        "language": "ru",
        "title": "Обращение к Омбудсмену (новая редакция)",
        "recipient_kinds": ["ombudsman"],
        "field_list": "recipient_name|Адресат|1\nfacts|Обстоятельства|1",
        "source": "",
        "document": SimpleUploadedFile("t.docx", content),
    }
    body.update(values)
    return client.post(UPLOAD, body)


def test_a_coordinator_uploads_the_next_version(staff, shipped):
    client = make_client(staff.coordinator)
    listing = client.get("/staff/letters/recipients/").content.decode()
    current = LetterTemplate.objects.get(code="ombudsman-appeal", language="ru")
    assert f"{UPLOAD}?from={current.pk}" in listing
    # The page for the next version starts from the current one's description.
    page = client.get(f"{UPLOAD}?from={current.pk}")
    assert page.context["form"]["code"].value() == "ombudsman-appeal"
    old = client.get(f"/staff/letters/templates/{current.pk}/file/")
    assert old.status_code == 200 and old.content == bytes(current.content)
    response = _upload(client, _docx("{{ recipient_name }}", "Обращение: {{ facts }}"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert LetterTemplate.objects.filter(code="ombudsman-appeal", language="ru").count() == 2
    assert LetterTemplate.objects.get(code="ombudsman-appeal", version=2).created_by == (
        staff.coordinator
    )


@pytest.mark.parametrize(
    "bad,shown",
    [
        ("{% if facts %}без конца", "без конца"),
        ("{{ facts.__class__.__mro__ }}", "__class__"),
    ],
)
def test_a_refused_template_is_shown_with_its_line(staff, shipped, bad, shown):
    client = make_client(staff.coordinator)
    response = _upload(client, _docx("{{ recipient_name }}", "Обращение", bad))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].non_field_errors())
    assert " 3 " in errors and shown in errors, errors
    assert shown in response.content.decode() or "&#x27;" in response.content.decode()
    assert LetterTemplate.objects.filter(code="ombudsman-appeal", language="ru").count() == 1


def test_a_file_that_is_not_a_word_document_is_refused(staff, shipped):
    client = make_client(staff.coordinator)
    response = _upload(client, b"%PDF-1.4 not a template")
    assert response.status_code == 400
    assert "document" in response.context["form"].errors
    assert LetterTemplate.objects.filter(code="ombudsman-appeal", language="ru").count() == 1


@pytest.mark.parametrize("who", ["lawyer", "monitor", "analyst"])
def test_only_coordinators_and_stewards_upload_templates(staff, shipped, who):
    client = make_client(getattr(staff, who))
    assert client.get(UPLOAD).status_code == 403
    response = client.post(
        UPLOAD,
        {
            "code": "ombudsman-appeal",
            "language": "ru",
            "title": "Захват",
            "recipient_kinds": ["ombudsman"],
            "field_list": "facts|Facts|1",
            "document": SimpleUploadedFile("t.docx", _docx("{{ facts }}")),
        },
    )
    assert response.status_code == 403
    assert LetterTemplate.objects.filter(code="ombudsman-appeal", language="ru").count() == 1
    assert UPLOAD not in client.get("/staff/letters/recipients/").content.decode()
