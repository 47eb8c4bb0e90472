"""Registering an appeal (with a scanned letter), the duplicate hints while typing, and
the letter's download."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
from himoya.cases.office_forms import AppealOfficeForm
from himoya.cases.views.case_action import CaseAction, Data
from himoya.core import uploads
from himoya.core.access import access_object
from himoya.core.audit import audit_record
from himoya.core.idempotency import FIELD, submit_once
from himoya.core.policies import can
from himoya.core.views import staff_organisation, staff_user


def _checked_attachment(form: AppealForm) -> UploadedFile | None:
    """The uploaded letter under a random name (the original name may name a person),
    or None; adds an error to the form when it is not a PDF or an image."""
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return None
    try:
        accepted = uploads.check_upload(upload, uploads.APPEAL_LETTER)
    except ValidationError as exc:
        form.add_error("attachment", exc)
        return None
    upload.name = accepted.name
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
        office=data.get("office"),
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


def _may_register(request: HttpRequest) -> None:
    if not can(staff_user(request), "appeal.register", staff_organisation(request)):
        raise PermissionDenied  # before a byte of the body is read


def _letter_refused(request: HttpRequest, message: str) -> HttpResponse:
    # Refused before a byte of the body was read: nothing to check or keep.
    context = {"form": AppealForm(user=staff_user(request)), "refused": message}
    return render(request, "cases/appeal_form.html", context, status=413)


@require_http_methods(["GET", "POST"])
@uploads.guarded_upload(uploads.APPEAL_LETTER, refused=_letter_refused, before=_may_register)
def appeal_new(request: HttpRequest) -> HttpResponse:
    """Registers an appeal. The scanned letter is refused over the size limit while it
    streams in, before anything is stored (``core.uploads``)."""
    user = staff_user(request)
    organisation = staff_organisation(request)
    initial = {"attach_to": request.GET.get("case", "")[:30]}
    form = AppealForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    status = 200
    if request.method == "POST":
        refused = uploads.upload_refusal(request)
        if refused:
            form.add_error("attachment", refused)
        if form.is_valid():
            target = _attach_target(request, form)
            attachment = _checked_attachment(form)
            if form.is_valid():
                try:
                    # One registration per page: the Back button and a second submit
                    # lead to the case the first one opened (``core.idempotency``).
                    made = submit_once(
                        request,
                        form.cleaned_data[FIELD],
                        lambda: services.appeal_register(
                            actor=user,
                            organisation=organisation,
                            data=_appeal_input(form.cleaned_data),
                            case=target,
                            attachment=attachment,
                        ),
                        lambda appeal: reverse("cases:detail", args=[appeal.case_id]),
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    if isinstance(made, HttpResponse):
                        return made
                    appeal = made
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
    kind = uploads.sniff(handle)
    if kind is None or kind not in uploads.APPEAL_LETTER.kinds:
        content_type, ext = "application/octet-stream", "bin"
    else:
        content_type, ext = kind.content_type, kind.extension
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


@require_POST
def appeal_office(request: HttpRequest, pk: int, appeal_pk: int) -> HttpResponse:
    """Corrects which office received an appeal of the case."""
    action = CaseAction(request, pk, anchor="appeals")
    appeal = action.item(action.case.appeals.all(), appeal_pk)

    def perform(data: Data) -> None:
        services.appeal_change_office(actor=action.user, appeal=appeal, office=data["office"])

    form = AppealOfficeForm(request.POST, appeal=appeal)
    return action.submit(
        form,
        "appeal_office_form",
        perform,
        _("The appeal's office is recorded."),
        failed_appeal=appeal.pk,
    )
