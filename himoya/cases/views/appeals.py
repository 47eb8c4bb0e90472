"""Registering an appeal (with a scanned letter), the duplicate hints while typing, and
the letter's download."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himoya.accounts.models import User
from himoya.cases import selectors, services
from himoya.cases.forms import (
    AppealForm,
    DuplicateCheckForm,
    add_service_errors,
)
from himoya.cases.models import (
    Case,
)
from himoya.core.access import access_object
from himoya.core.audit import audit_record
from himoya.core.policies import can
from himoya.core.storage import LimitedUploadHandler
from himoya.core.views import staff_organisation, staff_user

_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"II*\x00", "image/tiff", "tif"),
    (b"MM\x00*", "image/tiff", "tif"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF or image from its first bytes, else None."""
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


class InMemoryUpload(MemoryFileUploadHandler):
    """Keeps an upload in memory up to the upload limit. Django's default handlers
    write anything over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file: a scanned
    letter would lie on disk in plain text before the encrypted storage gets it."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # noqa: N803
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        # LimitedUploadHandler, first in line, has refused anything larger already.
        self.activated = True


def _too_large_message() -> str:
    return _(
        "The file is larger than %(size)s and was not accepted; nothing was stored. "
        "Please fill in the form again and attach a smaller scan."
    ) % {"size": filesizeformat(settings.HIMOYA_MAX_UPLOAD_BYTES)}


def _checked_attachment(form: AppealForm) -> UploadedFile | None:
    """The uploaded letter under a random name (the original name may name a person),
    or None; adds an error to the form when it is not a PDF or an image."""
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return None
    if upload.size and upload.size > settings.HIMOYA_MAX_UPLOAD_BYTES:
        form.add_error("attachment", _too_large_message())
        return None
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        form.add_error("attachment", _("Upload a PDF file or an image (JPEG, PNG, TIFF)."))
        return None
    upload.name = f"{uuid.uuid4().hex}.{kind[1]}"
    return cast(UploadedFile, upload)


def _appeal_input(data: dict[str, Any]) -> services.AppealInput:
    victim = services.PersonInput(
        full_name=data["victim_name"],
        sex=data["victim_sex"],
        birth_date=data.get("victim_birth") or "",
        phone=data.get("victim_phone") or "",
        document_number=data.get("victim_document") or "",
    )
    applicant = None
    if data.get("applicant_name"):
        applicant = services.PersonInput(
            full_name=data["applicant_name"], phone=data.get("applicant_phone") or ""
        )
    return services.AppealInput(
        received_on=data["received_on"],
        channel=data["channel"],
        consent_processing=bool(data["consent_processing"]),
        consent_representation=bool(data.get("consent_representation")),
        content=data.get("content") or "",
        urgency=data["urgency"],
        victim=victim,
        # A ticked box says "minor"; unticked leaves it to the date of birth.
        victim_is_minor=True if data.get("victim_is_minor") else None,
        applicant=applicant,
        applicant_relation=data.get("applicant_relation") or "",
        country=data["country"],
        region=data.get("region"),
        facility=data.get("facility"),
        agency=data.get("agency") or "unknown",
        violations=list(data.get("violations") or []),
        events_from=data.get("events_from"),
        events_to=data.get("events_to"),
        summary=data.get("summary") or "",
        team=data.get("team"),
        lawyer=data.get("lawyer"),
    )


def _attach_target(request: HttpRequest, form: AppealForm) -> Case | None:
    """The case named in "attach to", if the user may edit it; else a form error."""
    number = (form.cleaned_data.get("attach_to") or "").strip()
    if not number:
        return None
    user = staff_user(request)
    case = selectors.visible_cases(user).filter(number__iexact=number).first()
    if case is None or not can(user, "case.edit", case):
        form.add_error("attach_to", _("There is no case with this number that you may add to."))
        return None
    return selectors.access_case(user, case.pk, audit=False)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    """Registers an appeal. The scanned letter is refused over the size limit while it
    streams in, before anything is stored: the upload handler is set before the body is
    read, which is why the CSRF check runs just after (in ``_appeal_new``)."""
    if not can(staff_user(request), "appeal.register", staff_organisation(request)):
        raise PermissionDenied  # before a byte of the body is read
    if request.method == "POST":
        request.upload_handlers = [LimitedUploadHandler(request), InMemoryUpload(request)]
        try:
            request.POST  # noqa: B018  (reads the body under the handler above)
        except (StopUpload, RequestDataTooBig):
            # Refused before a byte of the body was read: nothing to check or keep. No
            # state changes, so the unread CSRF token does not matter here.
            request._mark_post_parse_error()  # type: ignore[attr-defined]
            context = {
                "form": AppealForm(user=staff_user(request)),
                "refused": _too_large_message(),
            }
            return render(request, "cases/appeal_form.html", context, status=413)
    return _appeal_new(request)


@csrf_protect
def _appeal_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    organisation = staff_organisation(request)
    initial = {"attach_to": request.GET.get("case", "")[:30]}
    form = AppealForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    status = 200
    if request.method == "POST":
        refused = getattr(request, "himoya_upload_refused", None)
        if refused:
            form.add_error("attachment", _too_large_message())
        if form.is_valid():
            target = _attach_target(request, form)
            attachment = _checked_attachment(form)
            if form.is_valid():
                try:
                    appeal = services.appeal_register(
                        actor=user,
                        organisation=organisation,
                        data=_appeal_input(form.cleaned_data),
                        case=target,
                        attachment=attachment,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    if target is None:
                        text = _("The appeal is registered and case %(number)s is opened.")
                    else:
                        text = _("The appeal is registered in case %(number)s.")
                    messages.success(request, text % {"number": appeal.case.number})
                    return redirect("cases:detail", pk=appeal.case_id)
        status = 413 if refused else 400
    return render(request, "cases/appeal_form.html", {"form": form}, status=status)


@require_POST
def duplicate_hints(request: HttpRequest) -> HttpResponse:
    """While the appeal form is typed: cases the user may see in which a person with
    the same name, phone or document number already appears. (POST, so the typed
    details never land in a URL or an access log.)"""
    user = staff_user(request)
    form = DuplicateCheckForm(request.POST)
    hints: list[dict[str, Any]] = []
    if form.is_valid() and user.organisation_id:
        data = form.cleaned_data
        checks = (
            ("victim", data["victim_name"], data["victim_phone"], data["victim_document"]),
            ("applicant", data["applicant_name"], data["applicant_phone"], ""),
        )
        for who, name, phone, document in checks:
            for hint in selectors.person_duplicates(
                user, full_name=name, phone=phone, document_number=document
            ):
                hints.append(
                    {
                        "text": _hint_text(who, hint.field, len(hint.case_numbers)),
                        "cases": _cases_by_number(user, hint.case_numbers),
                    }
                )
    if hints:
        # A hint tells where a phone or a name appears: logged, with the cases named.
        audit_record(
            actor=user,
            action="person.duplicates",
            data={
                "fields": sorted(k for k, v in form.cleaned_data.items() if v),
                "cases": sorted({c.pk for hint in hints for c in hint["cases"]}),
            },
        )
    return render(request, "cases/_duplicates.html", {"hints": hints})


def _hint_text(who: str, field: str, count: int) -> str:
    if who == "victim":
        texts = {
            "full_name": ngettext(
                "A person with this name already appears in case",
                "A person with this name already appears in cases",
                count,
            ),
            "phone": ngettext(
                "This phone number already appears in case",
                "This phone number already appears in cases",
                count,
            ),
            "document_number": ngettext(
                "This document number already appears in case",
                "This document number already appears in cases",
                count,
            ),
        }
    else:
        texts = {
            "full_name": ngettext(
                "The applicant's name already appears in case",
                "The applicant's name already appears in cases",
                count,
            ),
            "phone": ngettext(
                "The applicant's phone number already appears in case",
                "The applicant's phone number already appears in cases",
                count,
            ),
            "document_number": "",
        }
    return texts.get(field, "")


def _cases_by_number(user: User, numbers: list[str]) -> list[Case]:
    return list(selectors.visible_cases(user).filter(number__in=numbers).order_by("number"))


@require_GET
def appeal_letter(request: HttpRequest, pk: int, appeal_pk: int) -> FileResponse:
    """The scanned letter of an appeal, decrypted, as a download (never shown inline)
    with a content type taken from its content; the download is audit-logged."""
    user = staff_user(request)
    case = selectors.access_case(user, pk, audit=False)
    appeal = access_object(case.appeals.all(), appeal_pk, user=user)
    if not appeal.attachment:
        raise Http404
    handle = appeal.attachment.open("rb")
    kind = sniff(handle.read(16))
    handle.seek(0)
    content_type, ext = kind if kind else ("application/octet-stream", "bin")
    audit_record(
        actor=user,
        action="appeal.download",
        obj=appeal,
        organisation=case.organisation,
        data={"case": case.pk},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{case.number}-appeal-{appeal.pk}.{ext}",
        content_type=content_type,
    )
    return response
