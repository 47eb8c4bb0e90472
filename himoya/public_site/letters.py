"""Letter templates for people who write on their own: the list of what coordinators
put on the public site, and a form per template that hands back the filled letter as
DOCX or PDF (``letters.selfhelp.self_help_letter``, the generation cases use).

What a visitor types is used for the one response and dropped: no row, no file, no
audit event, no log line carries it, and nothing is cached (``no-store``). Like the
help form, the form needs no cookie (no CSRF token: it acts for nobody, and a
cross-site post is refused by its Origin) and is protected by a honeypot, a signed time
token and a rate limit per hashed address."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from himoya.core import uploads
from himoya.letters import rendering
from himoya.letters.selfhelp import public_template, public_templates, self_help_letter
from himoya.public_site import spam
from himoya.public_site.letter_forms import SelfHelpLetterForm
from himoya.public_site.views import _context, _same_origin

RATE_ACTION = "public_letter"
PDF = "application/pdf"


def letter_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "public_site/letters.html", _context(request, templates=public_templates())
    )


def _refusal(request: HttpRequest) -> tuple[int, str]:
    """The status and reason this submission is refused before its fields are read,
    or (0, "")."""
    if not _same_origin(request):
        return 400, _("The form was sent from another site and was refused.")
    if wait := spam.rate_limited(
        request, action=RATE_ACTION, rates=settings.HIMOYA_LETTER_RATE_LIMIT
    ):
        minutes = max(1, -(-wait // 60))
        return 429, ngettext(
            "Too many letters were made from your connection. Please try again in "
            "%(minutes)d minute.",
            "Too many letters were made from your connection. Please try again in "
            "%(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    if request.POST.get(spam.HONEYPOT):
        return 400, _("This field must stay empty.")
    problem = spam.time_token_problem(request.POST.get(spam.TIME_FIELD, ""))
    if problem == "fast":
        return 400, _("The form was sent very quickly. Please check it and send it again.")
    if problem:
        return 400, _("The form was open for too long. Please check it and send it again.")
    return 0, ""


@csrf_exempt
def letter_form(request: HttpRequest, pk: int) -> HttpResponse:
    template = public_template(pk)
    if template is None:
        raise Http404
    fields = rendering.parse_fields(template.fields)
    status = 200
    if request.method == "POST":
        form = SelfHelpLetterForm(request.POST, fields=fields)
        status = 400
        refused, refusal = _refusal(request)
        if refused:
            status = refused
            form.add_error(None, refusal)
        elif form.is_valid():
            try:
                made = self_help_letter(template, form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return _download(template.code, form.cleaned_data["file_format"], made)
        form.renew_time_token()
    else:
        form = SelfHelpLetterForm(fields=fields)
    context = _context(request, template=template, form=form)
    return render(request, "public_site/letter_form.html", context, status=status)


def _download(code: str, file_format: str, made: rendering.Generated) -> HttpResponse:
    if file_format == "docx":
        response = HttpResponse(made.docx, content_type=uploads.DOCX.content_type)
    else:
        response = HttpResponse(made.pdf, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{code}.{file_format}"'
    # The letter carries what the person typed: no cache anywhere keeps it.
    response["Cache-Control"] = "no-store"
    return response
