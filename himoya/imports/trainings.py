"""The trainings register (``shared/interchange.md``, "Trainings import"): its row rule
and its import, built like the publications': every row checked first, all or nothing,
a known external_id updates that training, one audit event per training created or
changed and a ``register.import`` summary, in one transaction."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation
from himoya.imports.keyed import import_keyed
from himoya.imports.models import ImportJob
from himoya.imports.rules import (
    MAX_LENGTH,
    PUBLICATION_LANGUAGES,
    Progress,
    Rules,
    url_validator,
)
from himoya.imports.services import ImportResult
from himoya.outreach.models import Audience, Training

TRAINING_COLUMNS: dict[str, bool] = {
    "external_id": True,
    "held_on": True,
    "topic": True,
    "audience": True,
    "participants": True,
    "language": False,
    "place": False,
    "url": False,
}
LIMITS = {**MAX_LENGTH, "topic": 500, "place": 300}
FIELDS = ["held_on", "topic", "audiences", "participants", "language", "place", "url"]


@dataclass(slots=True)
class TrainingRow:
    line: int
    external_id: str
    held_on: dt.date
    topic: str
    audiences: list[str]
    participants: int
    language: str
    place: str
    url: str


def _length(rules: Rules, line: int, values: dict[str, str], column: str) -> str:
    value = values.get(column, "")
    if len(value) > LIMITS[column]:
        rules.fail(
            line, column, _("Too long: at most %(max)s characters.") % {"max": LIMITS[column]}
        )
    return value


def training_row(rules: Rules, line: int, v: dict[str, str]) -> TrainingRow | None:
    before = len(rules.errors)
    external_id = rules.required(line, v, "external_id")
    _length(rules, line, v, "external_id")
    held_on = rules.date(line, "held_on", rules.required(line, v, "held_on"))
    topic = " ".join(rules.required(line, v, "topic").split())
    _length(rules, line, v, "topic")
    codes = [c.strip().lower() for c in v.get("audience", "").split(";") if c.strip()]
    if not codes:
        rules.fail(line, "audience", _("Name at least one audience."))
    for code in dict.fromkeys(codes):
        rules.choice(line, "audience", code, Audience.values)
    participants = 0
    raw = rules.required(line, v, "participants")
    if raw:
        if raw.isascii() and raw.isdigit():
            participants = int(raw)
        else:
            rules.fail(line, "participants", _("Enter a whole number, 0 or more."))
    language = v.get("language", "")
    language = rules.choice(line, "language", language, PUBLICATION_LANGUAGES) if language else ""
    place = " ".join(_length(rules, line, v, "place").split())
    url = _length(rules, line, v, "url")
    if url:
        try:
            url_validator(url)
        except ValidationError:
            rules.fail(line, "url", _("Enter a full web address (http:// or https://)."))
    if len(rules.errors) > before:
        return None
    assert held_on is not None
    audiences = [code for code in Audience.values if code in codes]
    return TrainingRow(
        line, external_id, held_on, topic, audiences, participants, language, place, url
    )


def import_trainings(
    *,
    actor: Any,
    organisation: Organisation,
    source: str | os.PathLike[str] | IO[bytes],
    dry_run: bool = False,
    job: ImportJob | None = None,
    progress: Progress | None = None,
    max_errors: int | None = None,
) -> ImportResult:
    """Imports the register of trainings (interchange.md); all or nothing, a known
    external_id updates that training. Used by ``himoya import-trainings`` and by the
    staff page's import jobs alike. Raises ``ImportInvalid`` listing every bad row (the
    first ``max_errors`` of them, if given; nothing written)."""
    return import_keyed(
        actor=actor,
        organisation=organisation,
        source=source,
        kind="trainings",
        model=Training,
        columns=TRAINING_COLUMNS,
        row_rule=training_row,
        fields=FIELDS,
        event="training.import",
        dry_run=dry_run,
        job=job,
        progress=progress,
        max_errors=max_errors,
    )
