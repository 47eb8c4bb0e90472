"""Staff pages for importing registers and for the yearly statistics (/staff/register/).

Thin: the rules live in ``cases.importing`` (jobs, validation, the import itself) and
``cases.stats`` (the numbers). Import jobs are reached only through the user's own
organisation, so another organisation's job answers 404.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himoya.accounts.models import Organisation
from himoya.cases import importing, stats
from himoya.cases.forms import country_label
from himoya.cases.models import ImportJob, Sex, Term
from himoya.core import uploads
from himoya.core.access import access_object
from himoya.core.policies import can

LANGUAGE_NAMES = {
    "ru": gettext_lazy("Russian"),
    "kk": gettext_lazy("Kazakh"),
    "tg": gettext_lazy("Tajik"),
    "en": gettext_lazy("English"),
    "uz": gettext_lazy("Uzbek"),
}


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
    if not can(request.user, "register.import", org):
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
                job = importing.job_create(
                    actor=request.user,
                    organisation=org,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("register:job", pk=job.pk)
        return _render_index(request, form, status=400)
    return _render_index(request, form)


def _render_index(
    request: HttpRequest, form: UploadForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    org = _importer(request)
    jobs = ImportJob.objects.filter(organisation=org).select_related("created_by")[:20]
    context = {"form": form, "error": error, "jobs": jobs, "limit_mb": importing.upload_limit_mb()}
    return render(request, "register/index.html", context, status=status)


def _job_context(job: ImportJob) -> dict[str, Any]:
    progress = importing.job_progress(job)
    return {
        "job": job,
        "progress": progress,
        "active": job.status in (ImportJob.Status.VALIDATING, ImportJob.Status.RUNNING),
        "more_errors": max(job.error_count - len(job.errors), 0),
    }


@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "register/job.html", _job_context(_job(request, pk)))


@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that htmx polls while the job is checked or imported."""
    return render(request, "register/_job_status.html", _job_context(_job(request, pk)))


@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    # Already started or no longer valid: the job page says which.
    with contextlib.suppress(ValidationError):
        importing.job_confirm(actor=request.user, job=job)
    return redirect("register:job", pk=job.pk)


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    importing.job_cancel(actor=request.user, job=job)
    return redirect("register:index")


# ---------------------------------------------------------------- statistics


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1900 <= year <= 2999 else timezone.localdate().year


def _report(request: HttpRequest, year: int) -> stats.Report:
    """Only the user's own organisation: ``stats.view`` refuses any other."""
    return stats.yearly_stats(actor=request.user, year=year, organisation=_organisation(request))


def _labelled(report: stats.Report) -> dict[str, Any]:
    """The report's maps with labels in the user's language, for the tables."""
    terms = {(t.vocabulary, t.code): t.label for t in Term.objects.all()}
    sexes = dict(Sex.choices)

    def rows(values: dict[str, int], label: Any) -> list[tuple[str, int]]:
        return [(str(label(key)), count) for key, count in values.items()]

    appeals, rehab = report["appeals"], report["rehabilitation"]
    return {
        "by_agency": rows(appeals["by_agency"], lambda k: terms.get(("agency", k), k)),
        "by_violation": rows(appeals["by_violation"], lambda k: terms.get(("violation", k), k)),
        "by_channel": rows(appeals["by_channel"], lambda k: terms.get(("channel", k), k)),
        "by_country": rows(appeals["by_country"], country_label),
        "by_sex": rows(appeals["by_sex"], lambda k: sexes.get(k, k)),
        "rehab_by_sex": rows(rehab["by_sex"], lambda k: sexes.get(k, k)),
        "by_language": rows(
            report["publications"]["by_language"], lambda k: LANGUAGE_NAMES.get(k, k)
        ),
    }


@require_GET
def stats_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    report = _report(request, year)
    context = {"report": report, "tables": _labelled(report), "year": year}
    return render(request, "register/stats.html", context)


@require_GET
def stats_download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    report = _report(request, year)
    name = f"himoya-stats-{year}"
    if fmt == "json":
        response = HttpResponse(stats.report_json(report), content_type="application/json")
    elif fmt == "csv":
        response = HttpResponse(stats.report_csv(report), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            stats.report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
