"""The row rules of the register formats: each value checked with the domain rules of
``cases.services`` (vocabulary terms, dates, minors), every problem reported as (line,
column, reason). Nothing here writes."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.cases.models import Rehabilitation, Sex
from himoya.cases.services import (
    check_minor,
    not_in_future,
)
from himoya.cases.snapshot import rehabilitation_errors
from himoya.core.countries import country_error, normalise_country
from himoya.imports.reading import RowError, open_source, read_table, records
from himoya.outreach.models import Publication
from himoya.reference import vocab
from himoya.reference.models import Term
from himoya.reference.services import term_for

BATCH = 2000

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: phase is "check", "write" or "index"; total may be an
estimate."""


CASE_COLUMNS: dict[str, bool] = {
    "external_id": True,
    "received_on": True,
    "channel": True,
    "country": True,
    "region": False,
    "victim_name": False,
    "victim_sex": False,
    "victim_birth_date": False,
    "victim_is_minor": False,
    "violations": True,
    "perpetrator_agency": True,
    "facility": False,
    "legal_aid": False,
    "rehabilitation": False,
    "rehabilitation_started_on": False,
    "summary": False,
}
PUBLICATION_COLUMNS: dict[str, bool] = {
    "external_id": True,
    "published_on": True,
    "language": True,
    "title": True,
    "kind": False,
    "url": False,
}
PUBLICATION_LANGUAGES = ("ru", "kk", "tg", "en", "uz")
REHABILITATION = frozenset(Rehabilitation.values)
SEXES = frozenset(Sex.values)
MAX_LENGTH = {
    "external_id": 100,
    "victim_name": 300,
    "facility": 300,
    "region": 120,
    "title": 500,
    "url": 500,
}


class Rules:
    """Shared per-import state for checking values: vocabulary look-ups are made once
    per distinct value (through ``reference.services.term_for``), not once per row."""

    def __init__(self, max_errors: int | None = None) -> None:
        self.errors: list[RowError] = []
        # Every problem is counted, only the first ``max_errors`` are kept: a file of a
        # million bad rows would otherwise hold millions of messages in memory.
        self.max_errors = max_errors
        self.error_count = 0
        self._terms: dict[tuple[str, str], Term | ValidationError] = {}
        self._today = timezone.localdate()

    def fail(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if self.max_errors is None or len(self.errors) < self.max_errors:
            self.errors.append(RowError(line, column, reason))

    def fail_validation(self, line: int, exc: ValidationError, columns: dict[str, str]) -> None:
        for key, messages in exc.message_dict.items():
            for message in messages:
                self.fail(line, columns.get(key, key), message)

    def term(self, line: int, column: str, vocabulary: str, code: str) -> Term | None:
        key = (vocabulary, code)
        if key not in self._terms:
            try:
                self._terms[key] = term_for(vocabulary, code, field_name=column)
            except ValidationError as exc:
                self._terms[key] = exc
        found = self._terms[key]
        if isinstance(found, ValidationError):
            self.fail_validation(line, found, {})
            return None
        return found

    def required(self, line: int, values: dict[str, str], column: str) -> str:
        value = values.get(column, "")
        if not value:
            self.fail(line, column, _("Enter a value."))
        return value

    def length(self, line: int, values: dict[str, str], column: str) -> str:
        value = values.get(column, "")
        limit = MAX_LENGTH[column]
        if len(value) > limit:
            self.fail(line, column, _("Too long: at most %(max)s characters.") % {"max": limit})
        return value

    def date(self, line: int, column: str, value: str) -> dt.date | None:
        if not value:
            return None
        try:
            parsed = dt.date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError(value)
        except ValueError:
            self.fail(line, column, _("Enter the date as YYYY-MM-DD."))
            return None
        if parsed > self._today:  # else not in the future, whatever the time now
            try:
                not_in_future(parsed, field_name=column)
            except ValidationError as exc:
                self.fail_validation(line, exc, {})
                return None
        return parsed

    def yes_no(self, line: int, column: str, value: str) -> bool | None:
        lowered = value.lower()
        if lowered in ("", "yes", "no"):
            return None if not lowered else lowered == "yes"
        self.fail(line, column, _("Enter yes or no."))
        return None

    def choice(self, line: int, column: str, value: str, allowed: Iterable[str]) -> str:
        lowered = value.lower()
        if lowered not in allowed:
            self.fail(line, column, _("Unknown value “%(value)s”.") % {"value": value})
        return lowered

    def country(self, line: int, column: str, value: str) -> str:
        message = country_error(value)
        if message is not None:
            self.fail(line, column, message)
        return normalise_country(value)

    def unique(self, line: int, seen: dict[str, int], external_id: str) -> None:
        if external_id in seen:
            self.fail(
                line,
                "external_id",
                _("The register number “%(value)s” appears again (first on line %(line)s).")
                % {"value": external_id, "line": seen[external_id]},
            )
        else:
            seen[external_id] = line


@dataclass(slots=True)
class CaseRow:
    line: int
    external_id: str
    received_on: dt.date
    channel: Term
    country: str
    region: str
    victim_name: str
    victim_sex: str
    victim_birth_date: str
    victim_minor: bool
    violations: list[Term]
    agency: Term
    facility: str
    legal_aid: bool
    rehabilitation: str
    rehabilitation_started_on: dt.date | None
    summary: str
    fingerprint: str = ""

    def canonical(self) -> bytes:
        return json.dumps(
            [
                self.external_id,
                self.received_on.isoformat(),
                self.channel.code,
                self.country,
                self.region.casefold(),
                self.victim_name,
                self.victim_sex,
                self.victim_birth_date,
                self.victim_minor,
                sorted(t.code for t in self.violations),
                self.agency.code,
                normal_name(self.facility).casefold(),
                self.legal_aid,
                self.rehabilitation,
                str(self.rehabilitation_started_on or ""),
                self.summary,
            ],
            ensure_ascii=False,
        ).encode()


def normal_name(value: str) -> str:
    return " ".join(value.split())


def case_row(rules: Rules, line: int, v: dict[str, str]) -> CaseRow | None:
    before = rules.error_count
    external_id = rules.required(line, v, "external_id")
    rules.length(line, v, "external_id")
    received_on = rules.date(line, "received_on", rules.required(line, v, "received_on"))
    channel_code = rules.required(line, v, "channel").lower()
    channel = rules.term(line, "channel", vocab.CHANNEL, channel_code) if channel_code else None
    # An empty country is reported once, as a missing value.
    country = rules.required(line, v, "country")
    country = rules.country(line, "country", country) if country else ""
    region = normal_name(rules.length(line, v, "region"))
    name = rules.length(line, v, "victim_name")
    sex = rules.choice(line, "victim_sex", v.get("victim_sex") or Sex.UNKNOWN, SEXES)
    birth = v.get("victim_birth_date", "")
    minor_flag = rules.yes_no(line, "victim_is_minor", v.get("victim_is_minor", ""))
    codes = [c.strip().lower() for c in v.get("violations", "").split(";") if c.strip()]
    if not codes:
        rules.fail(line, "violations", _("Name at least one violation."))
    violations = [rules.term(line, "violations", vocab.VIOLATION, c) for c in dict.fromkeys(codes)]
    agency_code = rules.required(line, v, "perpetrator_agency").lower()
    agency = (
        rules.term(line, "perpetrator_agency", vocab.AGENCY, agency_code) if agency_code else None
    )
    facility = normal_name(rules.length(line, v, "facility"))
    legal_aid = rules.yes_no(line, "legal_aid", v.get("legal_aid", ""))
    rehabilitation = rules.choice(
        line, "rehabilitation", v.get("rehabilitation") or Rehabilitation.NONE, REHABILITATION
    )
    started = rules.date(line, "rehabilitation_started_on", v.get("rehabilitation_started_on", ""))
    if rehabilitation in REHABILITATION:
        # A start date that is not a date was reported above: it counts as given here.
        given = bool(v.get("rehabilitation_started_on"))
        for column, reason in rehabilitation_errors(rehabilitation, started=given).items():
            rules.fail(line, column, reason)
    minor = False
    if received_on is not None:
        try:
            minor = check_minor(
                birth_date=birth, is_minor=minor_flag, on=received_on, field_name="victim_is_minor"
            )
        except ValidationError as exc:
            rules.fail_validation(line, exc, {"birth_date": "victim_birth_date"})
    if rules.error_count > before:
        return None
    assert received_on is not None and channel is not None and agency is not None
    return CaseRow(
        line=line,
        external_id=external_id,
        received_on=received_on,
        channel=channel,
        country=country,
        region=region,
        victim_name=normal_name(name),
        victim_sex=sex,
        victim_birth_date=birth,
        victim_minor=minor,
        violations=[t for t in violations if t is not None],
        agency=agency,
        facility=facility,
        legal_aid=bool(legal_aid),
        rehabilitation=rehabilitation,
        rehabilitation_started_on=started,
        summary=v.get("summary", ""),
    )


def parse(
    source: str | os.PathLike[str] | IO[bytes],
    columns: dict[str, bool],
    row_parser: Callable[[Rules, int, dict[str, str]], Any],
    progress: Progress | None,
    max_errors: int | None = None,
) -> tuple[list[Any], Rules]:
    rules = Rules(max_errors)
    parsed: list[Any] = []
    seen: dict[str, int] = {}
    stream = open_source(source)
    table = None
    try:
        table = read_table(stream)
        for count, (line, values) in enumerate(records(table, columns, rules.fail), 1):
            row = row_parser(rules, line, values)
            if values.get("external_id"):
                rules.unique(line, seen, values["external_id"])
            if row is not None:
                parsed.append(row)
            if progress and count % BATCH == 0:
                progress("check", count, max(table.estimate, count))
    finally:
        if table is not None:
            table.close()
        if isinstance(source, str | os.PathLike):
            stream.close()
    if progress:
        progress("check", len(seen), len(seen))
    return parsed, rules


# ---------------------------------------------------------------- cases


@dataclass(slots=True)
class PublicationRow:
    line: int
    external_id: str
    published_on: dt.date
    language: str
    title: str
    kind: str
    url: str


url_validator = URLValidator(schemes=["http", "https"])


def publication_row(rules: Rules, line: int, v: dict[str, str]) -> PublicationRow | None:
    before = rules.error_count
    external_id = rules.required(line, v, "external_id")
    rules.length(line, v, "external_id")
    published_on = rules.date(line, "published_on", rules.required(line, v, "published_on"))
    language = (
        rules.choice(line, "language", rules.required(line, v, "language"), PUBLICATION_LANGUAGES)
        if v.get("language")
        else ""
    )
    title = rules.required(line, v, "title")
    rules.length(line, v, "title")
    kind = rules.choice(line, "kind", v.get("kind", ""), ["", *Publication.Kind.values])
    url = rules.length(line, v, "url")
    if url:
        try:
            url_validator(url)
        except ValidationError:
            rules.fail(line, "url", _("Enter a full web address (http:// or https://)."))
    if rules.error_count > before:
        return None
    assert published_on is not None
    return PublicationRow(line, external_id, published_on, language, title, kind, url)
