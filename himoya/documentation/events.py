"""The events of documentation (see himoya.core.events). Their data holds ids, codes
and the names of the sections filled; never what a person said or a clinician found.
Consents and interviews go on the case timeline; evaluations and findings only on the
audit chain, since the timeline is read by staff who may not read evaluations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from himoya.core.events import Names, register
from himoya.documentation.models import ConsentKind, Consistency, EvaluationKind

Data = Mapping[str, Any]


def _label(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _consent(d: Data, names: Names) -> str | None:
    if "kind" not in d:
        return None
    return _('Recorded the consent "%(consent)s".') % {"consent": _label(ConsentKind, d["kind"])}


def _revoke(d: Data, names: Names) -> str | None:
    if "kind" not in d:
        return None
    return _('Recorded that the consent "%(consent)s" was revoked.') % {
        "consent": _label(ConsentKind, d["kind"])
    }


def _evaluation(d: Data, names: Names) -> str | None:
    if "kind" not in d:
        return None
    if d["kind"] == EvaluationKind.PSYCHOLOGICAL:
        return _("Recorded a psychological evaluation.")
    return _("Recorded a medical evaluation.")


def _finding(d: Data, names: Names) -> str | None:
    if "rating" not in d:
        return None
    return _("Recorded a finding rated %(rating)s.") % {"rating": _label(Consistency, d["rating"])}


register("consent.give", _l("Consent recorded"), _consent, timeline=True)
register("consent.revoke", _l("Consent revoked"), _revoke, timeline=True)
register(
    "interview.record",
    _l("Allegation interview recorded"),
    _l("Recorded an allegation interview."),
    timeline=True,
)
register("evaluation.record", _l("Evaluation recorded"), _evaluation)
register("finding.add", _l("Finding recorded"), _finding)


def _finding_change(d: Data, names: Names) -> str | None:
    if "rating" not in d:
        return None
    return _("Corrected a finding, now rated %(rating)s.") % {
        "rating": _label(Consistency, d["rating"])
    }


def _report(d: Data, names: Names) -> str | None:
    if "format" not in d:
        return None
    return _("Downloaded the evaluation report (%(format)s, %(language)s).") % {
        "format": str(d["format"]).upper(),
        "language": d.get("language", ""),
    }


register("finding.change", _l("Finding corrected"), _finding_change)
register("finding.delete", _l("Finding deleted"), _l("Deleted a finding."))
register("evaluation.report", _l("Evaluation report downloaded"), _report)
