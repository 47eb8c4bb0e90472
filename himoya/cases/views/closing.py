"""Closing a case, with its open work shown first; and the case page's banner that
offers to reopen a closed case a new appeal came into."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from himoya.cases import selectors, services
from himoya.cases.closing_forms import ClosingForm
from himoya.cases.forms import StatusForm, add_service_errors, own_outcome
from himoya.cases.models import Appeal, Case, CaseStatus
from himoya.cases.panels import case_page
from himoya.cases.views.case_action import CaseAction
from himoya.core.panels import Panel
from himoya.core.policies import can
from himoya.core.views import staff_user

CONFIRM = "confirm"


@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Close the case" form of the status panel posts here with the outcome. A case
    with nothing open closes at once; otherwise this page lists its open tasks and
    coming hearings and asks what becomes of each, then closes it (``CONFIRM``)."""
    action = CaseAction(request, pk, anchor="status")
    case = action.case
    action.require("case.edit")
    if case.status == CaseStatus.CLOSED:
        messages.info(request, _("The case is already closed."))
        return action.back()
    work = selectors.open_work(case)
    confirming = request.method == "POST" and CONFIRM in request.POST
    if request.method == "POST" and not confirming:
        # From the case page: a wrong outcome is shown there, as before.
        first = StatusForm(request.POST, country=case.country, outcome=own_outcome(case))
        if not first.is_valid() or not first.cleaned_data["outcome"]:
            if first.is_valid():
                first.add_error("outcome", _("Choose the outcome to close the case."))
            return action.invalid({"close_form": first})
        if work:
            return _page(request, case, _form(case, work, initial=first.cleaned_data))
    form = _form(case, work, data=request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return _page(request, case, _form(case, work, initial={"version": case.version}))
    if form.is_valid():
        tasks, hearings = form.decisions()
        try:
            services.case_close(
                actor=action.user,
                case=case,
                outcome=form.cleaned_data["outcome"],
                expected_version=form.cleaned_data["version"],
                tasks=tasks,
                hearings=hearings,
            )
        except services.ConcurrentEdit as exc:
            messages.error(request, exc.messages[0])
            return action.back()
        except ValidationError as exc:
            return _again(request, case, exc)
        messages.success(request, _("The case is closed."))
        return action.back()
    return _again(request, case)


def _again(request: HttpRequest, case: Case, error: ValidationError | None = None) -> HttpResponse:
    """The page again with what was chosen and the errors, listing the work open now:
    what was added meanwhile appears, and from now on counts as shown."""
    case.refresh_from_db()
    work = selectors.open_work(case)
    data = request.POST.copy()
    data["shown"] = _form(case, work).initial["shown"]
    form = _form(case, work, data=data)
    form.is_valid()
    if error is not None:
        add_service_errors(form, error)
    return _page(request, case, form, status=400)


def _form(case: Case, work: selectors.OpenWork, **kwargs: Any) -> ClosingForm:
    initial = kwargs.pop("initial", None)
    if initial is not None:
        initial = {**initial, "status": CaseStatus.CLOSED}
    return ClosingForm(
        kwargs.pop("data", None),
        initial=initial,
        country=case.country,
        outcome=own_outcome(case),
        work=work,
        workers=selectors.case_workers(case),
    )


def _page(request: HttpRequest, case: Case, form: ClosingForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "cases/close.html",
        {"case": case, "form": form, "back": reverse("cases:detail", args=[case.pk])},
        status=status,
    )


def _appeals_since_closing(case: Case) -> list[Appeal]:
    since = services.closed_since(case)
    if since is None:
        return []
    return list(case.appeals.filter(created_at__gt=since).order_by("created_at", "id"))


def _reopen_visible(user: Any, case: Case) -> bool:
    return bool(_appeals_since_closing(case))


def _reopen(request: HttpRequest, case: Case, forms: Any) -> dict[str, Any]:
    return {
        "new_appeals": _appeals_since_closing(case),
        "can_reopen": can(staff_user(request), "case.manage", case),
    }


case_page.register(
    Panel(
        id="reopen",
        title=gettext_lazy("Reopen"),
        template="cases/panels/reopen.html",
        context=_reopen,
        visible=_reopen_visible,
        order=10,
        in_toc=False,
    )
)
