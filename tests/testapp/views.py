"""Test-only views: an upload endpoint that stores into the encrypted default storage, so
the upload limit is exercised through a real request; and views under core.uploads' guard."""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse

from himoya.core.uploads import (
    APPEAL_LETTER,
    UploadPolicy,
    check_upload,
    guarded_upload,
    upload_refusal,
)
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


# Views under core.uploads' guard: a letter kept in memory, and the same kinds through
# Django's usual handlers (which spill a large file to a temporary file) for contrast.
SPILLING = replace(APPEAL_LETTER, in_memory=False)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return JsonResponse({"refused": message, "unread": True}, status=413)


def _not_for_mallory(request: HttpRequest) -> None:
    if request.GET.get("who") == "mallory":
        raise PermissionDenied


def _guarded(request: HttpRequest, policy: UploadPolicy) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse("form")
    refusal = upload_refusal(request)
    if refusal:
        body = {"refused": refusal, "name": request.POST.get("name"), "files": list(request.FILES)}
        return JsonResponse(body, status=413)
    upload = request.FILES["attachment"]
    try:
        accepted = check_upload(upload, policy)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages, "code": exc.code}, status=400)
    return JsonResponse(
        {
            "content_type": accepted.content_type,
            "name": accepted.name,
            "handler": type(upload).__name__,
            "name_field": request.POST.get("name"),
        },
        status=201,
    )


@guarded_upload(APPEAL_LETTER, refused=_refused, before=_not_for_mallory)
def guarded_letter(request: HttpRequest) -> HttpResponse:
    return _guarded(request, APPEAL_LETTER)


@guarded_upload(SPILLING, refused=_refused)
def guarded_spilling(request: HttpRequest) -> HttpResponse:
    return _guarded(request, SPILLING)
