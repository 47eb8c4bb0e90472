"""The case list (filters, search, pages) and its export.

The search box posts its words; every URL of the list carries the other filters and a
search token instead (``himoya.core.searches``), so no name reaches an access log or
the browser's history.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from himoya.cases import exports, selectors
from himoya.cases.forms import (
    CaseFilterForm,
)
from himoya.cases.list_audit import log_list_view
from himoya.core import searches
from himoya.core.policies import can
from himoya.core.views import PAGE_SIZE, staff_user

SEARCH = "search"


def _filter_form(request: HttpRequest) -> tuple[CaseFilterForm, str, bool]:
    """The list's filters from a posted form or from the URL, the search token that
    stands for their words ("" without words), and whether the URL named a search the
    session no longer keeps. Words found in a URL are not used."""
    user = staff_user(request)
    lost = False
    source = request.POST if request.method == "POST" else request.GET
    data = QueryDict(mutable=True)
    for name in CaseFilterForm.base_fields:
        if name != "q" and source.getlist(name):
            data.setlist(name, source.getlist(name))
    if request.method == "POST":
        data["q"] = source.get("q", "")
    else:
        if source.get("q"):
            messages.warning(
                request,
                _("Searches are sent with the form, never in the address: enter the words again."),
            )
        token = source.get(SEARCH, "")
        words = searches.recall(request.session, token)
        lost = bool(token) and words is None
        if lost:
            messages.warning(request, _("That search ended with your session: enter it again."))
        data["q"] = words or ""
    form = CaseFilterForm(data if (data or request.method == "POST") else None, user=user)
    filters = form.filters() if form.is_bound else selectors.CaseFilters()
    token = searches.remember(request.session, filters.q) if filters.q else ""
    return form, token, lost


def _list_query(form: CaseFilterForm, token: str, **extra: str) -> str:
    """The list's filters as a query string: codes, ids and dates, and the search token
    in place of the words."""
    params = QueryDict(mutable=True)
    if isinstance(form.data, QueryDict):  # bound (by _filter_form, always to a QueryDict)
        for name in form.fields:
            values = [v for v in form.data.getlist(name) if v] if name != "q" else []
            if values:
                params.setlist(name, values)
    if token:
        params[SEARCH] = token
    for name, value in extra.items():
        params[name] = value
    return params.urlencode()


@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, filtered. A posted search goes to the list's address
    with its token (htmx: the results part, with that address pushed into the history)."""
    user = staff_user(request)
    form, token, _lost = _filter_form(request)
    query = _list_query(form, token)
    address = reverse("cases:list") + (f"?{query}" if query else "")
    htmx_results = request.htmx and request.htmx.target == "case-results"  # type: ignore[attr-defined]
    if request.method == "POST" and not htmx_results:
        return HttpResponseRedirect(address, status=303)
    filters = form.filters() if form.is_bound else selectors.CaseFilters()
    sort = form.ordering() if form.is_bound else "-opened"
    page = selectors.case_list_page(
        user,
        filters,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        oldest_first=sort == "opened",
    )
    # A list shows names: which cases were on the screen is logged like a case view,
    # once per visit (himoya.cases.list_audit).
    log_list_view(
        request,
        actor=user,
        filters=exports.describe_filters(filters, organisation_id=user.organisation_id),
        page=page.number,
        cases=[case.pk for case in page.object_list],
    )
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "ranked": bool(filters.q),
        "query": query,
        "sort_query": _list_query(form, token, sort="opened" if sort == "-opened" else "-opened"),
        "export_query": query,
        "can_export": can(user, "case.export", user.organisation),
        "can_register": can(user, "appeal.register", user.organisation),
    }
    if htmx_results:
        response = render(request, "cases/_results.html", context)
        if request.method == "POST":
            response["HX-Push-Url"] = address
        return response
    return render(request, "cases/list.html", context)


@require_GET
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The current filtered list as CSV or XLSX (see exports.case_export); a search
    comes as the list's token."""
    user = staff_user(request)
    form, token, lost = _filter_form(request)
    if lost:
        # Without its words the export would hand out the whole list: back to the list.
        query = _list_query(form, token)
        return redirect(reverse("cases:list") + (f"?{query}" if query else ""))
    try:
        export = exports.case_export(
            actor=user, filters=form.filters(), fmt=fmt, order=form.ordering()
        )
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
