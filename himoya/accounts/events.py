"""The events of accounts: sign-in, two-factor devices, staff, teams, organisations
(see himoya.core.events), and the names of staff, teams and organisations for sentences."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from himoya.accounts.models import Organisation, Team, User
from himoya.core.events import register, register_names


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
register("user.language", _("Interface language changed"))
