"""One POST from the case page, done the same way by every handler: find the case,
bind the form, call the service, then go back to the section with a message, or show
the page again with the form's errors open at that section."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from himoya.cases import selectors
from himoya.cases.forms import add_service_errors
from himoya.cases.services import ConcurrentEdit
from himoya.cases.views.detail import case_page_response
from himoya.core.access import access_object
from himoya.core.idempotency import FIELD, OnceFormMixin, submit_once
from himoya.core.policies import can
from himoya.core.views import staff_user

M = TypeVar("M", bound=Model)
Data = dict[str, Any]
Message = str | Callable[[Data], str]


class CaseAction:
    """A change made from one section (``anchor``) of the case page.

    Creating it finds the case: 404 if the user may not see it. Whether they may change
    it is the service's check (PermissionDenied, answered 403); the change's own audit
    event records the access, so finding the case records none.
    """

    def __init__(self, request: HttpRequest, pk: int, *, anchor: str) -> None:
        self.request = request
        self.user = staff_user(request)
        self.case = selectors.access_case(self.user, pk, audit=False)
        self.anchor = anchor

    def require(self, action: str) -> None:
        """Refuses (403) before the form is read, for the sections that only some
        readers get (assignment, sharing)."""
        if not can(self.user, action, self.case):
            raise PermissionDenied

    def item(self, queryset: QuerySet[M], pk: int) -> M:
        """A record of this case, looked up within it (404 otherwise). It carries the
        case already found, so the service does not fetch it again."""
        obj = access_object(queryset, pk, user=self.user)
        if getattr(obj, "case_id", None) == self.case.pk:
            obj.case = self.case  # type: ignore[attr-defined]
        return obj

    def submit(
        self,
        form: django_forms.Form,
        name: str,
        perform: Callable[[Data], object],
        success: Message,
        **page: Any,
    ) -> HttpResponse:
        """Calls ``perform`` with the form's data. The service's ValidationError lands on
        the form's fields; the page then shows ``form`` under its context ``name``, with
        ``page`` (more of what the section's panel reads, such as which referral failed).
        A concurrent edit is not the form's fault: the page, reloaded, names who saved."""
        if form.is_valid():
            data = form.cleaned_data
            try:
                if isinstance(form, OnceFormMixin):
                    # A creating form: its token is spent with the creation, and a
                    # second submission of the same page goes back to the section.
                    made = submit_once(
                        self.request, data[FIELD], lambda: perform(data), lambda _m: self.url()
                    )
                    if isinstance(made, HttpResponse):
                        return made
                else:
                    perform(data)
            except ConcurrentEdit as exc:
                messages.error(self.request, exc.messages[0])
                return self.back()
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(self.request, success(data) if callable(success) else success)
                return self.back()
        return self.invalid({name: form, **page})

    def done(self, perform: Callable[[], object], success: str) -> HttpResponse:
        """A change without a form (a button): the service either does it or refuses."""
        perform()
        messages.success(self.request, success)
        return self.back()

    def url(self) -> str:
        return f"{reverse('cases:detail', args=[self.case.pk])}#{self.anchor}"

    def back(self) -> HttpResponse:
        return redirect(self.url())

    def invalid(self, forms: dict[str, Any]) -> HttpResponse:
        messages.error(self.request, _("Please correct the errors below."))
        # A service that refused may have changed the case in memory first.
        self.case.refresh_from_db()
        return case_page_response(
            self.request, self.case, forms=forms, open_section=self.anchor, status=400
        )
