"""Wagtail hooks of the public site."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from wagtail import hooks


# After Wagtail's own check of a collection's view restrictions (order 0).
@hooks.register("before_serve_document", order=100)
def serve_decrypted(document: Any, request: Any) -> HttpResponse:
    """Documents are kept on our encrypted storage. Wagtail's serving view would send
    the file from its path on disk, which holds the ciphertext; this reads it through
    the storage, which decrypts. A whole response rather than a streaming one: Wagtail
    takes only an ``HttpResponse`` from this hook, and documents here are templates to
    download (uploads are capped by HIMOYA_MAX_UPLOAD_BYTES)."""
    with document.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    return response
