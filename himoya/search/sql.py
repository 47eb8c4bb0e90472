"""The SQL of the index: conditions on the ``tokens bigint[]`` column of the search
documents, which its GIN index answers (docs/search.md). Only ``services.py`` and
``selectors.py`` use this module (and the benchmarks in bench/, which time these statements).

How a search runs (one statement; docs/search.md explains the choice):

1. ``recent``: the ``limits.recent`` newest matches (highest owner ids), asked of the
   inverted index band by band: the newest 4,096 to 8,192 owners, then the newest
   32,768 to 65,536, then 262,144 to 524,288, then the rest. A band is only read if the
   newer ones did not have enough matches, and each is sorted, so these are exactly the
   newest matches. A band is selected by block tokens inside the GIN scan, which then
   walks the band's short lists and skips through the long lists of frequent words:
   the cost follows the band, not the words.
2. ``named``: up to ``limits.named`` matches with a query word in the ``names`` field,
   so that a match on a name is never lost behind recent mentions in notes.
3. The union is ranked (field weights, exact forms, then newest) and cut to ``limit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from himoya.search.tokens import (
    BUCKET_SHIFTS,
    FIELD_WEIGHTS,
    NAMES,
    SUMMARY,
    QueryTerm,
    bucket_token,
)

DOCS = "search_searchdocument"

# Every statement here is built from these constants and from placeholders: table names,
# aliases and "%s" marks only. Values (tokens, ids, times) always go in as parameters.
Params = list[Any]


@dataclass(frozen=True)
class SearchLimits:
    """Bounds on the work of one search (see the module docstring)."""

    recent: int = 100
    named: int = 500


@dataclass(frozen=True)
class Band:
    """Owners with ids from ``start`` to ``end`` (excluded), which all carry one of ``tokens``."""

    tokens: list[int]
    start: int
    end: int


def bands_below(newest: int, keys: Sequence[bytes]) -> list[Band]:
    """The bands of a search, newest first, contiguous, given the newest owner id: the
    last two blocks of 4,096 owners, then of 32,768, then of 262,144 (each band without
    the newer ones). Owners outside them (older, or newer than ``newest``) form the last,
    unbanded step. Each band is selected by two block tokens under each of ``keys`` (the
    organisations searched): as few as possible, since every token of an "any of"
    condition costs the GIN scan a walk through its list."""
    bands: list[Band] = []
    end = ((newest >> BUCKET_SHIFTS[0]) + 1) << BUCKET_SHIFTS[0]
    for level, shift in enumerate(BUCKET_SHIFTS):
        block = newest >> shift
        start = min(end, max(0, (block - 1) << shift))
        if start < end:
            bands.append(
                Band(
                    [bucket_token(k, level, b) for k in keys for b in (block - 1, block)],
                    start,
                    end,
                )
            )
        end = start
    return bands


def _marks(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


@dataclass(frozen=True)
class Scope:
    """Which documents a search looks at: an owner type, optionally some organisations,
    and optionally only owners whose ids a sub-select (``within``: SQL and parameters)
    returns, such as the caller's access rules. (The query's tokens, made under the
    organisations' keys, already find their documents only; the column is checked too.)"""

    owner_type: str
    organisation_ids: Sequence[int] | None
    within: tuple[str, Sequence[Any]] | None = None


def _columns(alias: str, scope: Scope, band: Band | None) -> tuple[str, Params]:
    sql = f"{alias}.owner_type = %s"
    params: Params = [scope.owner_type]
    if scope.organisation_ids is not None:
        sql += f" AND {alias}.organisation_id IN ({_marks(scope.organisation_ids)})"
        params += list(scope.organisation_ids)
    if band is not None:
        sql += f" AND {alias}.owner_id >= %s AND {alias}.owner_id < %s"
        params += [band.start, band.end]
    if scope.within is not None:
        sql += f" AND {alias}.owner_id IN ({scope.within[0]})"
        params += list(scope.within[1])
    return sql, params


def _array(*, scan: bool) -> str:
    # For the index, the array goes in as a sub-select: the planner then plans a GIN
    # bitmap scan for a typical rarity instead of trusting its statistics for these
    # very words, which for two frequent words that rarely meet send it scanning
    # the whole table.
    return "%s::bigint[]" if scan else "(SELECT %s::bigint[])"


def _contains(
    alias: str, every: Sequence[int], anys: Sequence[Sequence[int]], *, scan: bool
) -> tuple[str, Params]:
    """The tokens hold all of ``every`` and one of each of ``anys``. ``scan``: checked row
    by row on rows already at hand; otherwise written for the GIN index to find the rows."""
    parts: list[str] = []
    params: Params = []
    if every:
        parts.append(f"{alias}.tokens @> {_array(scan=scan)}")
        params.append(sorted(set(every)))
    for tokens in anys:
        parts.append(f"{alias}.tokens && {_array(scan=scan)}")
        params.append(sorted(set(tokens)))
    return " AND ".join(parts), params


def _has_all(alias: str, terms: Sequence[QueryTerm], *, scan: bool) -> tuple[str, Params]:
    """Every term matches: a word of one token is part of one "contains all" condition,
    a word of several (its stems) an "any of" condition of its own."""
    every = [t.match[0] for t in terms if len(t.match) == 1]
    return _contains(alias, every, [t.match for t in terms if len(t.match) > 1], scan=scan)


def _has_any(alias: str, tokens: Sequence[int], *, scan: bool) -> tuple[str, Params]:
    return _contains(alias, [], [tokens], scan=scan)


def _find(
    alias: str, terms: Sequence[QueryTerm], scope: Scope, band: Band | None = None
) -> tuple[str, Params]:
    """The condition that finds the documents matching ``terms`` within ``scope`` (and
    ``band``) through the GIN index."""
    # The band is tokens too, so that the GIN scan does that filtering: rows of another
    # time are never read from the table. Other organisations' rows hold none of the
    # query's tokens (they are under the searched organisations' keys), so the GIN scan
    # drops them too. (Not the owner type: one posting list as long as the table slows
    # every scan.) The plain columns are checked as well: cheap, and exact.
    every = [t.match[0] for t in terms if len(t.match) == 1]
    anys: list[Sequence[int]] = [t.match for t in terms if len(t.match) > 1]
    if band is not None:
        anys.append(band.tokens)
    tokens_sql, tokens_params = _contains(alias, every, anys, scan=False)
    columns, column_params = _columns(alias, scope, band)
    return f"{tokens_sql} AND {columns}", [*tokens_params, *column_params]


def _score(terms: Sequence[QueryTerm]) -> tuple[str, Params]:
    """Per query word: twice the weight of the best field it is in (names 3, summary 2,
    elsewhere 1), plus one if the word is there in the exact form typed."""
    parts: list[str] = []
    params: Params = []
    for term in terms:
        names, names_params = _has_any("d", term.names, scan=True)
        summary, summary_params = _has_any("d", term.summary, scan=True)
        exact, exact_params = _has_any("d", term.exact, scan=True)
        parts.append(
            f"(CASE WHEN {names} THEN {2 * FIELD_WEIGHTS[NAMES]} "
            f"WHEN {summary} THEN {2 * FIELD_WEIGHTS[SUMMARY]} ELSE 2 END "
            f"+ CASE WHEN {exact} THEN 1 ELSE 0 END)"
        )
        params += names_params + summary_params + exact_params
    return " + ".join(parts), params


def search_sql(
    *,
    scope: Scope,
    terms: Sequence[QueryTerm],
    limit: int,
    limits: SearchLimits,
    bands: Sequence[Band],
) -> tuple[str, Params]:
    """The one statement of a search: owner ids, best first."""
    recent = max(limits.recent, limit)
    # "+ 0": no index gives this order, so the planner cannot choose to walk the owner
    # index newest first checking every row (what it does when it guesses the words
    # frequent, reading the whole table when they are rare): each band is a GIN scan.
    newest = "ORDER BY d.owner_id + 0 DESC LIMIT %s"
    steps: list[str] = []
    params: Params = []
    for band in bands:
        sql, band_params = _find("d", terms, scope, band)
        steps.append(f"SELECT * FROM (SELECT d.id FROM {DOCS} d WHERE {sql} {newest}) b")  # noqa: S608
        params += [*band_params, recent]
    sql, rest_params = _find("d", terms, scope)
    steps.append(
        f"SELECT * FROM (SELECT d.id FROM {DOCS} d WHERE {sql} "  # noqa: S608
        f"AND (d.owner_id < %s OR d.owner_id >= %s) {newest}) b"
    )
    params += [*rest_params, bands[-1].start, bands[0].end, recent, recent]
    named, named_params = _find("d", terms, scope)
    names, names_params = _has_any("d", [t for term in terms for t in term.names], scan=False)
    params += [*named_params, *names_params, limits.named]
    score, score_params = _score(terms)
    params += [*score_params, limit]
    union = "\n        UNION ALL\n        ".join(steps)
    statement = f"""
WITH recent AS MATERIALIZED (
    SELECT id FROM (
        {union}
    ) bands
    LIMIT %s
),
candidates AS (
    SELECT id FROM recent
    UNION
    SELECT named.id FROM (
        SELECT d.id FROM {DOCS} d WHERE {named} AND {names} LIMIT %s
    ) named
)
SELECT d.owner_id FROM candidates c JOIN {DOCS} d ON d.id = c.id
ORDER BY {score} DESC, d.owner_id DESC
LIMIT %s
"""  # noqa: S608
    return statement, params


def owner_ids_sql(
    *, owner_type: str, terms: Sequence[QueryTerm], organisation_ids: Sequence[int] | None
) -> tuple[str, Params]:
    """A sub-select of the owner ids of every match, for ``owner_id IN (...)``. The tokens
    go in as plain arrays, not sub-selects, so the planner sees them: the caller's query
    around the sub-select (its ordering, its pagination) is planned better when it knows
    how many match."""
    match, params = _has_all("hsd", terms, scan=True)
    sql = f"SELECT hsd.owner_id FROM {DOCS} hsd WHERE hsd.owner_type = %s AND {match}"  # noqa: S608
    params = [owner_type, *params]
    if organisation_ids is not None:
        sql += f" AND hsd.organisation_id IN ({_marks(organisation_ids)})"
        params += list(organisation_ids)
    return sql, params
