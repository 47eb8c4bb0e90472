"""Searching the index. Queries are tokenised exactly like documents; every query word
must match (AND); a word matches if the document holds any of its stems (or, for a
word in double quotes, its exact form). An empty query, or one of stop words only,
finds nothing.

These functions do not check permissions: ``organisation_ids`` is a pre-filter, and the
caller still applies its own access rules to the owners (``filter_queryset`` lets it do
both in one SQL query).

Every document is tokenised under its organisation's key (``tokens.search_key``), so a
query is made into tokens under the key of each organisation in ``organisation_ids``:
name the organisations whose owners the user may see (their own, and those that shared
with them). ``None`` means every organisation of the instance: one key per organisation,
for maintenance and tests; no page searches that way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from django.db import connection, models
from django.db.models.expressions import RawSQL

from himoya.search.models import SearchDocument
from himoya.search.services import owner_type_of
from himoya.search.sql import (
    DOCS,
    Scope,
    SearchLimits,
    bands_below,
    owner_ids_sql,
    search_sql,
)
from himoya.search.tokens import QueryTerm, search_key
from himoya.search.tokens import query_terms as _query_terms

M = TypeVar("M", bound=models.Model)

MAX_LIMIT = 1000


def searched_organisations(organisation_ids: Sequence[int] | None) -> list[int | None]:
    """The organisations whose keys a search's tokens are made under: those named, or
    for ``None`` every organisation and the documents of none."""
    if organisation_ids is not None:
        return [*sorted(set(organisation_ids))]
    organisation = SearchDocument._meta.get_field("organisation").related_model
    every = cast(type[models.Model], organisation)._default_manager.order_by("pk")
    return [None, *every.values_list("pk", flat=True)]


def query_terms(query: str, organisation_ids: Sequence[int] | None) -> list[QueryTerm]:
    """``query`` as tokens under the keys of ``organisation_ids`` (see the module)."""
    keys = [search_key(o) for o in searched_organisations(organisation_ids)]
    return _query_terms(query, keys) if keys else []


def search_owner_ids(
    *,
    owner_type: str | type[models.Model],
    query: str,
    organisation_ids: Sequence[int] | None,
    limit: int,
    within: models.QuerySet[Any] | None = None,
    limits: SearchLimits | None = None,
) -> list[int]:
    """Ids of the owners whose documents match ``query``, best first: a word found in the
    ``names`` field ranks above one in ``summary``, which ranks above the other fields;
    an exact form above another form of the word; then the newest owner (highest id).
    ``organisation_ids=None`` searches every organisation; an empty list, none.
    ``within``: a queryset of the owner model (the caller's access rules) that the
    owners must be in, checked in the same SQL statement.

    Ranking looks at a bounded set of candidates (see ``sql.py``): the
    ``limits.recent`` newest matches and up to ``limits.named`` matches in names."""
    label = owner_type_of(owner_type)
    if within is not None and owner_type_of(within.model) != label:
        raise ValueError(f"within= is a queryset of {owner_type_of(within.model)}, not {label}")
    limit = min(limit, MAX_LIMIT)
    if limit <= 0 or (organisation_ids is not None and not organisation_ids):
        return []
    organisations = searched_organisations(organisation_ids)
    keys = [search_key(o) for o in organisations]
    terms = _query_terms(query, keys)
    if not terms:
        return []
    restrict = None
    if within is not None:
        restrict = within.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(owner_id) FROM {DOCS} WHERE owner_type = %s", [label])  # noqa: S608
        newest = cursor.fetchone()[0]
    if newest is None:
        return []
    sql, params = search_sql(
        scope=Scope(label, organisation_ids, restrict),
        terms=terms,
        limit=limit,
        limits=limits or SearchLimits(),
        bands=bands_below(newest, keys),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def search_queryset(
    qs: models.QuerySet[M],
    query: str,
    *,
    limit: int,
    organisation_ids: Sequence[int] | None = None,
) -> list[M]:
    """The best ``limit`` objects of ``qs`` for ``query``, best first (as
    ``search_owner_ids`` with ``within=qs``). For a search results page: the cost is
    bounded whatever the words, unlike counting every match of ``filter_queryset``."""
    ids = search_owner_ids(
        owner_type=qs.model,
        query=query,
        organisation_ids=organisation_ids,
        limit=limit,
        within=qs,
    )
    found = qs.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def filter_queryset(
    qs: models.QuerySet[M], query: str, *, organisation_ids: Sequence[int] | None = None
) -> models.QuerySet[M]:
    """``qs`` narrowed to the objects whose documents match ``query`` (every match, no
    ranking), as a sub-select, so the caller's own filters, ordering and pagination stay
    in the same SQL query. The owner type is ``qs``'s model; ``organisation_ids`` as for
    ``search_owner_ids``. Its cost is the caller's plan: counting the matches of a
    frequent word reads them all (see docs/search.md; ``search_queryset`` is bounded)."""
    if organisation_ids is not None and not organisation_ids:
        return qs.none()
    terms = query_terms(query, organisation_ids)
    if not terms:
        return qs.none()
    sql, params = owner_ids_sql(
        owner_type=owner_type_of(qs.model), terms=terms, organisation_ids=organisation_ids
    )
    # The SQL is built from constants; the tokens and the owner type are parameters.
    return qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611
