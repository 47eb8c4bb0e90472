"""The content role on a staff member's page (``staff:staff_edit``): the panel showing
it to those who may change it (``content.role``) and the POST handler calling
``editing.content_role_set``, the only way a content role is given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from himoya.accounts.panels import member_page
from himoya.accounts.selectors import staff_for
from himoya.core.access import access_object
from himoya.core.panels import Panel
from himoya.core.policies import can
from himoya.public_site.editing import ContentRole, content_role, content_role_set


class ContentRoleForm(forms.Form):
    content_role = forms.ChoiceField(
        label=_("Content role on the public site"), choices=ContentRole.choices, required=False
    )


def _may_set(user: Any, member: Any) -> bool:
    return can(user, "content.role", member)


def _panel_context(request: HttpRequest, member: Any, forms: Mapping[str, Any]) -> dict[str, Any]:
    current = content_role(member)
    return {
        "content_role": ContentRole(current),
        "content_role_form": ContentRoleForm(initial={"content_role": current}),
    }


member_page.register(
    Panel(
        id="content-role",
        title=_("Content role"),
        template="public_site/staff/member_content_role.html",
        context=_panel_context,
        visible=_may_set,
    )
)


@require_POST
def content_role_update(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise Http404
    # Only a member of the actor's own organisation whom they manage; anyone else is
    # missing (404). content_role_set checks content.role itself (403).
    member = access_object(staff_for(request.user, organisation), pk, user=request.user)
    form = ContentRoleForm(request.POST)
    target = reverse("staff:staff_edit", args=[member.pk]) + "#content-role"
    if not form.is_valid():
        messages.error(request, gettext("Choose one of the content roles."))
        return redirect(target)
    try:
        changed = content_role_set(
            actor=request.user, member=member, role=form.cleaned_data["content_role"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if changed:
            messages.success(request, gettext("The content role has been changed."))
        else:
            messages.info(request, gettext("The content role was already that one."))
    return redirect(target)
