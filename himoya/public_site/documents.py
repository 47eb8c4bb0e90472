"""Wagtail's documents (templates to download, annual reports, legal texts), served
through our storage.

Wagtail's own view sends a document from its path on disk when the storage has one, and
our storage keeps every file encrypted there: it would send ciphertext. This view keeps
Wagtail's checks (the name in the URL must be the document's, ``before_serve_document``
hooks such as collection privacy, the ``document_served`` signal, its headers) and reads
the file through the storage, which decrypts a segment at a time."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served


def serve_document(
    request: HttpRequest, document_id: str, document_filename: str
) -> HttpResponseBase:
    document_model = get_document_model()
    doc = get_object_or_404(document_model, id=int(document_id))
    if doc.filename != document_filename:
        raise Http404
    for fn in hooks.get_hooks("before_serve_document"):
        result = fn(doc, request)
        if isinstance(result, HttpResponse):
            return result
    document_served.send(sender=document_model, instance=doc, request=request)
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type)
    response["Content-Disposition"] = doc.content_disposition
    response["Content-Length"] = doc.file.size
    if getattr(settings, "WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT", True):
        response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
