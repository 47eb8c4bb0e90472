"""Staff pages of letters: write one from a case, its page (preview, downloads,
sign-off, dispatch, answer), the deadlines. Each write calls one service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himoya.cases import selectors as case_selectors
from himoya.cases.forms import add_service_errors
from himoya.core import uploads
from himoya.core.idempotency import submit_once
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.letters import panels, rendering, selectors, selfhelp, services
from himoya.letters.corrections import letter_due_basis, with_due_basis
from himoya.letters.forms import AnswerForm, ComposeForm, DispatchForm, StartForm
from himoya.letters.generation import failure_reason
from himoya.letters.models import Generation, Letter, LetterTemplate, Recipient


@require_http_methods(["GET", "POST"])
def letter_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Step one chooses recipient and template (``?recipient=&template=``); step two
    fills the fields, previews, and makes the letter."""
    user = staff_user(request)
    case = case_selectors.access_case(user, pk, audit=False)
    recipients = selectors.recipients_for(case)
    start = StartForm(request.GET or None, recipients=recipients, templates=_all_for(recipients))
    if not start.is_bound or not start.is_valid():
        return render(request, "letters/start.html", {"case": case, "form": start})
    recipient: Recipient = start.cleaned_data["recipient"]
    template: LetterTemplate = start.cleaned_data["template"]
    fields = rendering.parse_fields(template.fields)
    preview = None
    if request.method == "POST":
        form = ComposeForm(request.POST, fields=fields)
        if form.is_valid():
            data = {f.name: form.cleaned_data.get(f.name, "") for f in fields}
            if "preview" in request.POST:
                try:
                    generated = rendering.render_docx(bytes(template.content), data)
                    preview = mark_safe(rendering.preview_html(generated))  # noqa: S308
                except ValidationError as exc:
                    add_service_errors(form, exc)
            else:
                try:
                    made = submit_once(
                        request,
                        form.cleaned_data["form_token"],
                        lambda: services.letter_create(
                            actor=user, case=case, recipient=recipient, template=template, data=data
                        ),
                        lambda letter: reverse("letters:detail", args=[letter.pk]),
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    if isinstance(made, HttpResponse):
                        return made
                    messages.success(
                        request,
                        _(
                            "The letter is made; its files are being prepared. "
                            "A lawyer signs it off."
                        ),
                    )
                    return redirect("letters:detail", made.pk)
    else:
        form = ComposeForm(fields=fields, initial=services.case_prefill(case, recipient))
    return render(
        request,
        "letters/compose.html",
        {
            "case": case,
            "recipient": recipient,
            "template": template,
            "form": form,
            "preview": preview,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _all_for(recipients: Any) -> list[LetterTemplate]:
    out: dict[int, LetterTemplate] = {}
    for r in recipients:
        for t in selectors.templates_for(r):
            out[t.pk] = t
    return list(out.values())


def _detail(request: HttpRequest, letter: Letter, status: int = 200, **forms: Any) -> HttpResponse:
    user = staff_user(request)
    case = letter.case
    recipients = selectors.recipients_for(case)
    data = services.letter_data(letter)
    return render(
        request,
        "letters/detail.html",
        {
            "letter": letter,
            "case": case,
            "filled": [
                (f.label, data.get(f.name, ""))
                for f in rendering.parse_fields(letter.template.fields)
            ],
            "can_edit": can(user, "case.edit", case),
            "can_sign": can(user, "letters.sign", case),
            "dispatch_form": forms.get("dispatch_form")
            or DispatchForm(
                initial={"sent_on": timezone.localdate(), "channel": letter.recipient.channel}
            ),
            "answer_form": forms.get("answer_form")
            or AnswerForm(recipients=recipients, initial={"answered_on": timezone.localdate()}),
            "today": timezone.localdate(),
            "due_basis": letter_due_basis(letter),
            "failure": failure_reason(letter) if letter.generation == Generation.FAILED else "",
            "regenerate_form": forms.get("regenerate_form")
            or ComposeForm(
                fields=rendering.parse_fields(letter.template.fields), initial=data, once=False
            ),
        },
        status=status,
    )


@require_GET
def letter_files(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled part of a letter's page: its files, or that they are being made."""
    letter = selectors.access_letter(staff_user(request), pk)
    failure = failure_reason(letter) if letter.generation == Generation.FAILED else ""
    response = render(request, "letters/_files.html", {"letter": letter, "reason": failure})
    if request.headers.get("HX-Request") and letter.generation != Generation.PENDING:
        # The sign-off and the rest of the page depend on the files: htmx reloads it.
        response["HX-Refresh"] = "true"
    return response


@require_GET
def case_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled "Letters" panel of a case's page, while files are being made."""
    user = staff_user(request)
    case = case_selectors.access_case(user, pk, audit=False)
    context = panels.letters(request, case, {})
    context.update(case=case, can_edit=can(user, "case.edit", case))
    return render(request, "letters/panel.html", context)


@require_GET
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.access_letter(staff_user(request), pk)
    return _detail(request, letter)


@require_GET
def letter_download(request: HttpRequest, pk: int, which: str) -> FileResponse:
    user = staff_user(request)
    letter = selectors.access_letter(user, pk)
    if which not in services.FILES:
        raise Http404
    handle = services.letter_file(actor=user, letter=letter, which=which)
    if handle is None:
        raise Http404
    kind = uploads.sniff(handle)
    ext = kind.extension if kind else "bin"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{letter.case.number}-letter-{letter.pk}-{which}.{ext}",
        content_type=kind.content_type if kind else "application/octet-stream",
    )


@require_POST
def letter_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    letter = selectors.access_letter(user, pk)
    try:
        services.letter_sign(actor=user, letter=letter)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The letter is signed off."))
    return redirect("letters:detail", letter.pk)


@require_POST
def letter_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    """Makes a failed letter's files again, with the fields as corrected on its page."""
    user = staff_user(request)
    letter = selectors.access_letter(user, pk)
    fields = rendering.parse_fields(letter.template.fields)
    form = ComposeForm(request.POST, fields=fields, once=False)
    if form.is_valid():
        data = {f.name: form.cleaned_data.get(f.name, "") for f in fields}
        try:
            services.letter_regenerate(actor=user, letter=letter, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The letter's files are being made again."))
            return redirect("letters:detail", letter.pk)
    return _detail(request, letter, status=400, regenerate_form=form)


def _refused(request: HttpRequest, message: str, pk: int) -> HttpResponse:
    messages.error(request, message)
    return redirect("letters:detail", pk)


def _check_edit(request: HttpRequest, pk: int) -> None:
    user = staff_user(request)
    letter = selectors.access_letter(user, pk)
    if not can(user, "case.edit", letter.case):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


@require_POST
@uploads.guarded_upload(services.PROOF, refused=_refused, before=_check_edit)
def letter_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    letter = selectors.access_letter(user, pk)
    form = DispatchForm(request.POST, request.FILES)
    refusal = uploads.upload_refusal(request)
    if refusal:
        form.add_error("proof", refusal)
    elif form.is_valid():
        try:
            services.letter_dispatch(actor=user, letter=letter, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The dispatch is registered."))
            return redirect("letters:detail", letter.pk)
    return _detail(request, letter, status=400, dispatch_form=form)


@require_POST
@uploads.guarded_upload(services.ANSWER, refused=_refused, before=_check_edit)
def letter_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    letter = selectors.access_letter(user, pk)
    form = AnswerForm(request.POST, request.FILES, recipients=selectors.recipients_for(letter.case))
    refusal = uploads.upload_refusal(request)
    if refusal:
        form.add_error("answer", refusal)
    elif form.is_valid():
        try:
            services.letter_answer(actor=user, letter=letter, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("letters:detail", letter.pk)
    return _detail(request, letter, status=400, answer_form=form)


@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    rows = with_due_basis(selectors.waiting(user)[:500])
    return render(
        request,
        "letters/deadlines.html",
        {
            "letters": rows,
            "today": today,
            "soon": today + dt.timedelta(days=3),
            "can_batch": can(user, "letters.batch.create", None),
        },
    )


def _with_public_versions(templates: list[LetterTemplate]) -> list[LetterTemplate]:
    """Each current template with the version the public site offers (``offered``)."""
    offered = {(t.code, t.language): t for t in selfhelp.public_templates()}
    for t in templates:
        t.offered = offered.get((t.code, t.language))  # type: ignore[attr-defined]
    return templates


@require_GET
def recipients(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "letters/recipients.html",
        {
            "recipients": Recipient.objects.order_by("-active", "country", "kind", "name"),
            "templates": _with_public_versions(services.current_templates()),
            "can_manage_recipients": can(user, "letters.recipient.manage", None),
            "can_manage_templates": can(user, "letters.template.manage", None),
        },
    )
