"""Test-only views: an upload endpoint that stores into the encrypted default storage, so
the upload limit is exercised through a real request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from tests.testapp.models import Secret


def upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    # Reading FILES parses the body; only then does the upload handler know the size.
    upload = request.FILES.get("attachment")
    refused = getattr(request, "himoya_upload_refused", None)
    if refused is not None:
        return JsonResponse({"refused": refused}, status=413)
    if upload is None:
        return JsonResponse({"error": "no file"}, status=400)
    secret = Secret(name=request.POST.get("name", ""))
    secret.attachment.save(upload.name, upload, save=False)
    secret.save()
    return JsonResponse({"pk": secret.pk, "name": secret.attachment.name}, status=201)
