"""The events of evidence (see himoya.core.events). Their data holds ids, the kind, size
and SHA-256 of a file, and codes of what was done and why; never a file name or what a
person told about the capture. The custody events make an item's chain of custody."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from himoya.core.events import Names, register

Data = Mapping[str, Any]


def _what(d: Data) -> str:
    what = str(d.get("what", ""))
    return {
        "original": _("the original"),
        "clean": _("the working copy"),
        "preview": _("the preview"),
        "redacted": _("a redacted copy"),
    }.get(what, what)


def _purpose(d: Data) -> str:
    from himoya.evidence.services import Purpose

    return str(dict(Purpose.CHOICES).get(d.get("purpose", ""), d.get("purpose", "")))


def _custody(sentence: Any) -> Any:
    def message(d: Data, names: Names) -> str | None:
        if "item" not in d:
            return None
        return str(sentence) % {"item": f"E-{d['item']}", "what": _what(d), "purpose": _purpose(d)}

    return message


def _received(d: Data, names: Names) -> str | None:
    if "item" not in d:
        return None
    return _("Received evidence item %(item)s (%(kind)s, SHA-256 %(sha256)s).") % {
        "item": f"E-{d['item']}",
        "kind": d.get("kind", ""),
        "sha256": d.get("sha256", "")[:16] + "…",
    }


register(
    "evidence.receive",
    _l("Evidence received"),
    _received,
    timeline=True,
)
register(
    "evidence.view",
    _l("Evidence viewed"),
    _custody(_l("Viewed %(what)s of evidence item %(item)s (%(purpose)s).")),
)
register(
    "evidence.download",
    _l("Evidence downloaded"),
    _custody(_l("Downloaded %(what)s of evidence item %(item)s (%(purpose)s).")),
)
register(
    "evidence.share",
    _l("Evidence shared"),
    _custody(_l("Shared %(what)s of evidence item %(item)s (%(purpose)s).")),
)
register(
    "evidence.export",
    _l("Evidence exported"),
    _custody(_l("Exported %(what)s of evidence item %(item)s (%(purpose)s).")),
)
register(
    "evidence.redact",
    _l("Evidence redacted"),
    _l("Made a redacted working copy of evidence item E-%(item)s (%(areas)s areas)."),
    timeline=True,
)
register(
    "evidence.mismatch",
    _l("Evidence failed verification"),
    _l("Evidence item E-%(item)s does not match its recorded SHA-256 (%(problem)s)."),
)


def _packaged(d: Data, names: Names) -> str | None:
    if "sha256" not in d:
        return None
    return _(
        "Made an evidence package of %(files)s files (%(language)s, %(purpose)s), "
        "SHA-256 %(sha256)s."
    ) % {
        "files": d.get("files", 0),
        "language": d.get("language", ""),
        "purpose": _purpose(d),
        "sha256": d["sha256"],
    }


register(
    "evidence.package",
    _l("Evidence package made"),
    _packaged,
    timeline=True,
)


def _finding_photos(d: Data, names: Names) -> str | None:
    if "finding" not in d:
        return None
    return _("Photographs of finding %(finding)s: linked %(added)s, unlinked %(removed)s.") % {
        "finding": d["finding"],
        "added": ", ".join(f"E-{pk}" for pk in d.get("added", [])) or "—",
        "removed": ", ".join(f"E-{pk}" for pk in d.get("removed", [])) or "—",
    }


register("finding.photos", _l("Photographs of a finding changed"), _finding_photos)
