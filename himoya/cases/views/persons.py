"""Persons in a case: adding one from the case page, editing a person's details."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himoya.cases import selectors, services
from himoya.cases.models import PartyRole
from himoya.cases.person_forms import PartyForm, PersonForm
from himoya.cases.views.case_action import CaseAction, Data
from himoya.core.access import access_object
from himoya.core.forms import add_service_errors
from himoya.core.policies import can
from himoya.core.views import staff_user


@require_POST
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = CaseAction(request, pk, anchor="persons")
    form = PartyForm(request.POST)

    def perform(data: Data) -> None:
        services.party_add(
            actor=action.user,
            case=action.case,
            role=data["role"],
            person=form.person_input(),
            # Unticked: derived from the date of birth.
            is_minor=True if data["is_minor"] else None,
            relation=data["relation"],
        )

    def success(data: Data) -> str:
        return _("%(name)s is added to the case as %(role)s.") % {
            "name": data["full_name"],
            "role": PartyRole(data["role"]).label,
        }

    return action.submit(form, "party_form", perform, success)


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """A person's details, edited from a case they are in. Reading the page is a
    ``case.view`` and a ``person.view``; the change is ``person.update`` on the
    case's timeline."""
    user = staff_user(request)
    case = selectors.access_case(user, pk, audit=request.method == "GET")
    if not can(user, "case.edit", case):
        raise PermissionDenied
    person = access_object(
        selectors.visible_persons(user).filter(parties__case=case),
        person_pk,
        user=user,
        audit_action="person.view" if request.method == "GET" else None,
    )
    form = PersonForm(request.POST or None, initial=PersonForm.initial_of(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=user, person=person, data=form.person_input(), case=case)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The person's details are saved."))
            return redirect(f"{reverse('cases:detail', args=[case.pk])}#persons")
    roles = [p.get_role_display() for p in case.parties.filter(person=person)]
    return render(
        request,
        "cases/person_edit.html",
        {"case": case, "person": person, "form": form, "roles": roles},
        status=400 if form.errors else 200,
    )
