"""The text a case's blind search index covers, and re-indexing a case."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from himoya.cases.models import (
    Case,
)

if TYPE_CHECKING:
    from himoya.search.services import IndexItem


def search_texts(
    *,
    number: str,
    external_id: str | None,
    summary: str,
    names: Iterable[str] = (),
    texts: Iterable[str] = (),
) -> dict[str, str]:
    """The plaintext that the blind index of a case covers (never stored as such), by
    field: the one builder, for a case read back (``case_search_texts``) and for the
    rows the register import writes in bulk. ``texts`` are appeal contents, violation
    descriptions and notes; empty ones add nothing."""
    return {
        "names": "\n".join(name for name in names if name),
        "number": f"{number} {external_id or ''}",
        "summary": summary,
        "text": "\n".join(text for text in texts if text),
    }


# Text other apps hold for a case (the answers to its letters, as OCR read them), by case
# id. Those apps register it from their AppConfig.ready(): cases cannot import them.
CaseTexts = Callable[[list[int]], Mapping[int, list[str]]]
_case_texts: list[CaseTexts] = []


def register_case_texts(source: CaseTexts) -> None:
    if source not in _case_texts:
        _case_texts.append(source)


def more_case_texts(case_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for source in _case_texts:
        for case_id, texts in source(case_ids).items():
            found.setdefault(case_id, []).extend(texts)
    return found


def case_search_texts(case: Case, more: Iterable[str] | None = None) -> dict[str, str]:
    """The search text of a stored case. Uses prefetched parties, appeals, notes and
    violations when the caller has them; ``more`` is the registered apps' text when the
    caller read it for a batch."""
    if more is None:
        more = more_case_texts([case.pk]).get(case.pk, [])
    return search_texts(
        number=case.number,
        external_id=case.external_id,
        summary=case.summary,
        names=[p.person.full_name for p in case.parties.all()],
        texts=[
            *(a.content for a in case.appeals.all()),
            *(v.description for v in case.violations.all()),
            *(n.text for n in case.notes.all()),
            *more,
        ],
    )


def case_search_items(batch_size: int = 500) -> Iterator[IndexItem]:
    """Every case as a search document, decrypted batch by batch: the source that
    ``himoya.search.services.rebuild_index`` re-indexes from (after a change of
    ``HIMOYA_INDEX_KEY`` or of the tokeniser)."""
    from himoya.search.services import IndexItem

    last_pk = 0
    while True:
        batch = list(
            Case.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .prefetch_related("parties__person", "appeals", "notes", "violations")[:batch_size]
        )
        if not batch:
            return
        more = more_case_texts([case.pk for case in batch])
        for case in batch:
            texts = case_search_texts(case, more.get(case.pk, []))
            yield IndexItem(case.pk, case.organisation_id, texts)
        last_pk = batch[-1].pk


def reindex_case(case: Case) -> None:
    from himoya.search.services import index_document

    index_document(owner=case, organisation_id=case.organisation_id, texts=case_search_texts(case))
