"""The events of the REST API (see himoya.core.events)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from himoya.core.events import register

register("api_token.issue", _("API token issued"))
register("api_token.revoke", _("API token revoked"))
