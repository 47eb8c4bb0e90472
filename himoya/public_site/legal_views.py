"""The legal database's file downloads.

Wagtail's own document view (``/documents/<id>/<name>``) sends the file from its path on
disk, and our storage keeps files encrypted there, so it would send ciphertext. This view
reads through the storage (which decrypts) and serves only a file attached to a
published legal document: the same 404 for a missing and for an unpublished one."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from himoya.public_site.legal import LegalDocumentPage


def legal_file(request: HttpRequest, page_id: int) -> FileResponse:
    page = (
        LegalDocumentPage.objects.live()
        .filter(pk=page_id, file__isnull=False)
        .select_related("file")
        .first()
    )
    if page is None or page.file is None:
        raise Http404
    document = page.file
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
