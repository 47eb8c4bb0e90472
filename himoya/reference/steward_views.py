"""Staff pages where reference stewards keep the shared data: vocabulary terms (per
vocabulary, with their four labels, source and verified flag), regions, and the edit
page of a place of detention. Everyone else is refused (403): the lists others need are
the places of detention page and the forms' choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from himoya.accounts.models import User
from himoya.core.countries import country_label
from himoya.core.forms import add_service_errors
from himoya.core.policies import can
from himoya.core.views import staff_user
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


def _run(form: forms.Form, call: Any) -> Any:
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


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
        term = _run(
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
        )
        if term is not None:
            messages.success(request, _("%(name)s is added.") % {"name": term.label})
            return redirect(f"{reverse('reference:terms')}?vocabulary={current}")
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
    if request.method == "POST":
        saved = _run(
            form,
            lambda d: services.term_update(
                actor=user,
                term=term,
                labels=form.labels(),
                source=d["source"],
                verified=d["verified"],
                active=d["active"],
                order=d["order"],
            ),
        )
        if saved is not None:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.label})
            return redirect(f"{reverse('reference:terms')}?vocabulary={term.vocabulary}")
    back = f"{reverse('reference:terms')}?vocabulary={term.vocabulary}"
    context = {"form": form, "title": _("Edit the term"), "back": back, "obj": term}
    status = 400 if request.method == "POST" else 200
    return render(request, "reference/edit.html", context, status=status)


# ---------------------------------------------------------------- regions


@require_http_methods(["GET", "POST"])
def region_list(request: HttpRequest) -> HttpResponse:
    user = _steward(request)
    countries = [c for c in country_choices() if Region.objects.filter(country=c[0]).exists()]
    current = (request.GET.get("country") or "").upper() or (countries[0][0] if countries else "")
    form = RegionForm(request.POST or None, prefix="add", initial={"country": current})
    del form.fields["active"]
    if request.method == "POST":
        region = _run(
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
    if request.method == "POST":
        saved = _run(
            form,
            lambda d: services.region_update(
                actor=user,
                region=region,
                names=form.labels(),
                code=d["code"],
                source=d["source"],
                verified=d["verified"],
                active=d["active"],
            ),
        )
        if saved is not None:
            messages.success(request, _("%(name)s is saved.") % {"name": saved})
            return redirect(f"{reverse('reference:regions')}?country={region.country}")
    back = f"{reverse('reference:regions')}?country={region.country}"
    context = {"form": form, "title": _("Edit the region"), "back": back, "obj": region}
    status = 400 if request.method == "POST" else 200
    return render(request, "reference/edit.html", context, status=status)


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
    if request.method == "POST":
        saved = _run(
            form,
            lambda d: services.facility_update(
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
        )
        if saved is not None:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("reference:facilities")
    context = {
        "form": form,
        "title": _("Edit the place of detention"),
        "back": reverse("reference:facilities"),
        "obj": facility,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reference/edit.html", context, status=status)
