"""One-time form tokens: a creating form submitted twice creates once.

The browser's Back button followed by a second submit, a double click or a retried
request sends the same form again. Every form that creates something carries a random
token (``OnceFormMixin``, a hidden field issued with the form); the view spends it in
the same transaction as the creation (``submit_once``). A token already spent creates
nothing: the request is sent to what the first submission created, with a message.

Tokens are issued without server state (a fresh random value per rendered form): the
server records only spent ones (``core.FormSubmission``), per user. A submission that
fails validation rolls back with its token, so the same page can be corrected and sent.

Staff pages are never cached, so Back fetches the form page again with a fresh token
while the browser restores what was typed; ``himoya.js`` puts back the token the form
was sent with (kept in sessionStorage for that page and form) when a page is reached
through Back or Forward, so the server sees the same form. The server's refusal of a
spent token does not depend on the script.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from himoya.core.models import FormSubmission

FIELD = "form_token"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# How long a spent token is remembered: long past any Back button.
KEEP = timedelta(days=30)

T = TypeVar("T")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class OnceFormMixin(forms.Form):
    """Adds the hidden one-time token to a creating form. A bound form keeps the token
    it was posted with, so a form shown again with its errors is still the same form."""

    form_token = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _l("This form has expired: reload the page.")},
    )

    def __init__(self, *args: Any, once: bool = True, **kwargs: Any) -> None:
        """``once=False``: the same form editing an existing record, which a second
        submission only saves again, so it carries no token."""
        super().__init__(*args, **kwargs)
        if once:
            self.fields[FIELD].initial = new_token()
        else:
            del self.fields[FIELD]

    def clean_form_token(self) -> str:
        token = str(self.cleaned_data.get(FIELD, ""))
        if not _SHAPE.match(token):
            raise forms.ValidationError(_("This form has expired: reload the page."))
        return token

    def full_clean(self) -> None:
        super().full_clean()
        # A hidden field's error shows nowhere: the form's own errors show it.
        if self.is_bound and FIELD in self.errors:
            self.add_error(None, forms.ValidationError(list(self.errors.pop(FIELD))))


@dataclass
class AlreadySubmitted(Exception):
    """The token was spent by an earlier submission, which led to ``url``."""

    url: str


@dataclass
class Claim:
    """A token being spent in the current transaction."""

    row: FormSubmission

    def leads_to(self, url: str) -> None:
        """Records where the first submission led, for a repeated one."""
        self.row.url = url[:300]
        self.row.save(update_fields=["url"])


def claim(user: Any | None, token: str) -> Claim:
    """Spends ``token`` for ``user`` (None: a form anyone may send, whose token is
    unique alone) inside the caller's transaction, or raises
    ``AlreadySubmitted``. A concurrent submission of the same token waits on the unique
    key until the first commits (then finds it spent) or rolls back (then proceeds)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() belongs inside the creating transaction")
    # The user's own long-spent tokens go as new ones come: the table stays small
    # without a scheduled job.
    FormSubmission.objects.filter(user=user, created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            row = FormSubmission.objects.create(user=user, token=token)
    except IntegrityError:
        first = FormSubmission.objects.filter(user=user, token=token).first()
        raise AlreadySubmitted(url=first.url if first else "") from None
    return Claim(row)


def submit_once(
    request: HttpRequest,
    token: str,
    create: Callable[[], T],
    url_of: Callable[[T], str],
) -> T | HttpResponse:
    """Runs ``create`` and spends ``token`` in one transaction; returns what it made.

    A token already spent returns instead a redirect to where its first submission led,
    with a message, and nothing is created. Whatever ``create`` raises propagates (the
    token stays unspent)."""
    try:
        with transaction.atomic():
            spent = claim(request.user, token)
            made = create()
            spent.leads_to(url_of(made))
    except AlreadySubmitted as exc:
        return replayed(request, exc.url)
    return made


def replayed(request: HttpRequest, url: str) -> HttpResponse:
    messages.info(
        request,
        _(
            "This form was already sent and its record created; it has not been "
            "created a second time."
        ),
    )
    return redirect(url or "staff:home")
