"""The case page: the panels every app registered on it (``himoya.cases.panels``), in
their order, for what the reader may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from himoya.cases import selectors
from himoya.cases.models import Case
from himoya.cases.panels import case_page
from himoya.core.policies import can
from himoya.core.views import staff_user


def case_page_response(
    request: HttpRequest,
    case: Case,
    *,
    forms: Mapping[str, Any] | None = None,
    open_section: str = "",
    status: int = 200,
) -> HttpResponse:
    """The case page; after a failed POST, ``forms`` are the bound forms to show again
    and ``open_section`` the anchor of the section they belong to."""
    user = staff_user(request)
    # The reader's rights, asked once for every panel (each is a query).
    shared = {
        "case": case,
        "can_edit": can(user, "case.edit", case),
        "can_note": can(user, "case.note", case),
        "can_manage": can(user, "case.manage", case),
        "open_section": open_section,
    }
    page = case_page.render(request, case, user=user, shared=shared, forms=forms)
    context = {
        **shared,
        "page": page,
        "main_panels": page.column("main"),
        "side_panels": page.column("side"),
    }
    return render(request, "cases/detail.html", context, status=status)


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.access_case(staff_user(request), pk)
    return case_page_response(request, case)
