"""Fast fictional data straight into PostgreSQL with COPY, for benchmarks at 10k-1M cases.

Each case has one appeal, a victim (persons with encrypted names and a blind name index)
and one to three violations, with the same distributions as ``generate.register_rows``.
Encrypted columns hold real tokens, so pages and services can open every row; identical
empty values share one token (fictional data: no secret behind them).

For the case list and search benchmarks the cases also look like a working register
(``bench/corpus.py``): a status, a region for most, a summary and an appeal story in
words with realistic frequencies, and a task for some (a third of them overdue). These
come from a random stream of their own, so the statistical facts of the appeals (what
``stats_vs_group_by`` reads) are the same as without them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.corpus import CORPUS
from bench.generate import REHAB, SEXES, fake_name
from himoya.accounts.models import Organisation
from himoya.cases.models import (
    Appeal,
    Case,
    CaseParty,
    Person,
    Rehabilitation,
    Task,
    Urgency,
    Violation,
)
from himoya.cases.snapshot import AppealSnapshot, violation_mask
from himoya.core.crypto import blind_index, encrypt, normalise_text
from himoya.reference.models import Region, Term
from himoya.reference.vocab import AGENCIES, CHANNELS, VIOLATIONS


def _token(model: Any, field: str, plain: str) -> str:
    return encrypt(plain, context=f"{model._meta.label_lower}.{field}")


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _next_ids(table: str, count: int) -> int:
    """Reserves ``count`` ids of ``table``'s sequence; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
        last = cursor.fetchone()[0]
    return int(last) - count + 1


# Rehabilitation in one appeal out of three, each kind alike.
REHABILITATION = REHAB

# Statuses of a working register, and the share of cases with a task.
STATUSES = (
    ("new", 10),
    ("in_review", 15),
    ("in_progress", 40),
    ("awaiting_answer", 15),
    ("closed", 20),
)
TASK_SHARE = 0.15


def populate(
    organisation: Organisation,
    n: int,
    *,
    seed: int = 1,
    years: tuple[int, int] = (2020, 2024),
    progress: Any = None,
) -> dict[str, Any]:
    """Adds ``n`` cases (with appeals, victims, violations) to ``organisation``."""
    assert connection.vendor == "postgresql", "populate uses COPY: PostgreSQL only"
    started = time.perf_counter()
    rng = random.Random(seed)
    text_rng = random.Random(f"texts-{seed}")  # case details: not the appeals' facts
    statuses = [code for code, _ in STATUSES]
    status_weights = [weight for _, weight in STATUSES]
    regions: dict[str, list[int]] = {}
    for region in Region.objects.order_by("pk"):
        regions.setdefault(region.country, []).append(region.pk)
    terms = {(t.vocabulary, t.code): t for t in Term.objects.all()}
    agency_ids = [terms[("agency", c)].pk for c in AGENCIES]
    channels = [terms[("channel", c)] for c in CHANNELS]
    term_by_id = {t.pk: t for t in terms.values()}
    violation_terms = [terms[("violation", c)] for c in VIOLATIONS]
    start, span = (
        dt.date(years[0], 1, 1),
        (dt.date(years[1], 12, 31) - dt.date(years[0], 1, 1)).days,
    )
    now = timezone.now()
    empty = {
        (m, f): _token(m, f, "")
        for m, f in [
            (Person, "phone"),
            (Person, "email"),
            (Person, "address"),
            (Person, "document_number"),
            (Person, "birth_date"),
            (Person, "notes"),
            (Violation, "description"),
        ]
    }
    name_purpose = "cases.person.full_name"
    person_first = _next_ids(Person._meta.db_table, n)
    case_first = _next_ids(Case._meta.db_table, n)
    appeal_first = _next_ids(Appeal._meta.db_table, n)
    facts: list[
        tuple[int, dt.date, str, bool, int]
    ] = []  # per case: agency, date, sex, minor, mask

    def persons() -> Iterator[Sequence[Any]]:
        for i in range(n):
            name = fake_name(rng)
            sex = rng.choice(SEXES) or "unknown"
            received = start + dt.timedelta(days=rng.randrange(span + 1))
            minor = rng.random() < 0.08
            codes = rng.sample(range(len(violation_terms)), rng.choice((1, 1, 1, 2, 3)))
            mask = violation_mask(violation_terms[c] for c in codes)
            facts.append((rng.choice(agency_ids), received, sex, minor, mask))
            if progress and i % 50000 == 0:
                progress("persons", i, n)
            yield (
                person_first + i,
                organisation.pk,
                _token(Person, "full_name", name),
                blind_index(normalise_text(name), purpose=name_purpose),
                empty[(Person, "phone")],
                empty[(Person, "email")],
                empty[(Person, "address")],
                empty[(Person, "document_number")],
                empty[(Person, "birth_date")],
                sex,
                empty[(Person, "notes")],
                now,
            )

    _copy(
        Person._meta.db_table,
        [
            "id",
            "organisation_id",
            "full_name",
            "name_index",
            "phone",
            "email",
            "address",
            "document_number",
            "birth_date",
            "sex",
            "notes",
            "created_at",
        ],
        persons(),
    )

    def cases() -> Iterator[Sequence[Any]]:
        for i, (agency, received, _sex, minor, _mask) in enumerate(facts):
            name = fake_name(rng)
            country = rng.choice(("KZ", "KZ", "TJ"))
            in_country = regions.get(country)
            region = text_rng.choice(in_country) if in_country and text_rng.random() < 0.8 else None
            yield (
                case_first + i,
                organisation.pk,
                f"B-{received.year}-{case_first + i}",
                f"BENCH-{seed}-{i + 1:07d}",
                _token(Case, "summary", f"{name}: {CORPUS.summary(text_rng)}"),
                text_rng.choices(statuses, status_weights)[0],
                None,
                received,
                country,
                region,
                agency,
                minor,
                now,
                now,
                1,
            )

    _copy(
        Case._meta.db_table,
        [
            "id",
            "organisation_id",
            "number",
            "external_id",
            "summary",
            "status",
            "outcome_id",
            "opened_on",
            "country",
            "region_id",
            "agency_id",
            "has_minor_victim",
            "created_at",
            "updated_at",
            "version",
        ],
        cases(),
    )

    def appeals() -> Iterator[Sequence[Any]]:
        for i, (agency, received, sex, minor, mask) in enumerate(facts):
            rehab = rng.choice(REHABILITATION)
            rehab_on = (
                min(received + dt.timedelta(days=rng.randrange(400)), dt.date(years[1], 12, 31))
                if rehab != Rehabilitation.NONE
                else None
            )
            content = _token(Appeal, "content", CORPUS.story(text_rng))
            # Drawn in this order so that a seed makes the same data as before.
            channel = rng.choice(channels)
            legal_aid = rng.random() < 0.4
            country = rng.choice(("KZ", "KZ", "TJ"))
            # The facts as registration records them (violation types as drawn above).
            snapshot = AppealSnapshot(
                received_on=received,
                channel=channel,
                country=country,
                agency=term_by_id[agency],
                violation_mask=mask,
                victim_sex=sex,
                victim_minor=minor,
                legal_aid=legal_aid,
                rehabilitation=rehab,
                rehabilitation_started_on=rehab_on,
            )
            yield (
                appeal_first + i,
                organisation.pk,
                case_first + i,
                Urgency.NORMAL,
                content,
                person_first + i,
                person_first + i,
                True,
                False,
                "",
                now,
                *snapshot.row(),
            )

    _copy(
        Appeal._meta.db_table,
        [
            "id",
            "organisation_id",
            "case_id",
            "urgency",
            "content",
            "applicant_id",
            "victim_id",
            "consent_processing",
            "consent_representation",
            "attachment",
            "created_at",
            *(Appeal._meta.get_field(name).column for name in AppealSnapshot.FIELDS),
        ],
        appeals(),
    )
    by_bit = {t.bit: t.pk for t in violation_terms}

    def violations() -> Iterator[Sequence[Any]]:
        for i, (_agency, _received, _sex, _minor, mask) in enumerate(facts):
            for bit, term_id in by_bit.items():
                if mask & (1 << (bit or 0)):
                    yield (case_first + i, term_id, empty[(Violation, "description")])

    _copy(Violation._meta.db_table, ["case_id", "type_id", "description"], violations())
    _copy(
        CaseParty._meta.db_table,
        ["case_id", "person_id", "role", "is_minor", "relation"],
        ((case_first + i, person_first + i, "victim", f[3], "") for i, f in enumerate(facts)),
    )
    today = timezone.localdate()
    task_title = _token(Task, "title", "Запросить ответ прокуратуры")

    def tasks() -> Iterator[Sequence[Any]]:
        for i in range(n):
            if text_rng.random() >= TASK_SHARE:
                continue
            kind = text_rng.randrange(3)  # overdue, due later, done
            due = today + dt.timedelta(days=text_rng.randint(1, 60) * (-1 if kind != 1 else 1))
            yield (case_first + i, task_title, due, now if kind == 2 else None, now)

    _copy(Task._meta.db_table, ["case_id", "title", "due_on", "done_at", "created_at"], tasks())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"cases": n, "seconds": round(time.perf_counter() - started, 1)}
