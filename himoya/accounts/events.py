"""The events of accounts: sign-in, two-factor devices, staff, teams, organisations
(see himoya.core.events), and the names of staff, teams and organisations for sentences."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import Organisation, Role, Team, User
from himoya.core.events import Names, register, register_names


def _users(ids: set[Any]) -> dict[Any, str]:
    return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}


def _teams(ids: set[Any]) -> dict[Any, str]:
    return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))


def _organisations(ids: set[Any]) -> dict[Any, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


register_names("user", _users)
register_names("team", _teams)
register_names("organisation", _organisations)

register("auth.login", _("Signed in"))
register("auth.logout", _("Signed out"))
register("auth.login_failed", _("Failed sign-in"))
register("mfa.added", _("Two-factor authentication set up"))
register("mfa.removed", _("Two-factor authentication removed"))
register("mfa.reset", _("Two-factor authentication reset"))
register("mfa.failed", _("Failed two-factor check"))
register("organisation.create", _("Organisation created"))
register("team.create", _("Team created"))
register("team.members", _("Team members changed"))
register("user.create", _("Staff member added"))
register("user.invite", _("Invitation sent"))
register("user.invitation_accepted", _("Invitation accepted"))
register("user.update", _("Staff member changed"))
register("user.teams", _("Staff member's teams changed"))
register("user.language", _("Interface language changed"))


def _role(code: Any) -> str:
    return str(Role(code).label) if code in Role.values else str(code)


def _role_change(message: Any) -> Any:
    def sentence(data: Any, names: Names) -> str | None:
        roles = data.get("role")
        if not isinstance(roles, list) or len(roles) != 2:
            return None
        return str(message) % {"old": _role(roles[0]), "new": _role(roles[1])}

    return sentence


register(
    "role.request",
    _("Role change requested"),
    _role_change(_("Asked for the role to change from “%(old)s” to “%(new)s”.")),
)
register(
    "role.approve",
    _("Role change approved"),
    _role_change(_("Approved the change of role from “%(old)s” to “%(new)s”.")),
)
register(
    "role.reject",
    _("Role change rejected"),
    _role_change(_("Rejected the change of role from “%(old)s” to “%(new)s”.")),
)
