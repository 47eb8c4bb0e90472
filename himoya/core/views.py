"""Helpers every app's staff pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, User
from himoya.core.forms import run_service

PAGE_SIZE = 50


def staff_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def staff_organisation(request: HttpRequest) -> Organisation:
    """The user's organisation; a user without one (an instance administrator) gets 404."""
    org = staff_user(request).organisation
    if org is None:
        raise Http404
    return org


def querystring(request: HttpRequest, *, drop: tuple[str, ...] = ("page",), **extra: str) -> str:
    """The page's query string without ``drop`` and with ``extra``, for links that keep
    the user's filters."""
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    for name, value in extra.items():
        params[name] = value
    return params.urlencode()


def save_and_back(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Model],
    *,
    done: str,
    back: str,
) -> HttpResponse | None:
    """Saves a record from a posted form through its service: on success the message
    ``done`` (naming the record as ``%(name)s``) and a redirect to ``back``; None when the
    form or the service refused, the errors then on the form for the page to show again."""
    obj = run_service(form, save)
    if obj is None:
        return None
    messages.success(request, done % {"name": str(obj)})
    return redirect(back)


def edit_page(
    request: HttpRequest,
    *,
    obj: Model,
    form: forms.Form,
    update: Callable[[dict[str, Any]], Model],
    back: str,
    title: str,
    template: str,
) -> HttpResponse:
    """The page that edits one record: the form, then after a POST either back to the
    list (``back``, a path) or the form again with its errors (400). Whether the user may
    edit is checked before, by the caller, and again by the service."""
    if request.method == "POST":
        saved = save_and_back(request, form, update, done=_("%(name)s is saved."), back=back)
        if saved is not None:
            return saved
    context = {"obj": obj, "form": form, "title": title, "back": back}
    return render(request, template, context, status=400 if request.method == "POST" else 200)
