"""Letters of a case: list them, make one from a template, download its DOCX and PDF,
sign it off, register its dispatch and record the answer.

The same services as the staff pages: a letter is made only with the victims' consent
to sharing, signed off by a lawyer, and every file read is an audited download. The
dispatch and the answer are ``multipart/form-data`` so that the proof of sending and
the answer's scan travel with them; the file is taken under the same size guard as on
the staff pages, installed before the body is read when a token authenticated the call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import errors as ninja_errors

from himoya.api import schemas as s
from himoya.api.common import Refused, created, current_user
from himoya.cases.selectors import access_case
from himoya.core import uploads
from himoya.core.policies import can
from himoya.letters import selectors, services
from himoya.letters.corrections import letter_due_basis, with_due_basis
from himoya.letters.forms import AnswerForm, DispatchForm
from himoya.letters.generation import failure_reason
from himoya.letters.models import Generation, Letter, LetterTemplate

router = Router(tags=["letters"])


class RecipientRef(Schema):
    id: int
    name: str
    country: str
    legal_basis: str
    verified: bool


class TemplateRef(Schema):
    id: int
    code: str
    language: str
    version: int
    title: str


class LetterOut(Schema):
    id: int
    case: int
    recipient: RecipientRef
    template: TemplateRef
    status: str
    signed_at: dt.datetime | None
    sent_on: dt.date | None
    channel: str
    outgoing_number: str
    clock_at: RecipientRef | None
    due_on: dt.date | None
    # False when the due date was counted across a calendar correction nobody verified,
    # or through a year of the holiday calendar nobody checked; None without a due date.
    due_basis_verified: bool | None
    answered_on: dt.date | None
    outcome: str
    answer_note: str
    files: list[str]
    # "pending" until the worker made the DOCX and PDF, then "done"; "failed" with
    # generation_error saying why (a required field, the consent, the template).
    generation: str
    generation_error: str
    created_at: dt.datetime

    @staticmethod
    def resolve_case(letter: Letter) -> int:
        return letter.case_id

    @staticmethod
    def resolve_generation_error(letter: Letter) -> str:
        return failure_reason(letter) if letter.generation == Generation.FAILED else ""

    @staticmethod
    def resolve_due_basis_verified(letter: Letter) -> bool | None:
        if letter.due_on is None:
            return None
        # A list computes every letter's basis at once (``with_due_basis``), one read of
        # the corrections per country; a single letter reads them here.
        basis = getattr(letter, "due_basis", None)
        return (basis if basis is not None else letter_due_basis(letter)).verified

    @staticmethod
    def resolve_files(letter: Letter) -> list[str]:
        return [name for name in services.FILES if getattr(letter, name)]


class LetterIn(Schema):
    recipient: int
    template: int
    # The template's fields; those left out are filled from the case (victim, place,
    # dates, summary) as the staff page fills its form.
    data: dict[str, str] = {}


def _with_files(description: str, content_type: str) -> dict[str, Any]:
    # The key is the number, as ninja keeps its own responses: "200" beside 200 would be
    # two keys "200" in the JSON document, which Swagger UI refuses.
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def _multipart(fields: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": fields, "required": required}
                }
            },
        }
    }


DATE = {"type": "string", "format": "date"}
TEXT = {"type": "string"}
FILE = {"type": "string", "format": "binary"}


def _letter(request: HttpRequest, letter_id: int) -> Letter:
    return selectors.access_letter(current_user(request), letter_id)


@router.get(
    "/cases/{int:case_id}/letters",
    response={200: list[LetterOut], **s.ERRORS},
    operation_id="letter_list",
)
def letter_list(request: HttpRequest, case_id: int) -> list[Letter]:
    """The case's letters, newest first."""
    user = current_user(request)
    case = access_case(user, case_id)
    # The case's read is audited (case.view); a letter's list names no person.
    return with_due_basis(
        selectors.visible_letters(user)
        .filter(case=case)
        .select_related("recipient", "template", "clock_at")
    )


@router.post(
    "/cases/{int:case_id}/letters",
    response={201: LetterOut, **s.ERRORS},
    operation_id="letter_create",
)
def letter_create(request: HttpRequest, case_id: int, payload: LetterIn) -> Any:
    """Makes a draft letter from a template version for one of the recipients the case
    may write to (its country's and the UN's). Refused with 422 naming the missing
    consent or field. Its DOCX and PDF are made in the background: ``generation`` is
    ``pending`` until they are, and their downloads answer 409 ``not_ready``."""
    user = current_user(request)
    case = access_case(user, case_id, audit=False)
    if not can(user, "case.edit", case):
        raise PermissionDenied
    recipient = selectors.recipients_for(case).filter(pk=payload.recipient).first()
    template = LetterTemplate.objects.filter(pk=payload.template).first()
    errors = {}
    if recipient is None:
        errors["recipient"] = [_("Unknown recipient.")]
    if template is None:
        errors["template"] = [_("Unknown template.")]
    if errors or recipient is None or template is None:
        raise ValidationError(errors)
    data = {**services.case_prefill(case, recipient), **payload.data}
    letter = services.letter_create(
        actor=user, case=case, recipient=recipient, template=template, data=data
    )
    return created(selectors.access_letter(user, letter.pk))


@router.get(
    "/letters/{int:letter_id}",
    response={200: LetterOut, **s.ERRORS},
    operation_id="letter_get",
)
def letter_get(request: HttpRequest, letter_id: int) -> Letter:
    return _letter(request, letter_id)


def _download(request: HttpRequest, letter_id: int, which: str, content_type: str) -> Any:
    user = current_user(request)
    letter = _letter(request, letter_id)
    if letter.generation == Generation.PENDING:
        raise Refused(409, "not_ready", _("The letter's files are being prepared."))
    if letter.generation == Generation.FAILED:
        raise Refused(409, "failed", failure_reason(letter))
    handle = services.letter_file(actor=user, letter=letter, which=which)
    if handle is None:
        raise ninja_errors.HttpError(404, _("The letter has no such file."))
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{letter.case.number}-letter-{letter.pk}.{which}",
        content_type=content_type,
    )


@router.get(
    "/letters/{int:letter_id}/docx",
    response={200: None, **s.ERRORS},
    operation_id="letter_docx",
    openapi_extra=_with_files("The letter as a Word document.", uploads.DOCX.content_type),
)
def letter_docx(request: HttpRequest, letter_id: int) -> Any:
    """The letter as an editable Word document (an audited download)."""
    return _download(request, letter_id, "docx", uploads.DOCX.content_type)


@router.get(
    "/letters/{int:letter_id}/pdf",
    response={200: None, **s.ERRORS},
    operation_id="letter_pdf",
    openapi_extra=_with_files("The letter as a PDF.", "application/pdf"),
)
def letter_pdf(request: HttpRequest, letter_id: int) -> Any:
    """The letter as a PDF (an audited download)."""
    return _download(request, letter_id, "pdf", "application/pdf")


@router.post(
    "/letters/{int:letter_id}/sign",
    response={200: LetterOut, **s.ERRORS},
    operation_id="letter_sign",
)
def letter_sign(request: HttpRequest, letter_id: int) -> Letter:
    """A lawyer working on the case signs the draft off."""
    user = current_user(request)
    services.letter_sign(actor=user, letter=_letter(request, letter_id))
    return _letter(request, letter_id)


class RegenerateIn(Schema):
    # The template's fields to correct; those left out keep the value stored.
    data: dict[str, str] = {}


@router.post(
    "/letters/{int:letter_id}/regenerate",
    response={200: LetterOut, **s.ERRORS},
    operation_id="letter_regenerate",
)
def letter_regenerate(request: HttpRequest, letter_id: int, payload: RegenerateIn) -> Letter:
    """Makes a failed letter's DOCX and PDF again (``generation`` back to ``pending``),
    once what failed is fixed: the victims' consent recorded since, or the fields
    corrected in ``data``. Refused with 422 while the consent is still missing, a
    required field still empty, or the letter did not fail."""
    user = current_user(request)
    services.letter_regenerate(actor=user, letter=_letter(request, letter_id), data=payload.data)
    return _letter(request, letter_id)


def _form_input(request: HttpRequest, letter: Letter, policy: uploads.UploadPolicy) -> Any:
    """The body parsed under the upload guard when it is still unread (a token's
    call); a session's call had its body read by the CSRF check, within the global
    limit. Returns the refusal of an oversize file, if any."""
    if not can(current_user(request), "case.edit", letter.case):
        raise PermissionDenied
    if not hasattr(request, "_files"):
        request.upload_handlers = [
            uploads.UploadGuard(request, policy),
            *request.upload_handlers,
        ]
    request.POST  # noqa: B018  (parses the body under the guard)
    return uploads.upload_refusal(request)


def _too_large(message: str) -> Refused:
    return Refused(413, "too_large", message)


@router.post(
    "/letters/{int:letter_id}/dispatch",
    response={200: LetterOut, 413: s.ErrorOut, **s.ERRORS},
    operation_id="letter_dispatch",
    openapi_extra=_multipart(
        {"sent_on": DATE, "channel": TEXT, "outgoing_number": TEXT, "proof": FILE},
        ["sent_on", "channel"],
    ),
)
def letter_dispatch(request: HttpRequest, letter_id: int) -> Any:
    """Registers that the signed-off letter was sent (``sent_on``, ``channel``: post,
    email, portal, in_person; ``outgoing_number``; ``proof``, a PDF or an image) and
    computes when the answer is due."""
    user = current_user(request)
    letter = _letter(request, letter_id)
    refused = _form_input(request, letter, services.PROOF)
    if refused:
        raise _too_large(refused)
    form = DispatchForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    services.letter_dispatch(actor=user, letter=letter, **form.cleaned_data)
    return _letter(request, letter_id)


@router.post(
    "/letters/{int:letter_id}/answer",
    response={200: LetterOut, 413: s.ErrorOut, **s.ERRORS},
    operation_id="letter_answer",
    openapi_extra=_multipart(
        {
            "answered_on": DATE,
            "outcome": TEXT,
            "forwarded_to": {"type": "integer"},
            "note": TEXT,
            "answer": FILE,
        },
        ["answered_on", "outcome"],
    ),
)
def letter_answer(request: HttpRequest, letter_id: int) -> Any:
    """Records the answer (``answered_on``; ``outcome``: accepted, refused, forwarded,
    no_answer; ``forwarded_to``, a recipient's id, restarts the clock there; ``note``;
    ``answer``, its scan)."""
    user = current_user(request)
    letter = _letter(request, letter_id)
    refused = _form_input(request, letter, services.ANSWER)
    if refused:
        raise _too_large(refused)
    form = AnswerForm(request.POST, request.FILES, recipients=selectors.recipients_for(letter.case))
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    services.letter_answer(actor=user, letter=letter, **form.cleaned_data)
    return _letter(request, letter_id)
