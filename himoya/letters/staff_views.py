"""Pages where the shared data of letters is kept: reference stewards add, correct and
retire recipients (``letters.recipient.manage``); coordinators and stewards upload the
next version of a template (``letters.template.manage``) and put a version on the public
site or take it off. Everyone else is refused
(403). Each write calls one service; a template the sandbox refuses is shown with the
line it failed on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himoya.accounts.models import User
from himoya.core import uploads
from himoya.core.forms import add_service_errors
from himoya.core.idempotency import submit_once
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.letters import selfhelp, services
from himoya.letters.models import LetterTemplate, Recipient
from himoya.letters.staff_forms import RecipientForm, TemplateUploadForm


def _allowed(request: HttpRequest, action: str) -> User:
    user = staff_user(request)
    if not can(user, action, None):
        raise PermissionDenied
    return user


def _recipient_page(
    request: HttpRequest, form: RecipientForm, obj: Recipient | None
) -> HttpResponse:
    title = _("Edit the recipient") if obj else _("Add a recipient")
    return render(
        request,
        "letters/recipient_edit.html",
        {"form": form, "title": title, "obj": obj},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def recipient_new(request: HttpRequest) -> HttpResponse:
    user = _allowed(request, "letters.recipient.manage")
    form = RecipientForm(request.POST or None, initial={"languages": "ru", "active": True})
    if request.method == "POST" and form.is_valid():
        try:
            made = submit_once(
                request,
                form.cleaned_data["form_token"],
                lambda: services.recipient_save(actor=user, **form.values()),
                lambda _r: reverse("letters:recipients"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if isinstance(made, HttpResponse):
                return made
            messages.success(request, _("%(name)s is added.") % {"name": made.name})
            return redirect(f"{reverse('letters:recipients')}#recipient-{made.pk}")
    return _recipient_page(request, form, None)


@require_http_methods(["GET", "POST"])
def recipient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _allowed(request, "letters.recipient.manage")
    recipient = get_object_or_404(Recipient, pk=pk)
    initial = {name: getattr(recipient, name) for name in services.RECIPIENT_FIELDS}
    form = RecipientForm(request.POST or None, initial=initial, once=False)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.recipient_save(actor=user, recipient=recipient, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect(f"{reverse('letters:recipients')}#recipient-{saved.pk}")
    return _recipient_page(request, form, recipient)


def _check_template_manager(request: HttpRequest) -> None:
    _allowed(request, "letters.template.manage")


def _upload_refused(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("letters:template_upload")


@require_http_methods(["GET", "POST"])
@uploads.guarded_upload(services.TEMPLATE, refused=_upload_refused, before=_check_template_manager)
def template_upload(request: HttpRequest) -> HttpResponse:
    """A new template, or (``?from=<pk>``) the next version of one, its description
    filled in from the version it follows."""
    user = _allowed(request, "letters.template.manage")
    base = None
    if request.GET.get("from", "").isdigit():
        base = LetterTemplate.objects.filter(pk=int(request.GET["from"])).first()
    initial: dict[str, Any] = {}
    if base is not None:
        initial = {
            "code": base.code,
            "language": base.language,
            "title": base.title,
            "recipient_kinds": base.kinds,
            "field_list": base.fields,
            "source": base.source,
        }
    form = TemplateUploadForm(request.POST or None, request.FILES or None, initial=initial)
    refusal = uploads.upload_refusal(request)
    if refusal:
        form.add_error("document", refusal)
    elif request.method == "POST" and form.is_valid():
        made = _upload(request, form, user)
        if isinstance(made, HttpResponse):
            return made
        if made is not None:
            messages.success(
                request,
                _("Version %(version)s of “%(title)s” is uploaded.")
                % {"version": made.version, "title": made.title},
            )
            return redirect(f"{reverse('letters:recipients')}#template-{made.pk}")
    return render(
        request,
        "letters/template_upload.html",
        {"form": form, "base": base},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def template_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A template version as a Word document, to edit it into the next one. A blank
    form holds no personal data: any staff member may read it."""
    staff_user(request)
    template = get_object_or_404(LetterTemplate, pk=pk)
    response = HttpResponse(bytes(template.content), content_type=uploads.DOCX.content_type)
    name = f"{template.code}.{template.language}.v{template.version}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _upload(
    request: HttpRequest, form: TemplateUploadForm, user: User
) -> LetterTemplate | HttpResponse | None:
    """The upload through the service; None with the refusal put on the form."""
    d = form.cleaned_data
    try:
        accepted = uploads.check_upload(d["document"], services.TEMPLATE)
    except ValidationError as exc:
        form.add_error("document", exc)
        return None
    try:
        return submit_once(
            request,
            d["form_token"],
            lambda: services.template_upload(
                actor=user,
                code=d["code"],
                language=d["language"],
                title=d["title"],
                recipient_kinds=list(d["recipient_kinds"]),
                fields=d["field_list"],
                content=accepted.file.read(),
                source=d["source"],
            ),
            lambda _t: reverse("letters:recipients"),
        )
    except ValidationError as exc:
        # A refused template names its line: shown above the form.
        add_service_errors(form, exc, {"fields": "field_list"})
        return None


@require_POST
def template_public(request: HttpRequest, pk: int) -> HttpResponse:
    """Puts a template version on the public site for people who write on their own, or
    takes it off (``letters.template.manage``)."""
    user = _allowed(request, "letters.template.manage")
    template = get_object_or_404(LetterTemplate, pk=pk)
    public = request.POST.get("public") == "1"
    selfhelp.template_set_public(actor=user, template=template, public=public)
    messages.success(
        request,
        _("The template is on the public site.")
        if public
        else _("The template is no longer on the public site."),
    )
    return redirect(f"{reverse('letters:recipients')}#template-{template.pk}")
