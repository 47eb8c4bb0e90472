"""Keeping the legal database's search entries: one per published legal document,
rewritten on publication (Wagtail's ``page_published``), removed on unpublication
(``page_unpublished``) and with the page (cascade)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from himoya.public_site.legal import LegalDocumentPage, LegalSearchEntry
from himoya.public_site.legal_search import document_vector, plain_text


def _language(page: LegalDocumentPage) -> str:
    # The page's words are in the page's language (its locale), whatever the language
    # of the document it reproduces.
    return page.locale.language_code


def index_document(page: LegalDocumentPage) -> None:
    index_documents([page])


def index_documents(pages: Iterable[LegalDocumentPage]) -> int:
    """Writes the search entries of ``pages`` (live ones; others lose theirs)."""
    rows = []
    gone = []
    for page in pages:
        if not page.live:
            gone.append(page.pk)
            continue
        body = plain_text([page.body])
        text = " ".join(part for part in (page.source_citation, body) if part)
        language = _language(page)
        vector = document_vector(page.title, text, language)
        title = document_vector(page.title, "", language)
        rows.append((page.pk, vector, title, page.date, text))
    with transaction.atomic(), connection.cursor() as cursor:
        LegalSearchEntry.objects.filter(page_id__in=gone).delete()
        if rows:
            # The literals are cast by PostgreSQL's tsvector input, not parsed as text.
            cursor.executemany(
                "INSERT INTO public_site_legalsearchentry "
                "(page_id, legal_vector, title_vector, date, text) "
                "VALUES (%s, %s::tsvector, %s::tsvector, %s, %s) ON CONFLICT (page_id) "
                "DO UPDATE SET legal_vector = EXCLUDED.legal_vector, "
                "title_vector = EXCLUDED.title_vector, date = EXCLUDED.date, "
                "text = EXCLUDED.text",
                rows,
            )
    return len(rows)
