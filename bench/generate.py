"""Fictional data for tests and benchmarks.

Every name is assembled from syllables at random: none is a real person's. The register
rows follow shared/interchange.md; ``populate`` writes cases, appeals, persons and
violations straight into PostgreSQL with COPY for the 100k/1M benchmarks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from himoya.cases.models import Rehabilitation
from himoya.imports.rules import CASE_COLUMNS, PUBLICATION_COLUMNS
from himoya.reference.vocab import AGENCIES, CHANNELS, VIOLATIONS

SYLLABLES = [
    "ba",
    "da",
    "ka",
    "la",
    "ma",
    "na",
    "ra",
    "sa",
    "ta",
    "za",
    "bo",
    "do",
    "go",
    "lo",
    "mo",
    "no",
    "ro",
    "so",
    "to",
    "zu",
    "ar",
    "er",
    "ir",
    "ul",
    "an",
    "en",
    "in",
    "on",
    "ker",
    "bek",
    "dar",
    "gul",
    "jan",
    "nur",
    "sul",
    "tim",
    "zhan",
    "khan",
    "mir",
    "vol",
    "bar",
    "dil",
    "far",
]
SURNAME_ENDINGS = ("ov", "ev", "in", "uly", "zoda", "bekov", "iev", "ova", "eva", "kyzy")
REGIONS = {
    "KZ": ["Алматы", "Astana", "Карагандинская область", "Туркестанская область", "Шымкент"],
    "TJ": ["Душанбе", "Sughd Region", "Хатлонская область", "Новый район (вымышленный)"],
}
FACILITIES = {
    "KZ": ["ИВС №1 (вымышленный)", "СИЗО-2 (вымышленный)", "Колония ЛА-155/3 (вымышленная)"],
    "TJ": ["СИЗО №1 (вымышленный)", "Колония 3/7 (вымышленная)"],
}
SEXES = ("male", "female", "other", "unknown", "")
NONE = str(Rehabilitation.NONE.value)
REHAB = (NONE,) * 6 + tuple(r for r in Rehabilitation.values if r != NONE)


def fake_name(rng: random.Random) -> str:
    def word(parts: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    return f"{word(2)}{rng.choice(SURNAME_ENDINGS)} {word(rng.randint(1, 3))}"


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def register_rows(
    n: int, *, seed: int = 1, years: tuple[int, int] = (2019, 2024), prefix: str = "R"
) -> Iterator[dict[str, str]]:
    """``n`` valid register rows (dicts keyed by the contract's columns)."""
    rng = random.Random(seed)
    start, end = dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)
    for i in range(1, n + 1):
        received = _date(rng, start, end)
        country = "KZ" if rng.random() < 0.7 else "TJ"
        birth = ""
        minor = ""
        kind = rng.random()
        if kind < 0.5:
            birth = _date(
                rng, dt.date(1950, 1, 1), received - dt.timedelta(days=365 * 12)
            ).isoformat()
        elif kind < 0.6:
            birth = str(rng.randint(1950, received.year - 12))
        elif kind < 0.75:
            minor = rng.choice(("yes", "no"))
        rehab = rng.choice(REHAB)
        rehab_on = ""
        if rehab != NONE:
            rehab_on = _date(rng, received, min(end, received + dt.timedelta(days=400))).isoformat()
        yield {
            "external_id": f"{prefix}-{i:07d}",
            "received_on": received.isoformat(),
            "channel": rng.choice(CHANNELS),
            "country": country,
            "region": rng.choice(REGIONS[country]) if rng.random() < 0.8 else "",
            "victim_name": fake_name(rng) if rng.random() < 0.9 else "",
            "victim_sex": rng.choice(SEXES),
            "victim_birth_date": birth,
            "victim_is_minor": minor,
            "violations": ";".join(rng.sample(VIOLATIONS, rng.choice((1, 1, 1, 2, 3)))),
            "perpetrator_agency": rng.choice(AGENCIES),
            "facility": rng.choice(FACILITIES[country]) if rng.random() < 0.6 else "",
            "legal_aid": rng.choice(("yes", "no", "")),
            "rehabilitation": rehab if rehab != NONE or rng.random() < 0.5 else "",
            "rehabilitation_started_on": rehab_on,
            "summary": " ".join(fake_name(rng) for _ in range(rng.randint(0, 4))),
        }


def publication_rows(
    n: int, *, seed: int = 1, years: tuple[int, int] = (2019, 2024)
) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    for i in range(1, n + 1):
        yield {
            "external_id": f"P-{i:06d}",
            "published_on": _date(
                rng, dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)
            ).isoformat(),
            "language": rng.choice(("ru", "kk", "tg", "en", "uz")),
            "title": " ".join(fake_name(rng) for _ in range(2)),
            "kind": rng.choice(
                ("", "article", "video", "radio", "tv", "social", "report", "other")
            ),
            "url": rng.choice(("", f"https://example.org/p/{i}")),
        }


def write_csv(path: Path, rows: Any, columns: Any = CASE_COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Any, columns: Any = CASE_COLUMNS) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("register")
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    book.save(path)
    return path


__all__ = [
    "PUBLICATION_COLUMNS",
    "fake_name",
    "publication_rows",
    "register_rows",
    "write_csv",
    "write_xlsx",
]


def csv_bytes(rows: Any, columns: Any = CASE_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
