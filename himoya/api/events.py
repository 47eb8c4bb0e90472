"""The events of the REST API (see himoya.core.events)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from himoya.core.events import Names, register

_REASONS = {
    "deactivated": _("the account was deactivated"),
    "reactivated": _("the account was reactivated"),
    "password": _("the password changed"),
    "mfa_reset": _("two-factor authentication was reset"),
}


def _revoked_all(data: Any, names: Names) -> str | None:
    reason = _REASONS.get(data.get("reason", ""))
    if reason is None:
        return None
    return str(_("Revoked every API token of the staff member: %(reason)s.")) % {"reason": reason}


register("api_token.issue", _("API token issued"))
register("api_token.revoke", _("API token revoked"))
register("api_token.revoke_all", _("All API tokens revoked"), _revoked_all)
