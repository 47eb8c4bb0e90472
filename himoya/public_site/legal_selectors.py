"""What the legal database's pages read: the documents of one language's index page,
filtered by topic, country and kind, searched (legal_search), paginated.

Filters and pages are plain GET parameters: each filter is a link that keeps the other
parameters, so the pages work without JavaScript and a filtered list can be shared. Any
value in them is accepted: what is not a known choice is ignored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from himoya.public_site.legal import Country, Kind, LegalDocumentPage, LegalSearchEntry, LegalTopic
from himoya.public_site.legal_search import QUERY_CHARS, ParsedQuery, excerpt, parse

PER_PAGE = 20
# A search counts the documents it finds up to this many ("more than 1,000").
COUNT_CAP = 1000
# Page numbers beyond this are not counted to: the count would read the whole result.
MAX_PAGE = 500


@dataclass
class Option:
    value: str
    label: str
    url: str
    current: bool


@dataclass
class Result:
    page: LegalDocumentPage
    excerpt: SafeString


@dataclass
class Browse:
    query: str
    topic: str
    country: str
    kind: str
    topics: list[Option]
    countries: list[Option]
    kinds: list[Option]
    results: list[Result]
    paginator_page: PaginatorPage
    previous_url: str = ""
    next_url: str = ""
    filtered: bool = False
    # The count, in the visitor's language, when more were found than were counted.
    more_than: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _first(params: Mapping[str, Any], name: str, limit: int = 100) -> str:
    value = params.get(name, "")
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "")[:limit]


def _url(params: dict[str, str], **changes: str) -> str:
    # ``params`` never holds the page number: a changed filter starts at page one.
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v})


def documents(index_page: Any) -> QuerySet[LegalDocumentPage]:
    return LegalDocumentPage.objects.child_of(index_page).live()


class SearchResults:
    """The entries of ``pages`` that ``query`` finds, as the paginator reads them: title
    matches first, then the others, each newest first.

    Why not ``ts_rank`` and a plain count: a common word ("пытками", in three documents
    of four) made both read every found document's whole vector (about 0.8 s of 1.1 s at
    10,000 documents). Here each slice is one or two ``LIMIT`` queries, which PostgreSQL
    answers by walking the date index until the page is full, and the count stops at
    ``cap`` + 1 ("more than 1,000"): the cost follows the page asked for, not the
    number of documents found. A word in few documents is answered from the GIN indexes
    as before, with the same documents found."""

    def __init__(self, pages: QuerySet[LegalDocumentPage], query: ParsedQuery, cap: int):
        tsquery = query.tsquery
        entries = LegalSearchEntry.objects.filter(page__in=pages.values("pk")).alias(
            found=RawSQL("legal_vector @@ %s::tsquery", [tsquery], output_field=BooleanField()),
            in_title=RawSQL("title_vector @@ %s::tsquery", [tsquery], output_field=BooleanField()),
        )
        # The title's stems are also in the whole vector, so title matches are found ones.
        self._in_title = entries.filter(in_title=True)
        self._found = entries.filter(found=True)
        self._elsewhere = self._found.filter(in_title=False)
        self.cap = cap

    @cached_property
    def _count(self) -> int:
        return self._found.order_by().values("pk")[: self.cap + 1].count()

    def count(self) -> int:
        """The number found, or ``cap`` + 1 when there are more than ``cap``."""
        return self._count

    @property
    def more_than_cap(self) -> bool:
        return self._count > self.cap

    def _rows(self, entries: QuerySet[Any], start: int, stop: int) -> list[Any]:
        if stop <= start:
            return []
        ordered = entries.order_by("-date", "page_id").only("page_id", "text")
        return list(ordered[start:stop])

    def __getitem__(self, bounds: slice) -> list[Any]:
        start, stop = bounds.start or 0, bounds.stop
        rows = self._rows(self._in_title, start, stop)
        if len(rows) < stop - start:
            # The page runs past the title matches: the others follow, from their first
            # when this page holds title matches, else after those of earlier pages.
            offset = 0 if rows else max(0, start - self._in_title.order_by().count())
            rows += self._rows(self._elsewhere, offset, offset + (stop - start) - len(rows))
        return rows


def browse(index_page: Any, params: Mapping[str, Any]) -> Browse:
    query_text = _first(params, "q", QUERY_CHARS)
    topic = _first(params, "topic")
    country = _first(params, "country")
    kind = _first(params, "kind")
    number = _first(params, "page", 12)

    pages = documents(index_page)
    known_topics = list(LegalTopic.objects.all())
    if topic in {t.slug for t in known_topics}:
        pages = pages.filter(topics__slug=topic)
    else:
        topic = ""
    if country in Country.values:
        pages = pages.filter(country=country)
    else:
        country = ""
    if kind in Kind.values:
        pages = pages.filter(kind=kind)
    else:
        kind = ""

    current = {"q": query_text, "topic": topic, "country": country, "kind": kind}
    query = parse(query_text)
    language = index_page.locale.language_code
    more_than = ""
    if query:
        wanted = int(number) if number.isdecimal() else 1
        # The count goes at least one page past the one asked for, so that it has a
        # next page whenever there are more documents.
        found = SearchResults(pages, query, max(COUNT_CAP, min(wanted, MAX_PAGE) * PER_PAGE))
        # Paginator reads only count() and slices, which is all SearchResults offers.
        paginator: Paginator[Any] = Paginator(cast(Any, found), PER_PAGE)
        shown = paginator.get_page(number)
        if found.more_than_cap:
            more_than = number_format(found.cap, force_grouping=True)
        by_pk = LegalDocumentPage.objects.in_bulk([entry.page_id for entry in shown])
        results = [
            Result(by_pk[entry.page_id], excerpt(entry.text, query, language))
            for entry in shown
            if entry.page_id in by_pk
        ]
    else:
        paginator = Paginator(pages.order_by("-date", "pk"), PER_PAGE)
        shown = paginator.get_page(number)
        results = [Result(page, SafeString("")) for page in shown]

    def options(name: str, choices: list[tuple[str, Any]]) -> list[Option]:
        chosen = current[name]
        return [Option("", "", _url(current, **{name: ""}), chosen == "")] + [
            Option(value, str(label), _url(current, **{name: value}), chosen == value)
            for value, label in choices
        ]

    return Browse(
        query=query_text,
        topic=topic,
        country=country,
        kind=kind,
        topics=options("topic", [(t.slug, t.name) for t in known_topics]),
        countries=options("country", list(Country.choices)),
        kinds=options("kind", list(Kind.choices)),
        results=results,
        paginator_page=shown,
        previous_url=_url(current, page=str(shown.previous_page_number()))
        if shown.has_previous()
        else "",
        next_url=_url(current, page=str(shown.next_page_number())) if shown.has_next() else "",
        filtered=bool(query_text or topic or country or kind),
        more_than=more_than,
    )
