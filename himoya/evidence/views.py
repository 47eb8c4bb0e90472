"""Evidence pages: the upload from the case page, an item's page (its working copy,
what was told about it, its chain of custody), the files themselves, and redaction.

No file is served by URL: every response comes from here, after the case's access check
and the evidence policy, and every look at an item's picture and every download is a
custody entry. Originals are only ever downloaded (``Content-Disposition: attachment``)
under a name that says nothing of their content, and what a browser would run or unpack
(SVG, HTML, archives) under a type it does not render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himoya.cases.forms import add_service_errors
from himoya.cases.views.case_action import CaseAction
from himoya.core import uploads
from himoya.core.events import Names, sentence
from himoya.core.idempotency import FIELD, submit_once
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.evidence import files, kinds, selectors, services
from himoya.evidence.forms import EvidenceForm, PurposeForm, RedactForm
from himoya.evidence.models import CopyKind, EvidenceItem, WorkingCopy
from himoya.evidence.receiving import (
    ORGANISATION_ATTR,
    SealedUploadedFile,
    discarding_unclaimed,
    handler_of,
)

ANCHOR = "evidence"


def _may_add(request: HttpRequest, pk: int) -> None:
    """Before a byte of the body is read: the case (404) and the right to add (403)."""
    user = staff_user(request)
    case = selectors.access_case_evidence(user, pk)
    if not can(user, "evidence.add", case):
        raise PermissionDenied
    setattr(request, ORGANISATION_ATTR, case.organisation_id)


def _refused(request: HttpRequest, message: str, pk: int) -> HttpResponse:
    messages.error(request, message)
    response = redirect(f"{reverse('cases:detail', args=[pk])}#{ANCHOR}")
    response.status_code = 303
    return response


@require_http_methods(["POST"])
@discarding_unclaimed
@uploads.guarded_upload(services.EVIDENCE, refused=_refused, before=_may_add)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor=ANCHOR)
    form = EvidenceForm(request.POST, request.FILES)
    refused = uploads.upload_refusal(request)
    if refused:
        form.add_error("file", refused)
    if form.is_valid():
        data = form.cleaned_data
        received = data["file"]
        if not isinstance(received, SealedUploadedFile):
            raise RuntimeError("the evidence upload bypassed the sealing handler")
        capture = services.Capture(
            by=data["captured_by"],
            when=data["captured_when"],
            where=data["captured_where"],
            description=data["description"],
        )
        try:
            made = submit_once(
                request,
                data[FIELD],
                lambda: services.evidence_receive(
                    actor=action.user,
                    case=action.case,
                    source=received.sealed,
                    capture=capture,
                    sealed_by=handler_of(request),
                ),
                lambda item: action.url(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if isinstance(made, HttpResponse):
                return made
            messages.success(
                request,
                _("Evidence item %(item)s is received; its SHA-256 is recorded.")
                % {"item": made.label},
            )
            return action.back()
    response = action.invalid({"evidence_form": form})
    if refused:
        response.status_code = 413
    return response


def _item(request: HttpRequest, pk: int, item_pk: int) -> tuple[Any, EvidenceItem]:
    user = staff_user(request)
    case = selectors.access_case_evidence(user, pk)
    return user, selectors.access_item(user, case, item_pk)


@require_GET
def item_page(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, item = _item(request, pk, item_pk)
    return _item_response(request, user, item, RedactForm())


def _item_response(
    request: HttpRequest, user: Any, item: EvidenceItem, redact_form: RedactForm, status: int = 200
) -> HttpResponse:
    history = list(selectors.custody_history(item))
    names = Names()
    for event in history:
        event.sentence = sentence(event.action, event.data, names)  # type: ignore[attr-defined]
    context = {
        "case": item.case,
        "item": item,
        "viewing": selectors.viewing_copy(item),
        "clean": selectors.latest_copy(item, CopyKind.CLEAN),
        "copies": list(item.copies.exclude(kind=CopyKind.THUMBNAIL)),
        "history": history,
        "purpose_form": PurposeForm(),
        "redact_form": redact_form,
        "can_add": can(user, "evidence.add", item.case),
        "inert": item.content_type in {k.content_type for k in kinds.INERT},
    }
    return render(request, "evidence/item.html", context, status=status)


def _send(reader: Any, *, content_type: str, filename: str, inline: bool) -> FileResponse:
    response = FileResponse(
        reader, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even a file a browser opened by itself runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def _copy(item: EvidenceItem, copy_pk: Any) -> WorkingCopy:
    try:
        return item.copies.get(pk=int(copy_pk))
    except (WorkingCopy.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


@require_GET
def copy_file(
    request: HttpRequest, pk: int, item_pk: int, copy_pk: int
) -> HttpResponse | FileResponse:
    """A working copy shown in the page (pictures made here: JPEG or PNG). Looking at it
    is a custody entry; a thumbnail is not the evidence and is not one."""
    user, item = _item(request, pk, item_pk)
    copy = _copy(item, copy_pk)
    if copy.kind != CopyKind.THUMBNAIL:
        services.custody_record(
            actor=user, item=item, action="evidence.view", purpose="review", what=copy.kind
        )
    reader = files.open_plain(copy.stored_name, services.copy_binding(copy))
    inline = copy.content_type in ("image/jpeg", "image/png")
    name = f"{item.label}-{copy.kind}.{copy.extension}"
    return _send(reader, content_type=copy.content_type, filename=name, inline=inline)


@require_GET
def download(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse | FileResponse:
    """The original, or a working copy (``what`` = its id), always as an attachment,
    with why it was needed (``purpose``) on the chain of custody."""
    user, item = _item(request, pk, item_pk)
    form = PurposeForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose why you need the file."))
        return redirect("evidence:item", pk=pk, item_pk=item_pk)
    what = form.cleaned_data["what"] or "original"
    if what == "original":
        name, aad, ctype = item.stored_name, services.item_aad(item), item.content_type
        filename = f"{item.label}-original.{item.extension}"
        label = "original"
    else:
        copy = _copy(item, what)
        name, aad, ctype = copy.stored_name, services.copy_binding(copy), copy.content_type
        filename = f"{item.label}-{copy.kind}-{copy.pk}.{copy.extension}"
        label = copy.kind
    services.custody_record(
        actor=user,
        item=item,
        action="evidence.download",
        purpose=form.cleaned_data["purpose"],
        what=label,
    )
    reader = files.open_plain(name, aad)
    return _send(reader, content_type=kinds.served_type(ctype), filename=filename, inline=False)


@require_POST
def redact(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, item = _item(request, pk, item_pk)
    form = RedactForm(request.POST)
    if form.is_valid():
        try:
            services.evidence_redact(actor=user, item=item, regions=form.cleaned_data["regions"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("A redacted working copy is made; the original is unchanged.")
            )
            return redirect("evidence:item", pk=pk, item_pk=item_pk)
    return _item_response(request, user, item, form, status=400)
