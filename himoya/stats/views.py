"""The statistics staff page: an organisation's yearly figures and their downloads."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from himoya.cases.models import Sex
from himoya.core.views import staff_organisation
from himoya.outreach.models import Audience, Office
from himoya.reference.forms import country_label
from himoya.reference.models import Region, Term
from himoya.stats import report as stats
from himoya.stats.breakdowns import NO_OFFICE, NO_REGION

LANGUAGE_NAMES = {
    "ru": gettext_lazy("Russian"),
    "kk": gettext_lazy("Kazakh"),
    "tg": gettext_lazy("Tajik"),
    "en": gettext_lazy("English"),
    "uz": gettext_lazy("Uzbek"),
}


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1900 <= year <= 2999 else timezone.localdate().year


def _report(request: HttpRequest, year: int, *, page: bool = False) -> stats.Report:
    """Only the user's own organisation: ``stats.view`` refuses any other. The downloads
    are the contract's report (shared/interchange.md: CSV and XLSX are "the same
    report"); the page adds the appeals by place of detention and by office."""
    return stats.yearly_stats(
        actor=request.user,
        year=year,
        organisation=staff_organisation(request),
        places=page,
        offices=page,
    )


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
        **_outreach_and_places(report, terms),
        **_offices(report),
    }


def _offices(report: stats.Report) -> dict[str, Any]:
    """The appeals by office (head office first, as the offices are listed) and by the
    office's region (by name), each with its "not recorded" rows last."""
    block = report.get("offices", {})
    by_office, by_region = block.get("by_office", {}), block.get("by_region", {})
    none = str(gettext_lazy("no office recorded"))
    offices = Office.objects.filter(pk__in=[int(k) for k in by_office if k.isdigit()])
    office_rows = [(o.name, by_office[str(o.pk)]) for o in offices]
    regions = Region.objects.filter(pk__in=[int(k) for k in by_region if k.isdigit()])
    region_rows = sorted((str(r), by_region[str(r.pk)]) for r in regions)
    if NO_REGION in by_region:
        region_rows.append(
            (str(gettext_lazy("office's region not recorded")), by_region[NO_REGION])
        )
    for rows, counts in ((office_rows, by_office), (region_rows, by_region)):
        if NO_OFFICE in counts:
            rows.append((none, counts[NO_OFFICE]))
    return {"by_office": office_rows, "by_office_region": region_rows}


def _outreach_and_places(report: stats.Report, terms: dict[tuple[str, str], str]) -> dict[str, Any]:
    audiences = dict(Audience.choices)
    held = {
        "men": gettext_lazy("men"),
        "women": gettext_lazy("women"),
        "minors": gettext_lazy("minors"),
    }
    places = report.get("places", {})

    def kind(code: str) -> str:
        return str(terms.get(("facility_type", code), gettext_lazy("type not known")))

    def type_held(key: str) -> str:
        code, _sep, group = key.partition(":")
        return f"{kind(code)}: {held.get(group, group)}"

    return {
        "by_audience": [
            (str(audiences.get(k, k)), n) for k, n in report["trainings"]["by_audience"].items()
        ],
        "by_facility_type": [(kind(k), n) for k, n in places.get("by_type", {}).items()],
        "by_held": [(str(held.get(k, k)), n) for k, n in places.get("by_held", {}).items()],
        "by_type_held": [(type_held(k), n) for k, n in places.get("by_type_held", {}).items()],
        "by_place": list(places.get("by_place", {}).items()),
    }


@require_GET
def stats_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    report = _report(request, year, page=True)
    context = {"report": report, "tables": _labelled(report), "year": year}
    return render(request, "stats/stats.html", context)


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
