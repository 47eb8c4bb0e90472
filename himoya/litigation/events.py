"""The events of litigation and remedies (see himoya.core.events). Their data holds
codes, ids, dates and amounts; never a court's case number or a decision's text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from himoya.core.events import Names, register
from himoya.core.formats import show_stored
from himoya.litigation.models import Instance, ProceedingKind

Data = Mapping[str, Any]


def _label(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _proceeding(d: Data, names: Names) -> str | None:
    if "instance" not in d:
        return None
    values = {
        "instance": _label(Instance, d["instance"]),
        "kind": _label(ProceedingKind, d.get("kind", "")),
    }
    if d.get("strategic"):
        return _("Recorded a court proceeding (%(kind)s, %(instance)s), strategic litigation.") % (
            values
        )
    return _("Recorded a court proceeding (%(kind)s, %(instance)s).") % values


def _strategic(d: Data, names: Names) -> str:
    if d.get("strategic"):
        return _("Marked a court proceeding as strategic litigation.")
    return _("Marked a court proceeding as no longer strategic litigation.")


def _decision(d: Data, names: Names) -> str | None:
    if "decided_on" not in d:
        return None
    return _("Recorded a court decision of %(date)s (%(instance)s).") % {
        "date": show_stored(d["decided_on"]),
        "instance": _label(Instance, d.get("instance", "")),
    }


def _compensation(d: Data, names: Names) -> str | None:
    claimed, awarded = d.get("claimed"), d.get("awarded")
    if claimed and awarded:
        return _("Recorded compensation: %(claimed)s claimed, %(awarded)s awarded.") % {
            "claimed": claimed,
            "awarded": awarded,
        }
    if claimed:
        return _("Recorded a compensation claim of %(amount)s.") % {"amount": claimed}
    if awarded:
        return _("Recorded compensation of %(amount)s awarded.") % {"amount": awarded}
    return None


def _award(d: Data, names: Names) -> str | None:
    if not d.get("awarded"):
        return None
    return _("Recorded compensation of %(amount)s awarded.") % {"amount": d["awarded"]}


register("proceeding.add", _l("Court proceeding recorded"), _proceeding, timeline=True)
register("proceeding.strategic", _l("Strategic litigation flag changed"), _strategic, timeline=True)
register("decision.add", _l("Court decision recorded"), _decision, timeline=True)
register("compensation.add", _l("Compensation recorded"), _compensation, timeline=True)
register("compensation.award", _l("Compensation awarded"), _award, timeline=True)
