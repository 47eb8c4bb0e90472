"""Staff pages of the registries of places of detention and partner organisations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from himoya.core.forms import add_service_errors
from himoya.core.policies import can
from himoya.core.views import PAGE_SIZE, querystring, staff_organisation, staff_user
from himoya.reference import selectors, services
from himoya.reference.forms import FacilityFilterForm, FacilityForm, PartnerForm
from himoya.reference.models import Partner


@require_http_methods(["GET", "POST"])
def facility_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    may_add = can(user, "facility.manage")
    filters = FacilityFilterForm(request.GET or None)
    qs = selectors.facilities().order_by("country", "name")
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        if data["country"]:
            qs = qs.filter(country=data["country"])
        if data["region"]:
            qs = qs.filter(region_id=data["region"])
        if data["type"]:
            qs = qs.filter(type__code=data["type"])
    form = FacilityForm(
        request.POST or None,
        initial={"country": user.organisation.country if user.organisation else ""},
    )
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                facility = services.facility_create(
                    actor=user,
                    name=data["name"],
                    country=data["country"],
                    region=data["region"],
                    type_code=data["type"],
                    agency_code=data["agency"],
                    address=data["address"],
                    source=data["source"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s is added to the registry.") % {"name": facility.name}
                )
                return redirect("reference:facilities")
        status = 400
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "form": form if may_add else None,
        "query": querystring(request),
        "open_add": request.method == "POST",
    }
    return render(request, "reference/facilities.html", context, status=status)


@require_http_methods(["GET", "POST"])
def partner_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    org = staff_organisation(request)
    may_add = can(user, "partner.manage", org)
    form = PartnerForm(request.POST or None, initial={"country": org.country})
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                partner = services.partner_create(
                    actor=user,
                    organisation=org,
                    name=data["name"],
                    legal=data["legal"],
                    medical=data["medical"],
                    psychological=data["psychological"],
                    country=data["country"],
                    contact=data["contact"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s is added to the partners.") % {"name": partner.name}
                )
                return redirect("reference:partners")
        status = 400
    partners = Partner.objects.filter(organisation=org).order_by("name")
    context = {
        "partners": partners,
        "form": form if may_add else None,
        "open_add": request.method == "POST",
    }
    return render(request, "reference/partners.html", context, status=status)
