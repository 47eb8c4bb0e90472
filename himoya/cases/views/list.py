"""The case list (filters, search, pages) and its export."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from himoya.cases import exports, selectors
from himoya.cases.forms import (
    CaseFilterForm,
)
from himoya.core.audit import audit_record
from himoya.core.policies import can
from himoya.core.views import PAGE_SIZE, querystring, staff_user


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, filtered; htmx asks for the results part only."""
    user = staff_user(request)
    form = CaseFilterForm(request.GET or None, user=user)
    filters = form.filters() if form.is_bound else selectors.CaseFilters()
    sort = form.ordering() if form.is_bound else "-opened"
    page = selectors.case_list_page(
        user,
        filters,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        oldest_first=sort == "opened",
    )
    # A list shows names: which cases were on the screen is logged like a case view.
    audit_record(
        actor=user,
        action="case.list",
        data={
            "filters": exports.describe_filters(filters),
            "page": page.number,
            "cases": [case.pk for case in page.object_list],
        },
    )
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "ranked": bool(filters.q),
        "query": querystring(request),
        "sort_query": querystring(
            request, drop=("page", "sort"), sort="opened" if sort == "-opened" else "-opened"
        ),
        "export_query": querystring(request),
        "can_export": can(user, "case.export", user.organisation),
        "can_register": can(user, "appeal.register", user.organisation),
    }
    if request.htmx and request.htmx.target == "case-results":  # type: ignore[attr-defined]
        return render(request, "cases/_results.html", context)
    return render(request, "cases/list.html", context)


@require_GET
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The current filtered list as CSV or XLSX (see exports.case_export)."""
    user = staff_user(request)
    form = CaseFilterForm(request.GET, user=user)
    try:
        export = exports.case_export(
            actor=user, filters=form.filters(), fmt=fmt, order=form.ordering()
        )
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
