"""An appeal whose scan is far too large comes back with everything that was typed, and
the message in the visitor's language says to attach a smaller scan (issue 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from himoya.accounts.models import Organisation, Role
from himoya.cases.models import Appeal
from tests.conftest import make_client
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n"


def _csrf_client(org: Organisation) -> tuple[Client, str]:
    client = make_client(UserFactory(organisation=org, role=Role.LAWYER))
    client.handler.enforce_csrf_checks = True
    token = "k" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    return client, token


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "message"),
    [("ru", "Приложите скан меньшего размера"), ("kk", "кішірек сканерленген көшірмені тіркеп")],
)
def test_far_oversize_scan_keeps_the_typed_form(
    org: Organisation, settings: object, lang: str, message: str
) -> None:
    settings.HIMOYA_MAX_UPLOAD_BYTES = 4096  # type: ignore[attr-defined]
    client, token = _csrf_client(org)
    data = {
        "csrfmiddlewaretoken": token,
        "channel": "phone",
        "received_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "urgency": "urgent",
        "content": "Позвонил брат задержанного (вымышленная история).",
        "consent_processing": "on",
        "victim_name": "Сканов Ерлан",
        "victim_birth": "1990",
        "country": "KZ",
        "agency": "police",
        "violations": ["torture"],
        "summary": "Вымышленное описание, набранное до отказа.",
        "attachment": SimpleUploadedFile("scan.pdf", PDF + b"0" * 500_000),
    }
    response = client.post(reverse("cases:appeal_new"), data, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 413
    html = response.content.decode()
    assert 'value="Сканов Ерлан"' in html
    assert "Вымышленное описание, набранное до отказа." in html
    assert "Позвонил брат задержанного" in html
    assert message in html
    assert Appeal.objects.count() == 0
