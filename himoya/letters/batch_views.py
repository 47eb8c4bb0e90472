"""Staff pages of letter batches: choose recipient and template, pick the cases from a
filtered list, see which would fail and why, make them all; the batch's page shows how
far the worker got. Each write calls one service (``batches.letter_batch_create``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from himoya.cases.forms import add_service_errors
from himoya.core.idempotency import submit_once
from himoya.core.policies import can
from himoya.core.views import staff_user
from himoya.core.workers import live_workers
from himoya.letters import batches, rendering, selectors, services
from himoya.letters.forms import BatchForm, StartForm
from himoya.letters.generation import failure_reason
from himoya.letters.models import Generation, LetterTemplate, Recipient


@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest) -> HttpResponse:
    """Step one chooses recipient and template (``?recipient=&template=``); step two
    picks the cases (filtered by ``country`` and ``number``), checks them, makes them."""
    user = staff_user(request)
    if not can(user, "letters.batch.create", None):
        raise PermissionDenied
    recipients = Recipient.objects.filter(active=True)
    start = StartForm(
        request.GET or None, recipients=recipients, templates=services.current_templates()
    )
    if not start.is_bound or not start.is_valid():
        return render(request, "letters/batch_start.html", {"form": start})
    recipient: Recipient = start.cleaned_data["recipient"]
    template: LetterTemplate = start.cleaned_data["template"]
    pairing = None
    if recipient.kind not in template.kinds or template.language not in recipient.language_list:
        pairing = _(
            "This template is not written for this recipient, or not in a language it accepts."
        )
    country = request.GET.get("country", recipient.country or "")[:2].upper()
    number = request.GET.get("number", "")[:30]
    cases = batches.editable_cases(user, country=country, number=number)
    fields = rendering.parse_fields(template.fields)
    checked = None
    status = 200
    if request.method == "POST" and pairing is None:
        form = BatchForm(request.POST, fields=fields, cases=cases)
        if form.is_valid():
            common = {f.name: form.cleaned_data.get(f.name, "") for f in fields}
            chosen_ids = {int(pk) for pk in form.cleaned_data["cases"]}
            chosen = [c for c in cases if c.pk in chosen_ids]
            if "check" in request.POST:
                checked = batches.batch_check(chosen, recipient, template, common)
            else:
                try:
                    made = submit_once(
                        request,
                        form.cleaned_data["form_token"],
                        lambda: batches.letter_batch_create(
                            actor=user,
                            recipient=recipient,
                            template=template,
                            cases=chosen,
                            common=common,
                        ),
                        lambda batch: reverse("letters:batch", args=[batch.pk]),
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    if isinstance(made, HttpResponse):
                        return made
                    messages.success(
                        request, _("The letters are made; their files are being prepared.")
                    )
                    return redirect("letters:batch", made.pk)
        if form.errors:
            status = 400
    else:
        form = BatchForm(fields=fields, cases=cases)
    return render(
        request,
        "letters/batch_new.html",
        {
            "recipient": recipient,
            "template": template,
            "pairing": pairing,
            "form": form,
            "cases": cases,
            "country": country,
            "number": number,
            "checked": checked,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


def _batch_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = staff_user(request)
    batch = batches.access_batch(user, pk)
    progress = batches.batch_progress(batch)
    rows = list(
        selectors.visible_letters(user)
        .filter(batch=batch)
        .select_related("case", "template")
        .order_by("pk")
    )
    pending = progress[Generation.PENDING] > 0
    return {
        "batch": batch,
        "progress": progress,
        "letters": [
            (letter, failure_reason(letter) if letter.generation == Generation.FAILED else "")
            for letter in rows
        ],
        "pending": pending,
        "no_worker": pending and live_workers() == 0,
    }


@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "letters/batch.html", _batch_context(request, pk))


@require_GET
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled part of the batch's page."""
    return render(request, "letters/_batch_status.html", _batch_context(request, pk))
