"""The events of shared reference data (see himoya.core.events). They are recorded at
instance level and read by every organisation on the reference changes page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from himoya.core.events import Names, register, register_names


def _place(data: Mapping[str, Any], names: Names) -> str:
    return str(names.get("facility", data.get("facility"), "?"))


def _created(data: Mapping[str, Any], names: Names) -> str | None:
    if "facility" not in data:
        return None  # recorded before the sentence existed
    if data.get("verified") is False:
        return gettext("Proposed %(facility)s (not verified yet).") % {
            "facility": _place(data, names)
        }
    return gettext("Added %(facility)s.") % {"facility": _place(data, names)}


def _verified(data: Mapping[str, Any], names: Names) -> str | None:
    if "facility" not in data:
        return None
    return gettext("Verified %(facility)s.") % {"facility": _place(data, names)}


def _steward(granted: bool) -> Any:
    def sentence(data: Mapping[str, Any], names: Names) -> str | None:
        who = names.get("user", data.get("user"))
        if who is None:
            return None
        if granted:
            return gettext("Named %(user)s a reference data steward.") % {"user": who}
        return gettext("%(user)s is no longer a reference data steward.") % {"user": who}

    return sentence


register("facility.create", _("Place of detention added"), _created, refs={"facility": "facility"})
register(
    "facility.verify", _("Place of detention verified"), _verified, refs={"facility": "facility"}
)
register("steward.grant", _("Reference data steward named"), _steward(True), refs={"user": "user"})
register(
    "steward.revoke", _("Reference data steward removed"), _steward(False), refs={"user": "user"}
)


def _changed(kind: str, done: Any) -> Any:
    def sentence(data: Mapping[str, Any], names: Names) -> str | None:
        if kind not in data:
            return None
        return done() % {"name": names.get(kind, data[kind], "?")}

    return sentence


register(
    "facility.update",
    _("Place of detention changed"),
    _changed("facility", lambda: gettext("Changed %(name)s.")),
    refs={"facility": "facility"},
)
register(
    "term.create",
    _("Vocabulary term added"),
    _changed("term", lambda: gettext("Added %(name)s.")),
    refs={"term": "term"},
)
register(
    "term.update",
    _("Vocabulary term changed"),
    _changed("term", lambda: gettext("Changed %(name)s.")),
    refs={"term": "term"},
)
register("region.update", _("Region changed"))
register("partner.update", _("Partner organisation changed"))


def _term_names(ids: set[Any]) -> dict[Any, str]:
    from himoya.reference.models import Term

    return {t.pk: f"{t.vocabulary}: {t.label}" for t in Term.objects.filter(pk__in=ids)}


register_names("term", _term_names)
