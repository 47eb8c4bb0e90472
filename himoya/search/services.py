"""Writing the index. The owners of indexed objects (cases, persons, ...) call these with
the decrypted text, inside the transaction that changes the object, so the object and
its tokens commit or roll back together. No plaintext is stored: only tokens.

To rebuild the index (after a change of ``HIMOYA_INDEX_KEY`` or of ``tokens.SCHEME``), an
owner reads its rows, decrypts them and passes them to ``index_documents_bulk``; a
source registered with ``register_source`` is rebuilt by ``rebuild_index``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from himoya.core.audit import audit_record
from himoya.core.policies import require
from himoya.search.analysis import Analyser
from himoya.search.models import SearchDocument
from himoya.search.sql import DOCS
from himoya.search.tokens import SCHEME, Tokeniser, search_key

# A batch's memo of words is dropped past this size, to bound memory on huge imports.
_MEMO_LIMIT = 100_000


@dataclass(frozen=True)
class IndexItem:
    """One object to index: its id, its organisation, and its text by field. Field names
    ``names`` and ``summary`` rank above the others (docs/search.md)."""

    owner_id: int
    organisation_id: int | None
    texts: Mapping[str, str | None]
    updated_at: dt.datetime | None = None


def owner_type_of(owner: models.Model | type[models.Model] | str) -> str:
    """The owner type label of a model, an instance or an already made label."""
    if isinstance(owner, str):
        return owner.lower()
    return owner._meta.label_lower


def index_document(
    *,
    owner: models.Model,
    organisation_id: int | None,
    texts: Mapping[str, str | None],
    updated_at: dt.datetime | None = None,
) -> None:
    """Replaces the tokens of ``owner``'s document with those of ``texts``."""
    if owner.pk is None:
        raise ValueError("index_document needs a saved owner (its primary key)")
    index_documents_bulk(
        owner_type=owner_type_of(owner),
        items=[IndexItem(int(owner.pk), organisation_id, texts, updated_at)],
    )


def index_documents_bulk(
    *,
    owner_type: str | type[models.Model],
    items: Iterable[IndexItem],
    batch_size: int = 1000,
) -> int:
    """Indexes many objects of one type, replacing the tokens of those indexed before;
    a few statements per batch, whatever the number of tokens. Returns how many. Each
    object is tokenised under its organisation's key (``tokens.search_key``)."""
    label = owner_type_of(owner_type)
    analyser = Analyser()
    tokenisers: dict[int | None, Tokeniser] = {}

    def tokens(item: IndexItem) -> list[int]:
        org = item.organisation_id
        tokeniser = tokenisers.get(org)
        if tokeniser is None:
            # The analysis of a word is the same for every key: one analyser for all.
            tokeniser = tokenisers[org] = Tokeniser(search_key(org), analyser)
        return tokeniser.document_tokens(item.texts, owner_id=item.owner_id)

    now = timezone.now()
    count = 0
    iterator = iter(items)
    while batch := list(islice(iterator, batch_size)):
        if len(analyser.memo) > _MEMO_LIMIT:
            analyser = Analyser()
            tokenisers.clear()
        rows = {
            item.owner_id: (item.organisation_id, item.updated_at or now, tokens(item))
            for item in batch
        }
        with transaction.atomic():
            _write(label, rows)
        count += len(rows)
    return count


Row = tuple[int | None, dt.datetime, list[int]]


def _write(label: str, rows: Mapping[int, Row]) -> None:
    """One statement for the batch: the rows come in as arrays (the token arrays in
    their text form), so the server parses and plans it once, not once per document."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DOCS} (owner_type, owner_id, organisation_id, updated_at, scheme, "  # noqa: S608
            "tokens) SELECT %s, r.owner_id, r.organisation_id, r.updated_at, %s, "
            "r.tokens::bigint[] FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], "
            "%s::text[]) AS r(owner_id, organisation_id, updated_at, tokens) "
            "ON CONFLICT (owner_type, owner_id) DO UPDATE SET "
            "organisation_id = EXCLUDED.organisation_id, updated_at = EXCLUDED.updated_at, "
            "scheme = EXCLUDED.scheme, tokens = EXCLUDED.tokens",
            [
                label,
                SCHEME,
                list(rows),
                [org for org, _updated, _tokens in rows.values()],
                [adapt(updated) for _org, updated, _tokens in rows.values()],
                [_bigint_array(tokens) for _org, _updated, tokens in rows.values()],
            ],
        )


def _bigint_array(tokens: list[int]) -> str:
    """The array as PostgreSQL's text form: the driver's own list adapter checks every
    element for quoting: about a third of the time of indexing a document."""
    return "{" + ",".join(map(str, tokens)) + "}"


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def remove_document(*, owner: models.Model) -> None:
    """Removes ``owner``'s document; call it in the transaction that deletes the owner."""
    remove_documents(owner_type=owner_type_of(owner), owner_ids=[int(owner.pk)])


def remove_documents(*, owner_type: str | type[models.Model], owner_ids: Iterable[int]) -> int:
    label = owner_type_of(owner_type)
    removed = 0
    with transaction.atomic():
        for chunk in _chunks(list(owner_ids), 500):
            docs = SearchDocument.objects.filter(owner_type=label, owner_id__in=chunk)
            removed += docs._raw_delete(SearchDocument.objects.db)
    return removed


# --- rebuilding -------------------------------------------------------------------------

Source = Callable[[], Iterable[IndexItem]]
_SOURCES: dict[str, Source] = {}


def register_source(owner_type: str | type[models.Model], items: Source) -> None:
    """Registers how to re-read every object of ``owner_type`` as ``IndexItem``s (with
    decrypted text), for ``rebuild_index``. Owners call it in ``AppConfig.ready``."""
    _SOURCES[owner_type_of(owner_type)] = items


def unregister_source(owner_type: str | type[models.Model]) -> None:
    _SOURCES.pop(owner_type_of(owner_type), None)


def rebuild_index(
    *, owner_type: str | type[models.Model] | None = None, batch_size: int = 1000
) -> dict[str, int]:
    """Re-indexes every object of the registered sources (or of one), then removes the
    documents of objects the source no longer yields. Batches commit one by one, so a
    long rebuild can be interrupted and run again. Returns the count per owner type."""
    labels = [owner_type_of(owner_type)] if owner_type is not None else sorted(_SOURCES)
    unknown = [label for label in labels if label not in _SOURCES]
    if unknown:
        raise LookupError(f"no search source registered for {', '.join(unknown)}")
    counts: dict[str, int] = {}
    for label in labels:
        seen: set[int] = set()

        def tracked(items: Iterable[IndexItem], seen: set[int] = seen) -> Iterator[IndexItem]:
            for item in items:
                seen.add(item.owner_id)
                yield item

        counts[label] = index_documents_bulk(
            owner_type=label, items=tracked(_SOURCES[label]()), batch_size=batch_size
        )
        existing = SearchDocument.objects.filter(owner_type=label).values_list(
            "owner_id", flat=True
        )
        remove_documents(owner_type=label, owner_ids=[i for i in existing if i not in seen])
    return counts


def stale_owner_types() -> list[str]:
    """The owner types with documents of an older ``tokens.SCHEME``, which match nothing
    or not as the tokeniser now would (after an upgrade, before ``rebuild-search``)."""
    stale = SearchDocument.objects.filter(scheme__lt=SCHEME).order_by()
    return sorted(set(stale.values_list("owner_type", flat=True).distinct()))


def search_rebuild(
    *, actor: Any, owner_type: str | None = None, batch_size: int = 1000, stale: bool = False
) -> dict[str, int]:
    """``rebuild_index`` for the operator (``himoya rebuild-search``), audit-logged. Its
    batches commit one by one, so the audit event follows the last of them. ``stale``:
    only the owner types that have documents of an older scheme (none: nothing to do,
    and no event)."""
    require(actor, "search.rebuild")
    labels: list[str | None] = [owner_type]
    if stale:
        labels = [
            label
            for label in stale_owner_types()
            if owner_type is None or label == owner_type_of(owner_type)
        ]
        # Documents of an owner type nobody indexes any more cannot be rebuilt: left.
        labels = [label for label in labels if label in _SOURCES]
        if not labels:
            return {}
    counts: dict[str, int] = {}
    for label in labels:
        counts.update(rebuild_index(owner_type=label, batch_size=batch_size))
    with transaction.atomic():
        audit_record(
            actor=actor, action="search.rebuild", data={"documents": counts, "stale": stale}
        )
    return counts
