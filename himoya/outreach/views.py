"""Staff pages of an organisation's publications, trainings and offices: a list with an
add form on each, and an edit page per record. Reads are the organisation's own rows
(any member); writes go through ``outreach.services`` (coordinators, administrators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from himoya.accounts.models import Organisation
from himoya.core.policies import can
from himoya.core.views import (
    PAGE_SIZE,
    edit_page,
    save_and_back,
    staff_organisation,
    staff_user,
)
from himoya.outreach import services
from himoya.outreach.forms import OfficeForm, PublicationForm, TrainingForm
from himoya.outreach.models import Office, Publication, Training
from himoya.outreach.phones import display_hotline

# A form's cleaned data is passed to its service as is: the outreach forms name their
# fields as the services name their arguments (the edit forms drop the import key).
Save = Callable[[dict[str, Any]], Model]


def _organisation(request: HttpRequest) -> Organisation:
    org = staff_organisation(request)
    if not can(staff_user(request), "outreach.view", org):
        raise PermissionDenied
    return org


def _list_page(
    request: HttpRequest,
    *,
    template: str,
    queryset: QuerySet[Any],
    form: forms.Form,
    create: Save,
    url: str,
) -> HttpResponse:
    org = _organisation(request)
    may_edit = can(staff_user(request), "outreach.manage", org)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        added = save_and_back(request, form, create, done=_("%(name)s is added."), back=url)
        if added is not None:
            return added
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form if may_edit else None,
        "may_edit": may_edit,
        "open_add": request.method == "POST",
    }
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def _edit_page(
    request: HttpRequest, *, obj: Model, form: forms.Form, update: Save, url: str, title: str
) -> HttpResponse:
    org = _organisation(request)
    if not can(staff_user(request), "outreach.manage", org):
        raise PermissionDenied
    return edit_page(
        request,
        obj=obj,
        form=form,
        update=update,
        back=reverse(url),
        title=title,
        template="outreach/edit.html",
    )


# ---------------------------------------------------------------- publications


@require_http_methods(["GET", "POST"])
def publication_list(request: HttpRequest) -> HttpResponse:
    org = _organisation(request)
    user = staff_user(request)
    return _list_page(
        request,
        template="outreach/publications.html",
        queryset=Publication.objects.filter(organisation=org).order_by("-published_on", "-id"),
        form=PublicationForm(request.POST or None, prefix="add"),
        create=lambda d: services.publication_create(actor=user, organisation=org, **d),
        url="outreach:publications",
    )


@require_http_methods(["GET", "POST"])
def publication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request)
    user = staff_user(request)
    publication = get_object_or_404(Publication, pk=pk, organisation=org)
    initial = {
        f: getattr(publication, f)
        for f in ("title", "published_on", "language", "kind", "url", "public")
    }
    form = PublicationForm(request.POST or None, initial=initial)
    del form.fields["external_id"]  # the register's key: an import matches by it
    return _edit_page(
        request,
        obj=publication,
        form=form,
        update=lambda d: services.publication_update(actor=user, publication=publication, **d),
        url="outreach:publications",
        title=_("Edit the publication"),
    )


# ---------------------------------------------------------------- trainings


@require_http_methods(["GET", "POST"])
def training_list(request: HttpRequest) -> HttpResponse:
    org = _organisation(request)
    user = staff_user(request)
    return _list_page(
        request,
        template="outreach/trainings.html",
        queryset=Training.objects.filter(organisation=org).order_by("-held_on", "-id"),
        form=TrainingForm(request.POST or None, prefix="add"),
        create=lambda d: services.training_create(actor=user, organisation=org, **d),
        url="outreach:trainings",
    )


@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request)
    user = staff_user(request)
    training = get_object_or_404(Training, pk=pk, organisation=org)
    fields = ("topic", "held_on", "audiences", "participants", "language", "place", "url")
    form = TrainingForm(request.POST or None, initial={f: getattr(training, f) for f in fields})
    del form.fields["external_id"]
    return _edit_page(
        request,
        obj=training,
        form=form,
        update=lambda d: services.training_update(actor=user, training=training, **d),
        url="outreach:trainings",
        title=_("Edit the training"),
    )


# ---------------------------------------------------------------- offices


def _office_form(request: HttpRequest, org: Organisation, **kwargs: Any) -> OfficeForm:
    return OfficeForm(request.POST or None, country=org.country or "", **kwargs)


@require_http_methods(["GET", "POST"])
def office_list(request: HttpRequest) -> HttpResponse:
    org = _organisation(request)
    user = staff_user(request)
    form = _office_form(request, org, prefix="add", initial={"country": org.country})
    del form.fields["active"]
    response = _list_page(
        request,
        template="outreach/offices.html",
        queryset=Office.objects.filter(organisation=org).select_related("region"),
        form=form,
        create=lambda d: services.office_create(
            actor=user, organisation=org, **{**d, "hotlines": form.hotline_list()}
        ),
        url="outreach:offices",
    )
    return response


@require_http_methods(["GET", "POST"])
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request)
    user = staff_user(request)
    office = get_object_or_404(Office, pk=pk, organisation=org)
    initial = {
        "name": office.name,
        "kind": office.kind,
        "country": office.country,
        "region": office.region_id,
        "address": office.address,
        "hotlines": "\n".join(display_hotline(n) for n in office.hotlines),
        "active": office.active,
    }
    form = _office_form(request, org, initial=initial)
    return _edit_page(
        request,
        obj=office,
        form=form,
        update=lambda d: services.office_update(
            actor=user, office=office, **{**d, "hotlines": form.hotline_list()}
        ),
        url="outreach:offices",
        title=_("Edit the office"),
    )
