"""Importing an organisation's registers (cases, publications) from CSV or XLSX.

The formats are a contract (``shared/interchange.md``). One function per register,
used by the CLI (as ``SystemActor``) and by the staff pages alike:

* every row is validated first, with the domain rules of ``cases.services``; any invalid
  row means nothing is written, and every bad row is reported as (line, column, reason),
  line numbers as in the file (the header is line 1);
* then everything is written in ONE transaction with bulk inserts, in batches, together
  with the audit events: one ``case.import`` event per case created or changed, one per
  place of detention or region added, and a ``register.import`` summary with the counts;
* a row whose ``external_id`` is already known updates that case (and the appeal and
  victim the import made for it). Each imported row leaves a keyed fingerprint
  (``ImportedCase``), so a row imported again unchanged is skipped: re-importing the same
  file writes nothing but the summary event. A case edited in the staff pages keeps those
  edits until its row in the register changes.

Each row's victim becomes a person of their own: people are never merged by name (two
people with one name are common), so "distinct victims" in the statistics are distinct
rows of the register. The register does not record consent, so imported appeals record
none.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from himoya.accounts.models import Organisation, User
from himoya.cases import vocab
from himoya.cases.models import (
    Appeal,
    Case,
    CaseEvent,
    CaseParty,
    CaseStatus,
    Facility,
    ImportedCase,
    ImportJob,
    PartyRole,
    Person,
    Publication,
    Referral,
    ReferralKind,
    Region,
    Sex,
    Term,
    Urgency,
    Violation,
)
from himoya.cases.services import (
    case_search_texts,
    check_minor,
    not_in_future,
    reserve_case_numbers,
    term_for,
    violation_mask,
)
from himoya.core.audit import audit_record_many
from himoya.core.crypto import derive_key, normalise_text
from himoya.core.fields import EncryptedMixin, blind_index_fields
from himoya.core.policies import require

BATCH = 2000
logger = logging.getLogger(__name__)

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
REHABILITATION = ("none", "medical", "psychological", "both")
SEXES = frozenset(Sex.values)
MAX_LENGTH = {
    "external_id": 100,
    "victim_name": 300,
    "facility": 300,
    "region": 120,
    "title": 500,
    "url": 500,
}

# ISO 3166-1 alpha-2: the officially assigned codes.
ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK
    DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR
    GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM
    KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP
    MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL
    PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST
    SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG
    VI VN VU WF WS YE YT ZA ZM ZW""".split()  # noqa: SIM905
)

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: phase is "check" or "write"; total may be an estimate."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def as_list(self) -> list[Any]:
        return [self.line, self.column, self.reason]


class ImportInvalid(Exception):
    """The file has invalid rows; nothing was written."""

    def __init__(self, errors: list[RowError], rows: int = 0) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors
        self.rows = rows


class OrganisationChoice(Exception):
    """``--org`` was left out but the instance has several organisations (or none)."""


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    facilities_added: int = 0
    regions_added: int = 0
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "facilities_added": self.facilities_added,
            "regions_added": self.regions_added,
        }


def organisation_for_import(slug: str | None) -> Organisation:
    """The organisation named by ``--org``; without it, the only one on the instance."""
    if slug:
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            raise OrganisationChoice(
                _("There is no organisation “%(slug)s”. Choose one of: %(choices)s.")
                % {"slug": slug, "choices": _org_choices()}
            )
        return org
    orgs = list(Organisation.objects.order_by("slug")[:2])
    if len(orgs) == 1:
        return orgs[0]
    if not orgs:
        raise OrganisationChoice(
            _("There is no organisation yet: create one with `himoya org create`.")
        )
    raise OrganisationChoice(
        _("This instance has several organisations: choose one with --org (%(choices)s).")
        % {"choices": _org_choices()}
    )


def _org_choices() -> str:
    return ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True))


# ---------------------------------------------------------------- reading the file


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    estimate: int


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(source: IO[bytes]) -> Table:
    estimate = 0
    while chunk := source.read(1 << 20):
        estimate += chunk.count(b"\n")
    source.seek(0)
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except UnicodeDecodeError:
        raise ImportInvalid([RowError(1, "", _("The file is not UTF-8 text."))]) from None
    except csv.Error:
        raise ImportInvalid([RowError(1, "", _("The file is not a CSV table."))]) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise ImportInvalid(
                    [RowError(line, "", _("The file is not UTF-8 text from this line on."))]
                ) from None
            except csv.Error:
                raise ImportInvalid(
                    [RowError(line, "", _("This line is not valid CSV (check the quotes)."))]
                ) from None
            yield line, [value.strip() for value in values]
            line = reader.line_num + 1

    return Table(header=[h.strip() for h in header or []], rows=rows(), estimate=estimate)


def _read_xlsx(source: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise ImportInvalid([RowError(1, "", _("The workbook could not be read."))]) from None
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    first = next(cells, None)
    header = [_cell(v) for v in first or ()]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, values in enumerate(cells, start=2):
            yield line, [_cell(v) for v in values]
        book.close()

    return Table(header=header, rows=rows(), estimate=max((sheet.max_row or 1) - 1, 0))


def read_table(source: IO[bytes]) -> Table:
    """A CSV (UTF-8, comma, header row) or XLSX (first sheet) table, told apart by
    content, never by the file name."""
    magic = source.read(4)
    source.seek(0)
    return _read_xlsx(source) if magic == b"PK\x03\x04" else _read_csv(source)


def _records(
    table: Table, columns: dict[str, bool], errors: list[RowError]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Checks the header, then yields (line, {column: value}) for each non-empty row."""
    if not table.header:
        errors.append(RowError(1, "", _("The file is empty: it has no header row.")))
        return
    names = [h.lower() for h in table.header]
    if len(names) == 1 and ";" in names[0]:
        # What Excel writes as "CSV" where the decimal separator is a comma.
        errors.append(
            RowError(
                1,
                "",
                _(
                    "The columns are separated by semicolons: save the file as CSV UTF-8 "
                    "with commas, or upload the XLSX workbook."
                ),
            )
        )
        return
    seen: set[str] = set()
    for name in names:
        if name and name not in columns:
            errors.append(
                RowError(
                    1,
                    name,
                    _("Unknown column “%(column)s”. The columns are: %(columns)s.")
                    % {"column": name, "columns": ", ".join(columns)},
                )
            )
        elif name in seen:
            errors.append(
                RowError(1, name, _("The column “%(column)s” appears twice.") % {"column": name})
            )
        seen.add(name)
    for name, required in columns.items():
        if required and name not in seen:
            errors.append(
                RowError(
                    1, name, _("The required column “%(column)s” is missing.") % {"column": name}
                )
            )
    if errors:
        return
    width = len(names)
    for line, values in table.rows:
        if not any(values):
            continue
        if len(values) > width and any(values[width:]):
            errors.append(
                RowError(line, "", _("The row has more values than the header has columns."))
            )
            continue
        yield line, dict(zip(names, values + [""] * (width - len(values)), strict=False))


# ---------------------------------------------------------------- row rules


class _Rules:
    """Shared per-import state for checking values: vocabulary look-ups are made once
    per distinct value (through ``services.term_for``), not once per row."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self._terms: dict[tuple[str, str], Term | ValidationError] = {}
        self._today = timezone.localdate()

    def fail(self, line: int, column: str, reason: str) -> None:
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
        code = value.upper()
        if len(code) != 2 or not code.isalpha():
            self.fail(line, column, _("Enter the country as a two-letter ISO code, e.g. KZ or TJ."))
        elif code not in ISO_COUNTRIES:
            self.fail(
                line,
                column,
                _("“%(value)s” is not an ISO 3166-1 country code.") % {"value": value},
            )
        return code

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
                _normal_name(self.facility).casefold(),
                self.legal_aid,
                self.rehabilitation,
                str(self.rehabilitation_started_on or ""),
                self.summary,
            ],
            ensure_ascii=False,
        ).encode()


def _normal_name(value: str) -> str:
    return " ".join(value.split())


def _case_row(rules: _Rules, line: int, v: dict[str, str]) -> CaseRow | None:
    before = len(rules.errors)
    external_id = rules.required(line, v, "external_id")
    rules.length(line, v, "external_id")
    received_on = rules.date(line, "received_on", rules.required(line, v, "received_on"))
    channel_code = rules.required(line, v, "channel").lower()
    channel = rules.term(line, "channel", vocab.CHANNEL, channel_code) if channel_code else None
    country = rules.country(line, "country", rules.required(line, v, "country"))
    region = _normal_name(rules.length(line, v, "region"))
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
    facility = _normal_name(rules.length(line, v, "facility"))
    legal_aid = rules.yes_no(line, "legal_aid", v.get("legal_aid", ""))
    rehabilitation = rules.choice(
        line, "rehabilitation", v.get("rehabilitation") or "none", REHABILITATION
    )
    started = rules.date(line, "rehabilitation_started_on", v.get("rehabilitation_started_on", ""))
    if rehabilitation in REHABILITATION and rehabilitation != "none":
        if not v.get("rehabilitation_started_on"):
            rules.fail(
                line, "rehabilitation_started_on", _("Enter the date rehabilitation started.")
            )
    elif rehabilitation == "none" and v.get("rehabilitation_started_on"):
        rules.fail(
            line,
            "rehabilitation_started_on",
            _("The rehabilitation is “none”: leave its start date empty or name the kind."),
        )
    minor = False
    if received_on is not None:
        try:
            minor = check_minor(
                birth_date=birth, is_minor=minor_flag, on=received_on, field_name="victim_is_minor"
            )
        except ValidationError as exc:
            rules.fail_validation(line, exc, {"birth_date": "victim_birth_date"})
    if len(rules.errors) > before:
        return None
    assert received_on is not None and channel is not None and agency is not None
    return CaseRow(
        line=line,
        external_id=external_id,
        received_on=received_on,
        channel=channel,
        country=country,
        region=region,
        victim_name=_normal_name(name),
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


def _open(source: str | os.PathLike[str] | IO[bytes]) -> IO[bytes]:
    if isinstance(source, str | os.PathLike):
        return Path(source).open("rb")
    source.seek(0)
    return source


def _parse(
    source: str | os.PathLike[str] | IO[bytes],
    columns: dict[str, bool],
    row_parser: Callable[[_Rules, int, dict[str, str]], Any],
    progress: Progress | None,
) -> tuple[list[Any], _Rules]:
    rules = _Rules()
    parsed: list[Any] = []
    seen: dict[str, int] = {}
    stream = _open(source)
    try:
        table = read_table(stream)
        for count, (line, values) in enumerate(_records(table, columns, rules.errors), 1):
            row = row_parser(rules, line, values)
            if values.get("external_id"):
                rules.unique(line, seen, values["external_id"])
            if row is not None:
                parsed.append(row)
            if progress and count % BATCH == 0:
                progress("check", count, max(table.estimate, count))
    finally:
        if isinstance(source, str | os.PathLike):
            stream.close()
    if progress:
        progress("check", len(seen), len(seen))
    return parsed, rules


# ---------------------------------------------------------------- cases


def _fingerprints(rows: list[CaseRow], organisation: Organisation) -> None:
    key = derive_key(f"register.import:{organisation.pk}")
    for row in rows:
        row.fingerprint = hmac.new(key, row.canonical(), hashlib.sha256).hexdigest()


class _Places:
    """Regions and places of detention by name, loaded once; missing ones are added."""

    def __init__(self) -> None:
        self.regions: dict[tuple[str, str], Region] = {}
        for region in Region.objects.all():
            for name in (region.name_ru, region.name_kk, region.name_tg, region.name_en):
                if name:
                    self.regions.setdefault((region.country, normalise_text(name)), region)
        self.facilities = {(f.country, normalise_text(f.name)): f for f in Facility.objects.all()}
        self.added: list[tuple[str, Any]] = []
        # Normal forms of the names met: a register names few places, each many times.
        self._normal: dict[str, str] = {}

    def _key(self, country: str, name: str) -> tuple[str, str]:
        normal = self._normal.get(name)
        if normal is None:
            normal = self._normal[name] = normalise_text(name)
        return (country, normal)

    def prepare(self, rows: Iterable[CaseRow]) -> None:
        """Adds, in bulk, the regions and facilities the rows name that are not known yet."""
        new_regions: dict[tuple[str, str], Region] = {}
        for row in rows:
            key = self._key(row.country, row.region)
            if row.region and key not in self.regions and key not in new_regions:
                new_regions[key] = Region(country=row.country, name_ru=row.region, verified=False)
        if new_regions:
            created = Region.objects.bulk_create(list(new_regions.values()))
            self.regions.update(zip(new_regions, created, strict=True))
            self.added += [("region.create", region) for region in created]
        new_facilities: dict[tuple[str, str], Facility] = {}
        for row in rows:
            key = self._key(row.country, row.facility)
            if row.facility and key not in self.facilities and key not in new_facilities:
                new_facilities[key] = Facility(
                    name=row.facility,
                    country=row.country,
                    region=self.region(row),
                    verified=False,
                    source="register import",
                )
        if new_facilities:
            created_f = Facility.objects.bulk_create(list(new_facilities.values()))
            self.facilities.update(zip(new_facilities, created_f, strict=True))
            self.added += [("facility.create", facility) for facility in created_f]

    def region(self, row: CaseRow) -> Region | None:
        return self.regions.get(self._key(row.country, row.region)) if row.region else None

    def facility(self, row: CaseRow) -> Facility | None:
        return self.facilities.get(self._key(row.country, row.facility)) if row.facility else None


def _referral_kinds(rehabilitation: str) -> list[str]:
    if rehabilitation == "both":
        return [ReferralKind.MEDICAL, ReferralKind.PSYCHOLOGICAL]
    return [rehabilitation] if rehabilitation in ("medical", "psychological") else []


def _index(
    documents: list[tuple[int, int, dict[str, str]]], progress: Progress | None = None
) -> None:
    from himoya.search.services import IndexItem, index_documents_bulk

    def items() -> Iterator[IndexItem]:
        for done, (pk, org_id, texts) in enumerate(documents, 1):
            if progress and done % BATCH == 0:
                progress("index", done, len(documents))
            yield IndexItem(pk, org_id, texts)

    index_documents_bulk(owner_type=Case, items=items())
    if progress and documents:
        progress("index", len(documents), len(documents))


class _CaseRef:
    """What the audit log reads of a case (its type and id), without building a Case."""

    _meta = Case._meta

    def __init__(self, pk: int) -> None:
        self.pk = pk


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


def _converter(field: Any) -> Any:
    """The field's own conversion where the database needs it (encryption, JSON); None
    where the value goes in as it is (ids, text, numbers, booleans, dates), which is most
    columns and most of the time saved."""
    prep = cast(models.Field, field).get_db_prep_save
    if isinstance(field, EncryptedMixin):
        # Empty values share one token per batch: an empty value's token tells no more
        # than its length does already, and most optional fields are empty.
        empty = prep("", connection)
        return lambda value, conn: empty if value == "" else prep(value, conn)
    if isinstance(field, models.JSONField):
        return prep
    return None


class _Table:
    """Rows written straight into one table, for the bulk path of the import.

    Values go through each field's own ``get_db_prep_save`` (so encrypted fields are
    encrypted exactly as on ``save()``), but no model instances are built and no INSERT
    is compiled: one COPY per batch. Primary keys are taken from the table's sequence
    first, so the rows that refer to them can be built before they are sent.
    """

    def __init__(self, model: Any, fields: list[str]) -> None:
        self.model = model
        self.fields = [model._meta.get_field(name) for name in fields]
        # The other columns get their field's default, as a model instance would.
        self.rest = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.name not in fields
        ]
        self.columns = ["id", *(f.column for f in [*self.fields, *self.rest])]
        self._last: list[tuple[Any, ...]] = []

    def _ids(self, count: int) -> list[int]:
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            # The sequence is looked up once, not once per id (8 times cheaper).
            cursor.execute(
                "WITH seq AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass "
                "AS s) SELECT nextval(s) FROM seq, generate_series(1, %s)",
                [table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def insert(self, rows: list[tuple[Any, ...]]) -> list[int]:
        """Inserts ``rows`` (values in the order of the fields); returns their ids."""
        self._last = rows
        if not rows:
            return []
        ids = self._ids(len(rows))
        values = self._values(ids, rows)
        table = self.model._meta.db_table
        columns = ", ".join(self.columns)
        # Rows are converted (encrypted) as they are sent: the server takes in the ones
        # before meanwhile.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for value in values:
                copy.write_row(value)
        return ids

    def _values(self, ids: list[int], rows: list[tuple[Any, ...]]) -> Iterator[list[Any]]:
        """Each row as the database takes it: id, the fields, the other columns' defaults,
        converted where the field needs it (``_converter``)."""
        fields = [*self.fields, *self.rest]
        defaults = tuple(f.get_default() for f in self.rest)
        width = 1 + len(fields)
        # Only the columns that need a conversion are visited (by their position).
        convert = [(i, c) for i, c in enumerate(map(_converter, fields), 1) if c is not None]
        for pk, row in zip(ids, rows, strict=True):
            value = [pk, *row, *defaults]
            if len(value) != width:
                raise ValueError(f"{self.model.__name__}: {len(value) - 1} values, not {width - 1}")
            for i, c in convert:
                v = value[i]
                if v is not None:
                    value[i] = c(v, connection)
            yield value

    def last_values(self, field: str) -> list[Any]:
        """The plain values of ``field`` in the rows inserted last."""
        index = [f.name for f in self.fields].index(field)
        return [row[index] for row in self._last]


PERSONS = _Table(
    Person,
    ["organisation", "full_name", "name_index", "sex", "birth_date", "created_by", "created_at"],
)
NAME_INDEX = Person._meta.get_field("name_index")
CASES = _Table(
    Case,
    [
        "organisation",
        "number",
        "external_id",
        "summary",
        "status",
        "opened_on",
        "country",
        "region",
        "facility",
        "agency",
        "has_minor_victim",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "version",
    ],
)
APPEALS = _Table(
    Appeal,
    [
        "organisation",
        "case",
        "received_on",
        "channel",
        "urgency",
        "content",
        "applicant",
        "victim",
        "consent_processing",
        "consent_representation",
        "attachment",
        "legal_aid",
        "rehabilitation",
        "rehabilitation_started_on",
        "country",
        "agency",
        "violation_mask",
        "victim_sex",
        "victim_minor",
        "registered_by",
        "created_at",
    ],
)
VIOLATIONS = _Table(Violation, ["case", "type", "facility", "description"])
PARTIES = _Table(CaseParty, ["case", "person", "role", "is_minor", "relation"])
REFERRALS = _Table(
    Referral, ["case", "person", "kind", "partner", "started_on", "ended_on", "outcome"]
)
EVENTS = _Table(CaseEvent, ["case", "kind", "at", "actor", "data"])
IMPORTED = _Table(
    ImportedCase,
    ["organisation", "external_id", "case", "appeal", "victim", "fingerprint", "job", "updated_at"],
)


class _CaseWriter:
    def __init__(
        self,
        *,
        actor: Any,
        organisation: Organisation,
        job: ImportJob | None,
        places: _Places,
    ) -> None:
        self.actor = actor
        self.user = actor if isinstance(actor, User) else None
        self.org = organisation
        self.job_id = job.pk if job else None
        self.places = places
        self.audit: list[tuple[str, Any, dict[str, Any] | None]] = []
        self.numbers: dict[int, Iterator[str]] = {}
        # Search documents of new cases, indexed together at the end: one tokeniser for
        # the whole import, so a word met again is not analysed again.
        self.documents: list[tuple[int, int, dict[str, str]]] = []

    def reserve_numbers(self, rows: list[CaseRow]) -> None:
        """Takes the case numbers of all the new rows, one block per year (in year order),
        handed out in the order of the rows."""
        by_year: dict[int, int] = defaultdict(int)
        for row in rows:
            by_year[row.received_on.year] += 1
        for year, count in sorted(by_year.items()):
            self.numbers[year] = iter(reserve_case_numbers(self.org, year, count))

    def create(self, rows: list[CaseRow]) -> None:
        """Writes new cases with their victim, appeal, violations, referrals, timeline
        entry and import record; rows go straight to the tables (``_Table``). Their
        numbers come from ``reserve_numbers``."""
        numbers = self.numbers
        now = timezone.now()
        org, user = self.org.pk, self.user.pk if self.user else None
        named = [row for row in rows if row.victim_name]
        person_ids = PERSONS.insert(
            [
                (
                    org,
                    row.victim_name,
                    NAME_INDEX.compute(row.victim_name),
                    row.victim_sex,
                    row.victim_birth_date,
                    user,
                    now,
                )
                for row in named
            ]
        )
        victims = {row.line: pk for row, pk in zip(named, person_ids, strict=True)}
        case_ids = CASES.insert(
            [
                (
                    org,
                    next(numbers[row.received_on.year]),
                    row.external_id,
                    row.summary,
                    CaseStatus.NEW,
                    row.received_on,
                    row.country,
                    _pk(self.places.region(row)),
                    _pk(self.places.facility(row)),
                    row.agency.pk,
                    row.victim_minor,
                    user,
                    now,
                    user,
                    now,
                    1,
                )
                for row in rows
            ]
        )
        appeal_ids = APPEALS.insert(
            [
                self._appeal_values(row, case_id, victims.get(row.line), now)
                for row, case_id in zip(rows, case_ids, strict=True)
            ]
        )
        violations, parties, referrals, events, imported = [], [], [], [], []
        for row, case_id, appeal_id in zip(rows, case_ids, appeal_ids, strict=True):
            facility = _pk(self.places.facility(row))
            violations += [(case_id, t.pk, facility, "") for t in row.violations]
            victim = victims.get(row.line)
            if victim is not None:
                parties.append((case_id, victim, PartyRole.VICTIM, row.victim_minor, ""))
                referrals += [
                    (case_id, victim, kind, None, row.rehabilitation_started_on, None, "")
                    for kind in _referral_kinds(row.rehabilitation)
                ]
            events.append((case_id, "case.import", now, user, {"job": self.job_id}))
            imported.append(
                (
                    org,
                    row.external_id,
                    case_id,
                    appeal_id,
                    victim,
                    row.fingerprint,
                    self.job_id,
                    now,
                )
            )
            self.audit.append(
                (
                    "case.import",
                    _CaseRef(case_id),
                    {"created": True, "appeal": appeal_id, "victim": victim, "job": self.job_id},
                )
            )
        VIOLATIONS.insert(violations)
        PARTIES.insert(parties)
        REFERRALS.insert(referrals)
        EVENTS.insert(events)
        IMPORTED.insert(imported)
        numbers_used = CASES.last_values("number")
        self.documents += [
            (
                case_id,
                org,
                {
                    "names": row.victim_name,
                    "number": f"{number} {row.external_id}",
                    "summary": row.summary,
                    "text": "",
                },
            )
            for row, case_id, number in zip(rows, case_ids, numbers_used, strict=True)
        ]

    def _appeal_values(
        self, row: CaseRow, case_id: int, victim: int | None, now: dt.datetime
    ) -> tuple[Any, ...]:
        return (
            self.org.pk,
            case_id,
            row.received_on,
            row.channel.pk,
            Urgency.NORMAL,
            "",
            victim,
            victim,
            # A register does not record consent: staff record it when they next see
            # the person.
            False,
            False,
            "",
            row.legal_aid,
            row.rehabilitation,
            row.rehabilitation_started_on,
            row.country,
            row.agency.pk,
            violation_mask(row.violations),
            row.victim_sex,
            row.victim_minor,
            self.user.pk if self.user else None,
            now,
        )

    def _appeal(self, row: CaseRow, case: Case, victim: Person | None) -> Appeal:
        """An Appeal instance with the same values as the bulk path writes; ``victim``
        may still be unsaved (it is saved before the appeal)."""
        values = self._appeal_values(row, case.pk, None, timezone.now())
        appeal = Appeal(**{f.attname: v for f, v in zip(APPEALS.fields, values, strict=True)})
        appeal.victim = appeal.applicant = victim
        return appeal

    def update(self, rows: list[CaseRow], known: dict[str, ImportedCase | int]) -> int:
        """Brings existing cases in line with their rows; returns how many changed.
        ``known`` maps external_id to its ImportedCase, or to a case id for a case that
        was registered by hand with that register number."""
        case_ids = [
            k.case_id if isinstance(k, ImportedCase) else k
            for k in (known[row.external_id] for row in rows)
        ]
        cases = Case.objects.in_bulk(case_ids)
        first_appeals: dict[int, Appeal] = {}
        records = {row.external_id: known[row.external_id] for row in rows}
        appeal_ids = [r.appeal_id for r in records.values() if isinstance(r, ImportedCase)]
        appeals = Appeal.objects.in_bulk([a for a in appeal_ids if a])
        for earliest in Appeal.objects.filter(case_id__in=case_ids).order_by(
            "case_id", "received_on", "id"
        ):
            first_appeals.setdefault(earliest.case_id, earliest)
        victim_ids = {
            a.victim_id for a in [*appeals.values(), *first_appeals.values()] if a.victim_id
        }
        persons = Person.objects.in_bulk(victim_ids)
        have_types: dict[int, set[int]] = defaultdict(set)
        for case_id, type_id in Violation.objects.filter(case_id__in=case_ids).values_list(
            "case_id", "type_id"
        ):
            have_types[case_id].add(type_id)
        have_refs = set(
            Referral.objects.filter(case_id__in=case_ids).values_list(
                "case_id", "person_id", "kind"
            )
        )
        changed_cases: list[Case] = []
        changed_appeals: list[Appeal] = []
        changed_persons: list[Person] = []
        new_appeals: list[tuple[CaseRow, Appeal]] = []
        new_victims: list[tuple[CaseRow, Case, Appeal | None, Person]] = []
        new_violations: list[Violation] = []
        new_referrals: list[Referral] = []
        records_out: list[tuple[CaseRow, Case]] = []
        changed_count = 0
        for row, case_id in zip(rows, case_ids, strict=True):
            case = cases[case_id]
            record = records[row.external_id]
            appeal: Appeal | None = None
            if isinstance(record, ImportedCase) and record.appeal_id:
                appeal = appeals.get(record.appeal_id)
            appeal = appeal or first_appeals.get(case_id)
            victim = persons.get(appeal.victim_id) if appeal and appeal.victim_id else None
            fields: list[str] = []
            case_fields = _assign(
                case,
                summary=row.summary,
                opened_on=row.received_on,
                country=row.country,
                region=self.places.region(row),
                facility=self.places.facility(row),
                agency=row.agency,
            )
            if row.victim_minor and not case.has_minor_victim:
                case.has_minor_victim = True
                case_fields.append("has_minor_victim")
            fields += case_fields
            if victim is not None:
                person_fields = _assign(
                    victim,
                    full_name=row.victim_name or victim.full_name,
                    sex=row.victim_sex,
                    birth_date=row.victim_birth_date,
                )
                if person_fields:
                    changed_persons.append(victim)
                    fields += [f"victim.{name}" for name in person_fields]
            elif row.victim_name:
                victim = Person(
                    organisation=self.org,
                    full_name=row.victim_name,
                    sex=row.victim_sex,
                    birth_date=row.victim_birth_date,
                    created_by=self.user,
                )
                new_victims.append((row, case, appeal, victim))
                fields.append("victim")
            if appeal is None:
                new_appeals.append((row, self._appeal(row, case, victim)))
                fields.append("appeal")
            else:
                appeal_fields = _assign(
                    appeal,
                    received_on=row.received_on,
                    channel=row.channel,
                    legal_aid=row.legal_aid,
                    rehabilitation=row.rehabilitation,
                    rehabilitation_started_on=row.rehabilitation_started_on,
                    country=row.country,
                    agency=row.agency,
                    violation_mask=violation_mask(row.violations),
                    victim_sex=row.victim_sex,
                    victim_minor=row.victim_minor,
                )
                if appeal_fields:
                    changed_appeals.append(appeal)
                    fields += [f"appeal.{name}" for name in appeal_fields]
            missing = [t for t in row.violations if t.pk not in have_types[case_id]]
            if missing:
                new_violations += [
                    Violation(case=case, type=t, facility=self.places.facility(row))
                    for t in missing
                ]
                fields.append("violations")
            if victim is not None and victim.pk is not None:
                for kind in _referral_kinds(row.rehabilitation):
                    if (case_id, victim.pk, kind) not in have_refs:
                        new_referrals.append(
                            Referral(
                                case=case,
                                person=victim,
                                kind=kind,
                                started_on=row.rehabilitation_started_on,
                            )
                        )
                        fields.append("referrals")
            if case_fields:
                changed_cases.append(case)
            if fields:
                changed_count += 1
                self.audit.append(
                    (
                        "case.import",
                        case,
                        {"created": False, "fields": sorted(set(fields)), "job": self.job_id},
                    )
                )
            records_out.append((row, case))
        now = timezone.now()
        for case in changed_cases:
            case.version += 1
            case.updated_at = now
            case.updated_by = self.user
        _bulk_update(
            Case,
            changed_cases,
            [
                "summary",
                "opened_on",
                "country",
                "region",
                "facility",
                "agency",
                "has_minor_victim",
                "version",
                "updated_at",
                "updated_by",
            ],
        )
        for person in changed_persons:
            for index in blind_index_fields(Person):
                setattr(person, index.attname, index.compute(getattr(person, index.source)))
        _bulk_update(Person, changed_persons, ["full_name", "sex", "birth_date", "name_index"])
        _bulk_update(
            Appeal,
            changed_appeals,
            [
                "received_on",
                "channel",
                "legal_aid",
                "rehabilitation",
                "rehabilitation_started_on",
                "country",
                "agency",
                "violation_mask",
                "victim_sex",
                "victim_minor",
            ],
        )
        if new_victims:
            Person.objects.bulk_create([p for _r, _c, _a, p in new_victims])
            CaseParty.objects.bulk_create(
                [
                    CaseParty(case=c, person=p, role=PartyRole.VICTIM, is_minor=r.victim_minor)
                    for r, c, _a, p in new_victims
                ]
            )
            for row, case, first, person in new_victims:
                if first is not None:
                    first.victim = first.applicant = person
                    Appeal.objects.filter(pk=first.pk).update(victim=person, applicant=person)
                new_referrals += [
                    Referral(
                        case=case,
                        person=person,
                        kind=kind,
                        started_on=row.rehabilitation_started_on,
                    )
                    for kind in _referral_kinds(row.rehabilitation)
                ]
        for _row, appeal in new_appeals:
            if appeal.victim is not None and appeal.victim.pk is not None:
                appeal.victim_id = appeal.applicant_id = appeal.victim.pk
        Appeal.objects.bulk_create([a for _r, a in new_appeals])
        Violation.objects.bulk_create(new_violations)
        Referral.objects.bulk_create(new_referrals)
        self._records(records_out, known, new_appeals, new_victims)
        touched = {c.pk: c for c in changed_cases}
        touched.update({c.pk: c for _r, c, _a, _p in new_victims})
        if touched:
            _index([(c.pk, c.organisation_id, case_search_texts(c)) for c in touched.values()])
        return changed_count

    def _records(
        self,
        rows: list[tuple[CaseRow, Case]],
        known: dict[str, ImportedCase | int],
        new_appeals: list[tuple[CaseRow, Appeal]],
        new_victims: list[tuple[CaseRow, Case, Appeal | None, Person]],
    ) -> None:
        appeal_of = {row.external_id: a for row, a in new_appeals}
        victim_of = {row.external_id: p for row, _c, _a, p in new_victims}
        now = timezone.now()
        update, create = [], []
        for row, case in rows:
            record = known[row.external_id]
            if isinstance(record, ImportedCase):
                record.fingerprint = row.fingerprint
                record.job_id = self.job_id
                record.updated_at = now
                if row.external_id in appeal_of:
                    record.appeal = appeal_of[row.external_id]
                if row.external_id in victim_of:
                    record.victim = victim_of[row.external_id]
                update.append(record)
            else:
                first = (
                    appeal_of.get(row.external_id)
                    or Appeal.objects.filter(case=case).order_by("received_on", "id").first()
                )
                create.append(
                    ImportedCase(
                        organisation=self.org,
                        external_id=row.external_id,
                        case=case,
                        appeal=first,
                        victim=victim_of.get(row.external_id) or (first.victim if first else None),
                        fingerprint=row.fingerprint,
                        job_id=self.job_id,
                    )
                )
        _bulk_update(ImportedCase, update, ["fingerprint", "job", "updated_at", "appeal", "victim"])
        ImportedCase.objects.bulk_create(create)


def _assign(obj: Any, **values: Any) -> list[str]:
    """Sets the attributes that differ; returns their names."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _bulk_update(model: Any, objs: list[Any], fields: list[str]) -> None:
    if objs:
        model.objects.bulk_update(objs, fields, batch_size=500)


def import_cases(
    *,
    actor: Any,
    organisation: Organisation,
    source: str | os.PathLike[str] | IO[bytes],
    dry_run: bool = False,
    job: ImportJob | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Imports a case register (interchange.md); all or nothing.

    Raises ``ImportInvalid`` listing every bad row (nothing written) and PermissionDenied
    unless ``actor`` may import into ``organisation`` (policy ``register.import``).
    """
    require(actor, "register.import", organisation)
    rows, rules = _parse(source, CASE_COLUMNS, _case_row, progress)
    if rules.errors:
        raise ImportInvalid(sorted(rules.errors, key=lambda e: e.line), rows=len(rows))
    _fingerprints(rows, organisation)
    result = ImportResult(kind="cases", rows=len(rows), dry_run=dry_run)
    # What is known already: first only fingerprints (an unchanged row costs nothing
    # more), then full records for the rows that will change.
    fingerprints: dict[str, str] = {}
    case_ids: dict[str, int] = {}
    external_ids = [row.external_id for row in rows]
    for start in range(0, len(external_ids), 5000):
        chunk = external_ids[start : start + 5000]
        fingerprints.update(
            ImportedCase.objects.filter(
                organisation=organisation, external_id__in=chunk
            ).values_list("external_id", "fingerprint")
        )
        for external_id, case_id in Case.objects.filter(
            organisation=organisation, external_id__in=chunk
        ).values_list("external_id", "pk"):
            if external_id is not None:
                case_ids[external_id] = case_id
    new = [row for row in rows if row.external_id not in case_ids]
    existing = [
        row
        for row in rows
        if row.external_id in case_ids and fingerprints.get(row.external_id) != row.fingerprint
    ]
    known: dict[str, ImportedCase | int] = {
        row.external_id: case_ids[row.external_id] for row in existing
    }
    for start in range(0, len(existing), 5000):
        chunk = [row.external_id for row in existing[start : start + 5000]]
        for record in ImportedCase.objects.filter(organisation=organisation, external_id__in=chunk):
            known[record.external_id] = record
    result.created = len(new)
    result.unchanged = len(rows) - len(new) - len(existing)
    if dry_run:
        result.updated = len(existing)
        return result
    with transaction.atomic():
        places = _Places()
        writer = _CaseWriter(actor=actor, organisation=organisation, job=job, places=places)
        total = len(new) + len(existing)
        done = 0
        writer.reserve_numbers(new)
        for start in range(0, len(new), BATCH):
            batch = new[start : start + BATCH]
            places.prepare(batch)
            writer.create(batch)
            done += len(batch)
            if progress:
                progress("write", done, total)
        for start in range(0, len(existing), BATCH):
            batch = existing[start : start + BATCH]
            places.prepare(batch)
            result.updated += writer.update(batch, known)
            done += len(batch)
            if progress:
                progress("write", done, total)
        _index(writer.documents, progress)
        result.unchanged += len(existing) - result.updated
        result.facilities_added = sum(1 for a, _o in places.added if a == "facility.create")
        result.regions_added = sum(1 for a, _o in places.added if a == "region.create")
        audit_record_many(
            actor=actor,
            organisation=organisation,
            entries=[
                *(
                    (action, obj, {"import": "cases", "job": writer.job_id})
                    for action, obj in places.added
                ),
                *writer.audit,
                (
                    "register.import",
                    job,
                    {"kind": "cases", "job": writer.job_id, **result.counts()},
                ),
            ],
        )
    return result


# ---------------------------------------------------------------- publications


@dataclass(slots=True)
class PublicationRow:
    line: int
    external_id: str
    published_on: dt.date
    language: str
    title: str
    kind: str
    url: str


_url_validator = URLValidator(schemes=["http", "https"])


def _publication_row(rules: _Rules, line: int, v: dict[str, str]) -> PublicationRow | None:
    before = len(rules.errors)
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
            _url_validator(url)
        except ValidationError:
            rules.fail(line, "url", _("Enter a full web address (http:// or https://)."))
    if len(rules.errors) > before:
        return None
    assert published_on is not None
    return PublicationRow(line, external_id, published_on, language, title, kind, url)


def import_publications(
    *,
    actor: Any,
    organisation: Organisation,
    source: str | os.PathLike[str] | IO[bytes],
    dry_run: bool = False,
    job: ImportJob | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Imports the register of publications (interchange.md); all or nothing, a known
    external_id updates that publication."""
    require(actor, "register.import", organisation)
    rows, rules = _parse(source, PUBLICATION_COLUMNS, _publication_row, progress)
    if rules.errors:
        raise ImportInvalid(sorted(rules.errors, key=lambda e: e.line), rows=len(rows))
    result = ImportResult(kind="publications", rows=len(rows), dry_run=dry_run)
    known = {
        p.external_id: p
        for p in Publication.objects.filter(
            organisation=organisation, external_id__in=[r.external_id for r in rows]
        )
    }
    create: list[Publication] = []
    update: list[Publication] = []
    audit: list[tuple[str, Any, dict[str, Any] | None]] = []
    for row in rows:
        values = {
            "published_on": row.published_on,
            "language": row.language,
            "title": row.title,
            "kind": row.kind,
            "url": row.url,
        }
        existing = known.get(row.external_id)
        if existing is None:
            create.append(
                Publication(organisation=organisation, external_id=row.external_id, **values)
            )
            continue
        fields = _assign(existing, **values)
        if fields:
            update.append(existing)
            audit.append(("publication.import", existing, {"created": False, "fields": fields}))
    result.created, result.updated = len(create), len(update)
    result.unchanged = len(rows) - len(create) - len(update)
    if dry_run:
        return result
    job_id = job.pk if job else None
    with transaction.atomic():
        created = Publication.objects.bulk_create(create, batch_size=BATCH)
        _bulk_update(Publication, update, ["published_on", "language", "title", "kind", "url"])
        audit_record_many(
            actor=actor,
            organisation=organisation,
            entries=[
                *(("publication.import", p, {"created": True, "job": job_id}) for p in created),
                *audit,
                (
                    "register.import",
                    job,
                    {"kind": "publications", "job": job_id, **result.counts()},
                ),
            ],
        )
        if progress:
            progress("write", len(rows), len(rows))
    return result


IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    ImportJob.Kind.CASES: import_cases,
    ImportJob.Kind.PUBLICATIONS: import_publications,
}


# ---------------------------------------------------------------- jobs of the staff pages
#
# The embedded default has no task worker, so a job runs in a background thread of the
# web process: the user uploads, watches the check, confirms and watches the import
# without holding a request open. ``job_check`` and ``job_run`` take a job id and start
# from what the database says, so they can become django-tasks tasks unchanged once the
# instance runs a worker. Progress lives in this process (the import's own transaction
# is invisible to other connections until it commits); the status itself is in the
# database. Tests set HIMOYA_IMPORT_INLINE to run jobs in the request.

_progress: dict[int, tuple[str, int, int]] = {}
_progress_lock = threading.Lock()


def job_progress(job: ImportJob) -> tuple[str, int, int] | None:
    """(phase, done, total) of a job running in this process, if it is."""
    with _progress_lock:
        return _progress.get(job.pk)


def _set_progress(job_id: int) -> Progress:
    def report(phase: str, done: int, total: int) -> None:
        with _progress_lock:
            _progress[job_id] = (phase, done, total)

    return report


def _start(func: Callable[[int], None], job_id: int) -> None:
    if getattr(settings, "HIMOYA_IMPORT_INLINE", False):
        func(job_id)
        return

    def target() -> None:
        try:
            func(job_id)
        finally:
            connection.close()

    transaction.on_commit(
        lambda: threading.Thread(target=target, name=f"import-{job_id}", daemon=True).start()
    )


def upload_limit_mb() -> int:
    return int(settings.HIMOYA_MAX_UPLOAD_BYTES // (1024 * 1024))


def job_create(
    *, actor: Any, organisation: Organisation, kind: str, upload: Any, language: str
) -> ImportJob:
    """Stores an uploaded register (encrypted) and starts checking it."""
    require(actor, "register.import", organisation)
    if kind not in IMPORTERS:
        raise ValidationError({"kind": _("Unknown value “%(value)s”.") % {"value": kind}})
    if upload is None or upload.size > settings.HIMOYA_MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": _("Choose a file of at most %(mb)s MB.") % {"mb": upload_limit_mb()}}
        )
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=organisation,
            kind=kind,
            filename=os.path.basename(upload.name or "")[:200],
            language=language,
            created_by=actor if isinstance(actor, User) else None,
        )
        job.file.save(f"import-{job.pk}", upload, save=True)
        audit_record_many(
            actor=actor,
            organisation=organisation,
            entries=[("register.upload", job, {"kind": kind, "bytes": upload.size})],
        )
        _start(job_check, job.pk)
    return job


def _discard_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
        job.file = ""


def _run(job: ImportJob, *, dry_run: bool) -> ImportResult | None:
    importer = IMPORTERS[job.kind]
    actor = job.created_by
    with translation.override(job.language or None), job.file.open("rb") as stream:
        try:
            return importer(
                actor=actor,
                organisation=job.organisation,
                source=stream,
                dry_run=dry_run,
                job=job,
                progress=_set_progress(job.pk),
            )
        except ImportInvalid as exc:
            job.rows = exc.rows
            job.errors = [e.as_list() for e in exc.errors[:MAX_REPORTED]]
            job.error_count = len(exc.errors)
            job.status = ImportJob.Status.INVALID
            return None


MAX_REPORTED = 1000


def job_check(job_id: int) -> None:
    """Validates the job's file (a dry run) and records the report."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.VALIDATING:
        return
    try:
        result = _run(job, dry_run=True)
    except Exception:
        logger.exception("import job %s: the check failed", job_id)
        job.status = ImportJob.Status.FAILED
        result = None
    if result is not None:
        job.status = ImportJob.Status.VALID
        job.rows = result.rows
        job.counts = result.counts()
    else:
        _discard_file(job)
    job.finished_at = timezone.now() if job.status != ImportJob.Status.VALID else None
    job.save()
    with _progress_lock:
        _progress.pop(job.pk, None)


def job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """The user's go-ahead for a checked file: the import runs in the background."""
    require(actor, "register.import", job.organisation)
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This import cannot be started now."))
        _start(job_run, job.pk)
    job.refresh_from_db()
    return job


def job_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    require(actor, "register.import", job.organisation)
    with transaction.atomic():
        updated = ImportJob.objects.filter(
            pk=job.pk, status__in=[ImportJob.Status.VALID, ImportJob.Status.INVALID]
        ).update(status=ImportJob.Status.CANCELLED, finished_at=timezone.now())
        if updated:
            job.refresh_from_db()
            _discard_file(job)
            job.save(update_fields=["file"])
            audit_record_many(
                actor=actor,
                organisation=job.organisation,
                entries=[("register.cancel", job, {"kind": job.kind})],
            )
    return job


def job_run(job_id: int) -> None:
    """Imports a confirmed job's file; the file is removed afterwards either way."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.RUNNING:
        return
    try:
        result = _run(job, dry_run=False)
    except Exception:
        logger.exception("import job %s failed", job_id)
        job.status = ImportJob.Status.FAILED
        result = None
    if result is not None:
        job.status = ImportJob.Status.DONE
        job.rows = result.rows
        job.counts = result.counts()
    _discard_file(job)
    job.finished_at = timezone.now()
    job.save()
    with _progress_lock:
        _progress.pop(job.pk, None)
