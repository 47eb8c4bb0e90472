"""Staff pages of the registries of places of detention and partner organisations, and
the instance-level record of changes to shared reference data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from himoya.core.events import Names
from himoya.core.events import label as event_label
from himoya.core.events import sentence as event_sentence
from himoya.core.forms import add_service_errors
from himoya.core.idempotency import FIELD, submit_once
from himoya.core.policies import can
from himoya.core.views import PAGE_SIZE, edit_page, querystring, staff_organisation, staff_user
from himoya.reference import selectors, services
from himoya.reference.forms import FacilityFilterForm, FacilityForm, PartnerForm, regions_of
from himoya.reference.models import Facility, Partner


@require_http_methods(["GET", "POST"])
def facility_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    may_add = can(user, "facility.propose")
    may_verify = can(user, "facility.manage")
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
                made = submit_once(
                    request,
                    data[FIELD],
                    lambda: services.facility_create(
                        actor=user,
                        name=data["name"],
                        country=data["country"],
                        region=data["region"],
                        type_code=data["type"],
                        agency_code=data["agency"],
                        address=data["address"],
                        source=data["source"],
                        holds_men=data["holds_men"],
                        holds_women=data["holds_women"],
                        holds_minors=data["holds_minors"],
                        capacity=data["capacity"],
                    ),
                    lambda _made: reverse("reference:facilities"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if isinstance(made, HttpResponse):
                    return made
                facility = made
                if facility.verified:
                    done = _("%(name)s is added to the registry.")
                else:
                    done = _(
                        "%(name)s is added to the registry, marked as not verified until "
                        "a reference data steward checks it."
                    )
                messages.success(request, done % {"name": facility.name})
                return redirect("reference:facilities")
        status = 400
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "form": form if may_add else None,
        "may_verify": may_verify,
        "may_see_changes": can(user, "reference.changes"),
        "query": querystring(request),
        "open_add": request.method == "POST",
    }
    return render(request, "reference/facilities.html", context, status=status)


@require_http_methods(["POST"])
def facility_verify(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    if not can(user, "facility.manage"):
        raise PermissionDenied
    facility = get_object_or_404(Facility, pk=pk)
    services.facility_verify(actor=user, facility=facility)
    messages.success(request, _("%(name)s is verified.") % {"name": facility.name})
    return redirect("reference:facilities")


@require_http_methods(["GET"])
def reference_changes(request: HttpRequest) -> HttpResponse:
    """What changed in the shared vocabularies, regions and places of detention, by whom
    (their organisation), for every organisation's coordinators and administrators."""
    user = staff_user(request)
    if not can(user, "reference.changes"):
        raise PermissionDenied
    qs = selectors.reference_changes(user).select_related("actor__organisation")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    names = Names.load((e.action, e.data) for e in page.object_list)
    objects = selectors.changed_objects(page.object_list)
    rows = []
    for e in page.object_list:
        label = event_label(e.action)
        text = event_sentence(e.action, e.data, names)
        actor = e.actor
        if actor is None:
            who = e.actor_label  # the operator's commands: "cli:..."
        elif actor.organisation is None:
            who = _("the instance's operator")
        else:
            who = actor.organisation.name
        rows.append(
            {
                "e": e,
                "label": label,
                "sentence": "" if text in (label, e.action) else text,
                "object": objects.get((e.object_type.split(".")[-1], e.object_id), ""),
                "fields": ", ".join(e.data.get("fields", []))
                if isinstance(e.data.get("fields"), list)
                else "",
                "who": who,
            }
        )
    return render(request, "reference/changes.html", {"page": page, "rows": rows})


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
                made = submit_once(
                    request,
                    data[FIELD],
                    lambda: services.partner_create(
                        actor=user,
                        organisation=org,
                        name=data["name"],
                        legal=data["legal"],
                        medical=data["medical"],
                        psychological=data["psychological"],
                        country=data["country"],
                        contact=data["contact"],
                    ),
                    lambda _made: reverse("reference:partners"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if isinstance(made, HttpResponse):
                    return made
                partner = made
                messages.success(
                    request, _("%(name)s is added to the partners.") % {"name": partner.name}
                )
                return redirect("reference:partners")
        status = 400
    partners = Partner.objects.filter(organisation=org).order_by("name")
    context = {
        "partners": partners,
        "form": form if may_add else None,
        "may_edit": may_add,
        "open_add": request.method == "POST",
    }
    return render(request, "reference/partners.html", context, status=status)


@require_http_methods(["GET"])
def region_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of a region select for the chosen country (htmx, when the country
    changes). The country comes under the select's own name, whatever its form prefix."""
    staff_user(request)
    country = next((str(v) for k, v in request.GET.items() if k.endswith("country")), "")
    blank = _("not known") if request.GET.get("blank") == "unknown" else "—"
    context = {"regions": regions_of(country), "blank": blank}
    return render(request, "reference/_region_options.html", context)


@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    org = staff_organisation(request)
    partner = get_object_or_404(Partner, pk=pk, organisation=org)
    if not can(user, "partner.manage", org):
        raise PermissionDenied
    initial = {
        "name": partner.name,
        "legal": partner.offers_legal,
        "medical": partner.offers_medical,
        "psychological": partner.offers_psychological,
        "country": partner.country,
        "contact": partner.contact,
    }
    form = PartnerForm(request.POST or None, initial=initial, once=False)
    return edit_page(
        request,
        obj=partner,
        form=form,
        update=lambda d: services.partner_update(
            actor=user,
            partner=partner,
            name=d["name"],
            legal=d["legal"],
            medical=d["medical"],
            psychological=d["psychological"],
            country=d["country"],
            contact=d["contact"],
        ),
        back=reverse("reference:partners"),
        title=_("Edit the partner organisation"),
        template="reference/edit.html",
    )
