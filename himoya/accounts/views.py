"""Staff pages for the home dashboard, staff, teams, invitations and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himoya.accounts import audit_page, selectors, services
from himoya.accounts.forms import InviteForm, StaffUpdateForm, TeamForm
from himoya.accounts.models import Organisation, User
from himoya.accounts.panels import member_page
from himoya.core.access import access_object
from himoya.core.audit_verify import (
    audit_verify_request,
    last_verification,
    verification_pending,
)
from himoya.core.events import Names
from himoya.core.events import label as event_label
from himoya.core.events import sentence as event_sentence
from himoya.core.idempotency import FIELD, submit_once
from himoya.core.policies import can


def _organisation(request: HttpRequest) -> Organisation:
    org = request.user.organisation  # type: ignore[union-attr]
    if org is None:
        raise Http404
    return org


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    org = user.organisation  # type: ignore[union-attr]
    requests = selectors.pending_role_requests_for(user, org) if org is not None else []
    context = {
        "organisation": org,
        "teams": user.teams.all(),  # type: ignore[union-attr]
        "can_manage": org is not None and can(user, "organisation.manage_staff", org),
        "role_requests_to_decide": len([r for r in requests if getattr(r, "can_decide", False)]),
    }
    return render(request, "accounts/home.html", context)


@require_http_methods(["GET", "POST"])
def staff_list(request: HttpRequest) -> HttpResponse:
    org = _organisation(request)
    if not can(request.user, "organisation.manage_staff", org):
        raise PermissionDenied
    form = InviteForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            made = submit_once(
                request,
                form.cleaned_data[FIELD],
                lambda: services.user_invite(
                    actor=request.user,
                    organisation=org,
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    role=form.cleaned_data["role"],
                    teams=form.cleaned_data["teams"],
                    base_url=request.build_absolute_uri("/"),
                    language=request.LANGUAGE_CODE,
                ),
                lambda _user: reverse("staff:staff_list"),
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            if isinstance(made, HttpResponse):
                return made
            messages.success(request, _("The invitation has been sent."))
            return redirect("staff:staff_list")
    staff = selectors.staff_for(request.user, org)
    context = {
        "staff": staff,
        "form": form,
        "organisation": org,
        "role_requests": selectors.pending_role_requests_for(request.user, org),
    }
    return render(request, "accounts/staff_list.html", context)


@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _organisation(request)
    member = access_object(selectors.staff_for(request.user, org), pk, user=request.user)
    form = StaffUpdateForm(
        request.POST or None,
        initial={
            "role": member.role,
            "is_active": member.is_active,
            "teams": list(member.teams.all()),
        },
        organisation=org,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.user_set_teams(
                    actor=request.user, user=member, teams=form.cleaned_data["teams"]
                )
                services.user_update(
                    actor=request.user,
                    user=member,
                    role=form.cleaned_data["role"],
                    is_active=form.cleaned_data["is_active"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if member.role != form.cleaned_data["role"]:
                messages.info(
                    request,
                    _(
                        "The new role opens cases to this staff member: it waits for "
                        "another coordinator's approval."
                    ),
                )
            else:
                messages.success(request, _("Changes saved."))
            return redirect("staff:staff_list")
    role_requests = [
        r for r in selectors.pending_role_requests_for(request.user, org) if r.user_id == member.pk
    ]
    return render(
        request,
        "accounts/staff_edit.html",
        {
            "member": member,
            "form": form,
            "role_requests": role_requests,
            "panels": member_page.render(
                request, member, user=request.user, shared={"member": member}
            ),
        },
        status=400 if form.errors else 200,
    )


def _decide_role_request(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    org = _organisation(request)
    role_request = access_object(
        selectors.role_requests_for(request.user, org), pk, user=request.user
    )
    decide = services.role_change_approve if approve else services.role_change_reject
    try:
        decide(actor=request.user, request=role_request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The role change has been approved.")
            if approve
            else _("The role change has been rejected."),
        )
    return redirect("staff:staff_list")


@require_POST
def role_request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_role_request(request, pk, approve=True)


@require_POST
def role_request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_role_request(request, pk, approve=False)


@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    org = _organisation(request)
    manage = can(request.user, "organisation.manage_staff", org)
    form = TeamForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                made = submit_once(
                    request,
                    form.cleaned_data[FIELD],
                    lambda: services.team_create(
                        actor=request.user, organisation=org, name=form.cleaned_data["name"]
                    ),
                    lambda _team: reverse("staff:team_list"),
                )
            except ValidationError as exc:
                form.add_error("name", exc)
            else:
                if isinstance(made, HttpResponse):
                    return made
                messages.success(request, _("The team has been created."))
                return redirect("staff:team_list")
    teams = selectors.teams_for(request.user, org)
    return render(
        request, "accounts/team_list.html", {"teams": teams, "form": form, "can_manage": manage}
    )


def audit_log(request: HttpRequest) -> HttpResponse:
    org = _organisation(request)
    if not can(request.user, "audit.view", org):
        raise PermissionDenied
    filters = audit_page.AuditFilterForm(request.GET or None, organisation=org)
    visible = selectors.audit_events_for(request.user, org).select_related("actor")
    page = Paginator(filters.filter(visible), 50)
    events = page.get_page(request.GET.get("page"))
    numbers = audit_page.object_names(events, org)
    # Sentences name only what every staff reader may see (staff, teams, organisations,
    # places, terms), never what sits inside a case.
    names = Names.load((e.action, e.data) for e in events)
    rows = []
    for e in events:
        label = event_label(e.action)
        text = event_sentence(e.action, e.data, names)
        rows.append(
            {
                "e": e,
                "who": audit_page.who(e),
                "case_number": numbers.get(e.object_id) if e.object_type == "cases.case" else None,
                "label": label,
                "sentence": "" if text in (label, e.action) else text,
            }
        )
    last = last_verification()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "events": events,
        "rows": rows,
        "filters": filters,
        "filter_query": query.urlencode(),
        "last_check": last,
        "last_check_sentence": event_sentence(last.action, last.data, names) if last else "",
        "check_pending": verification_pending(),
    }
    return render(request, "accounts/audit_log.html", context)


@require_http_methods(["POST"])
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Queues a check of the whole chain (background work, one at a time)."""
    org = _organisation(request)
    if audit_verify_request(actor=request.user, organisation=org):
        messages.success(
            request,
            _("The check of the whole chain is queued; its result appears here when it is done."),
        )
    else:
        messages.info(request, _("A check of the whole chain is already queued or running."))
    return redirect("staff:audit_log")


@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Sets the password of an invited member; the link works once and expires."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invite_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(
            request, _("Your password is set. Sign in and set up two-factor authentication.")
        )
        return redirect("account_login")
    return render(request, "accounts/invite_accept.html", {"form": form, "invitee": user})
