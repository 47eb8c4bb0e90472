"""Staff pages where reference stewards keep the shared data: vocabulary terms (per
vocabulary, with their four labels, source and verified flag), regions, and the edit
page of a place of detention. Everyone else is refused (403): the lists others need are
the places of detention page and the forms' choices."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from himoya.accounts.models import User
from himoya.core.countries import country_label
from himoya.core.forms import run_service
from himoya.core.policies import can
from himoya.core.views import edit_page, save_and_back, staff_user
from himoya.reference import services
from himoya.reference.forms import (
    FacilityEditForm,
    RegionForm,
    TermForm,
    country_choices,
    vocabulary_choices,
)
from himoya.reference.models import Facility, Region, Term


def _steward(request: HttpRequest) -> User:
    user = staff_user(request)
    if not can(user, "vocabulary.manage"):
        raise PermissionDenied
    return user


# ---------------------------------------------------------------- terms


@require_http_methods(["GET", "POST"])
def term_list(request: HttpRequest) -> HttpResponse:
    user = _steward(request)
    vocabularies = vocabulary_choices()
    known = dict(vocabularies)
    current = request.GET.get("vocabulary") or vocabularies[0][0]
    if current not in known:
        current = vocabularies[0][0]
    form = TermForm(request.POST or None, prefix="add")
    del form.fields["active"]
    if request.method == "POST":
        added = save_and_back(
            request,
            form,
            lambda d: services.term_create(
                actor=user,
                vocabulary=current,
                code=d["code"],
                labels=form.labels(),
                source=d["source"],
                verified=d["verified"],
                order=d["order"],
            ),
            done=_("%(name)s is added."),
            back=f"{reverse('reference:terms')}?vocabulary={current}",
        )
        if added is not None:
            return added
    context = {
        "vocabularies": vocabularies,
        "current": current,
        "current_label": known[current],
        "terms": Term.objects.filter(vocabulary=current).order_by("-active", "order", "code"),
        "form": form,
        "open_add": request.method == "POST",
    }
    return render(
        request, "reference/terms.html", context, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _steward(request)
    term = get_object_or_404(Term, pk=pk)
    initial = {
        f: getattr(term, f)
        for f in ("code", "label_ru", "label_kk", "label_tg", "label_en", "order", "source")
    }
    initial.update(verified=term.verified, active=term.active)
    form = TermForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    return edit_page(
        request,
        obj=term,
        form=form,
        update=lambda d: services.term_update(
            actor=user,
            term=term,
            labels=form.labels(),
            source=d["source"],
            verified=d["verified"],
            active=d["active"],
            order=d["order"],
        ),
        back=f"{reverse('reference:terms')}?vocabulary={term.vocabulary}",
        title=_("Edit the term"),
        template="reference/edit.html",
    )


# ---------------------------------------------------------------- regions


@require_http_methods(["GET", "POST"])
def region_list(request: HttpRequest) -> HttpResponse:
    user = _steward(request)
    countries = [c for c in country_choices() if Region.objects.filter(country=c[0]).exists()]
    current = (request.GET.get("country") or "").upper() or (countries[0][0] if countries else "")
    form = RegionForm(request.POST or None, prefix="add", initial={"country": current})
    del form.fields["active"]
    if request.method == "POST":
        region = run_service(
            form,
            lambda d: services.region_create(
                actor=user,
                country=d["country"],
                names=form.labels(),
                code=d["code"],
                source=d["source"],
                verified=d["verified"],
            ),
        )
        if region is not None:
            messages.success(request, _("%(name)s is added.") % {"name": region})
            return redirect(f"{reverse('reference:regions')}?country={region.country}")
    context = {
        "countries": countries,
        "current": current,
        "current_label": country_label(current),
        "regions": Region.objects.filter(country=current).order_by("-active", "name_ru"),
        "form": form,
        "open_add": request.method == "POST",
    }
    return render(
        request, "reference/regions.html", context, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _steward(request)
    region = get_object_or_404(Region, pk=pk)
    fields = ("country", "name_ru", "name_kk", "name_tg", "name_en", "code", "source")
    initial: dict[str, Any] = {f: getattr(region, f) for f in fields}
    initial.update(verified=region.verified, active=region.active)
    form = RegionForm(request.POST or None, initial=initial)
    form.fields["country"].disabled = True
    return edit_page(
        request,
        obj=region,
        form=form,
        update=lambda d: services.region_update(
            actor=user,
            region=region,
            names=form.labels(),
            code=d["code"],
            source=d["source"],
            verified=d["verified"],
            active=d["active"],
        ),
        back=f"{reverse('reference:regions')}?country={region.country}",
        title=_("Edit the region"),
        template="reference/edit.html",
    )


# ---------------------------------------------------------------- places of detention


@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    if not can(user, "facility.manage"):
        raise PermissionDenied
    facility = get_object_or_404(Facility, pk=pk)
    initial = {
        "name": facility.name,
        "region": facility.region_id,
        "type": facility.type.code if facility.type else "",
        "agency": facility.agency.code if facility.agency else "",
        "address": facility.address,
        "holds_men": facility.holds_men,
        "holds_women": facility.holds_women,
        "holds_minors": facility.holds_minors,
        "capacity": facility.capacity,
        "source": facility.source,
        "active": facility.active,
    }
    form = FacilityEditForm(request.POST or None, initial=initial, country=facility.country)
    return edit_page(
        request,
        obj=facility,
        form=form,
        update=lambda d: services.facility_update(
            actor=user,
            facility=facility,
            name=d["name"],
            region=d["region"],
            type_code=d["type"],
            agency_code=d["agency"],
            address=d["address"],
            holds_men=d["holds_men"],
            holds_women=d["holds_women"],
            holds_minors=d["holds_minors"],
            capacity=d["capacity"],
            source=d["source"],
            active=d["active"],
        ),
        back=reverse("reference:facilities"),
        title=_("Edit the place of detention"),
        template="reference/edit.html",
    )
