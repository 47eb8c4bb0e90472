"""Staff pages for importing an organisation's registers (cases, publications,
trainings).

Thin: the rules live in ``imports.services`` (validation, the import itself) and
``imports.jobs`` (the upload, confirming, cancelling); the check and the import
run in ``himoya worker`` (``imports.tasks``).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himoya.accounts.models import Organisation
from himoya.core import uploads
from himoya.core.access import access_object
from himoya.core.policies import can
from himoya.core.workers import live_workers
from himoya.imports import jobs
from himoya.imports.models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Register"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def _organisation(request: HttpRequest) -> Organisation:
    org = getattr(request.user, "organisation", None)
    if org is None:
        raise Http404
    return org


def _importer(request: HttpRequest) -> Organisation:
    org = _organisation(request)
    if not can(request.user, "imports.run", org):
        raise PermissionDenied
    return org


def _job(request: HttpRequest, pk: int) -> ImportJob:
    org = _importer(request)
    return access_object(ImportJob.objects.filter(organisation=org), pk, user=request.user)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return _render_index(request, UploadForm(), error=message, status=413)


@require_http_methods(["GET", "POST"])
@uploads.guarded_upload(uploads.REGISTER_IMPORT, refused=_refused, before=_importer)
def index(request: HttpRequest) -> HttpResponse:
    """Upload a register. An oversize file is refused while it streams in, before any
    of it is stored (``core.uploads``)."""
    org = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        refused = uploads.upload_refusal(request)
        if refused:
            return _refused(request, refused)
        if form.is_valid():
            try:
                uploads.check_upload(form.cleaned_data["file"], uploads.REGISTER_IMPORT)
            except ValidationError as exc:
                form.add_error("file", exc)
                return _render_index(request, form, status=400)
            try:
                job = jobs.job_create(
                    actor=request.user,
                    organisation=org,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("imports:job", pk=job.pk)
        return _render_index(request, form, status=400)
    return _render_index(request, form)


def _render_index(
    request: HttpRequest, form: UploadForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    org = _importer(request)
    recent = ImportJob.objects.filter(organisation=org).select_related("created_by")[:20]
    context = {"form": form, "error": error, "jobs": recent, "limit_mb": jobs.upload_limit_mb()}
    return render(request, "imports/index.html", context, status=status)


def _job_context(job: ImportJob) -> dict[str, Any]:
    job = jobs.job_given_up(job)
    active = job.status in jobs.ACTIVE
    return {
        "job": job,
        # From the database: any web process shows the same, whichever took the upload.
        "progress": jobs.job_progress(job),
        "active": active,
        "no_worker": active and live_workers() == 0,
        "more_errors": max(job.error_count - len(job.errors), 0),
    }


@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "imports/job.html", _job_context(_job(request, pk)))


@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that htmx polls while the job is checked or imported."""
    return render(request, "imports/_job_status.html", _job_context(_job(request, pk)))


@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    # Already started or no longer valid: the job page says which.
    with contextlib.suppress(ValidationError):
        jobs.job_confirm(actor=request.user, job=job)
    return redirect("imports:job", pk=job.pk)


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    jobs.job_cancel(actor=request.user, job=job)
    return redirect("imports:index")
