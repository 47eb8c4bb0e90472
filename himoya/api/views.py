"""Staff pages for personal API tokens (/staff/api-tokens/).

Reaching them already needs completed two-factor authentication (the staff-access
middleware); issuing a token additionally needs a fresh re-authentication, because a
token outlives the session that created it.
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himoya.api import selectors, services
from himoya.api.forms import TokenIssueForm
from himoya.core.access import access_object
from himoya.core.idempotency import FIELD, submit_once


def _list_context(request: HttpRequest, form: TokenIssueForm) -> dict[str, object]:
    return {
        "tokens": selectors.tokens_of(request.user)[:100],
        "managed": selectors.active_tokens_managed_by(request.user),
        "form": form,
    }


@require_http_methods(["GET"])
def token_list(request: HttpRequest) -> HttpResponse:
    return render(request, "api/tokens.html", _list_context(request, TokenIssueForm()))


@require_http_methods(["GET", "POST"])
@reauthentication_required
def token_issue(request: HttpRequest) -> HttpResponse:
    form = TokenIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # A second submission of the page issues nothing and never shows the
            # first token again: it goes to the list of tokens.
            made = submit_once(
                request,
                form.cleaned_data[FIELD],
                lambda: services.token_issue(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    lifetime_days=form.cleaned_data["lifetime_days"],
                ),
                lambda _issued: reverse("api_tokens:list"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if isinstance(made, HttpResponse):
                return made
            issued = made
            # Rendered, not redirected: the secret must not pass through the session or a
            # URL. The page is no-store like every staff page.
            return render(request, "api/token_issued.html", {"issued": issued})
    return render(request, "api/token_issue.html", {"form": form})


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access_object(selectors.revocable_tokens(request.user), pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("api_tokens:list")
