"""The duty roster's events (see himoya.core.events)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from himoya.core.events import Names, register
from himoya.core.formats import show_stored


def _local(value: str) -> str:
    """A stored ISO time in the server's time zone, to the minute."""
    return show_stored(value)


def _shift(added: bool) -> Any:
    def sentence(data: Mapping[str, Any], names: Names) -> str | None:
        who = names.get("user", data.get("lawyer"))
        if who is None or "ends_at" not in data:
            return None
        values = {
            "lawyer": who,
            "start": _local(data.get("starts_at", "")),
            "end": _local(data["ends_at"]),
        }
        if added:
            return gettext("Put %(lawyer)s on duty from %(start)s to %(end)s.") % values
        return gettext("Ended the duty of %(lawyer)s at %(end)s.") % values

    return sentence


register("duty.add", _("Duty shift added"), _shift(True), refs={"lawyer": "user"})
register("duty.end", _("Duty shift ended"), _shift(False), refs={"lawyer": "user"})
