"""Fast fictional data straight into PostgreSQL with COPY, for benchmarks at 10k-1M cases.

Each case has one appeal, a victim (persons with encrypted names and a blind name index)
and one to three violations, with the same distributions as ``generate.register_rows``.
Encrypted columns hold real tokens, so pages and services can open every row; identical
empty values share one token (fictional data: no secret behind them).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.generate import SEXES, fake_name
from himoya.accounts.models import Organisation
from himoya.cases.models import Appeal, Case, CaseParty, Person, Term, Violation
from himoya.cases.vocab import AGENCIES, CHANNELS, VIOLATIONS
from himoya.core.crypto import blind_index, encrypt, normalise_text


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
    terms = {(t.vocabulary, t.code): t for t in Term.objects.all()}
    agency_ids = [terms[("agency", c)].pk for c in AGENCIES]
    channel_ids = [terms[("channel", c)].pk for c in CHANNELS]
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
            (Appeal, "content"),
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
            mask = 0
            for c in codes:
                mask |= 1 << (violation_terms[c].bit or 0)
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
            yield (
                case_first + i,
                organisation.pk,
                f"B-{received.year}-{case_first + i}",
                f"BENCH-{seed}-{i + 1:07d}",
                _token(Case, "summary", fake_name(rng)),
                "new",
                "",
                received,
                rng.choice(("KZ", "KZ", "TJ")),
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
            "outcome",
            "opened_on",
            "country",
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
            rehab = rng.choice(("none",) * 6 + ("medical", "psychological", "both"))
            rehab_on = (
                min(received + dt.timedelta(days=rng.randrange(400)), dt.date(years[1], 12, 31))
                if rehab != "none"
                else None
            )
            yield (
                appeal_first + i,
                organisation.pk,
                case_first + i,
                received,
                rng.choice(channel_ids),
                "normal",
                empty[(Appeal, "content")],
                person_first + i,
                person_first + i,
                True,
                False,
                "",
                rng.random() < 0.4,
                rehab,
                rehab_on,
                rng.choice(("KZ", "KZ", "TJ")),
                agency,
                mask,
                sex,
                minor,
                now,
            )

    _copy(
        Appeal._meta.db_table,
        [
            "id",
            "organisation_id",
            "case_id",
            "received_on",
            "channel_id",
            "urgency",
            "content",
            "applicant_id",
            "victim_id",
            "consent_processing",
            "consent_representation",
            "attachment",
            "legal_aid",
            "rehabilitation",
            "rehabilitation_started_on",
            "country",
            "agency_id",
            "violation_mask",
            "victim_sex",
            "victim_minor",
            "created_at",
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
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"cases": n, "seconds": round(time.perf_counter() - started, 1)}
