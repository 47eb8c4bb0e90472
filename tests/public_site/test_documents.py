"""Documents of the public site (templates to download, reports) are stored encrypted
and must reach the visitor as their plain bytes."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

pytestmark = pytest.mark.django_db

PLAIN = "Заявление о пытках: образец. Өтініш үлгісі. Ариза: намуна.".encode()


def _document() -> object:
    document = get_document_model()(title="Образец заявления")
    document.file.save("obrazets.txt", ContentFile(PLAIN), save=False)
    document.save()
    return document


def test_a_document_is_served_decrypted() -> None:
    document = _document()
    stored = document.file.storage.path(document.file.name)  # type: ignore[attr-defined]
    with open(stored, "rb") as raw:
        assert PLAIN not in raw.read()  # encrypted at rest
    response = Client().get(document.url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PLAIN  # type: ignore[attr-defined]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert not response.cookies


def test_a_document_under_another_name_is_not_found() -> None:
    document = _document()
    response = Client().get(f"/documents/{document.pk}/other.txt")  # type: ignore[attr-defined]
    assert response.status_code == 404
    assert Client().get("/documents/999999/obrazets.txt").status_code == 404
