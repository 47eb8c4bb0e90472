"""What the legal database's pages read: the documents of one language's index page,
filtered by topic, country and kind, searched (legal_search), paginated.

Filters and pages are plain GET parameters: each filter is a link that keeps the other
parameters, so the pages work without JavaScript and a filtered list can be shared. Any
value in them is accepted: what is not a known choice is ignored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from himoya.public_site.legal import Country, Kind, LegalDocumentPage, LegalSearchEntry, LegalTopic
from himoya.public_site.legal_search import QUERY_CHARS, ParsedQuery, excerpt, parse

PER_PAGE = 20


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


def search_entries(pages: QuerySet[LegalDocumentPage], query: ParsedQuery) -> QuerySet[Any]:
    """The search entries of ``pages`` that ``query`` finds, best first."""
    tsquery = query.tsquery
    return (
        LegalSearchEntry.objects.filter(page__in=pages.values("pk"))
        .annotate(
            found=RawSQL("legal_vector @@ %s::tsquery", [tsquery], output_field=BooleanField()),
            rank=RawSQL("ts_rank(legal_vector, %s::tsquery)", [tsquery], output_field=FloatField()),
        )
        .filter(found=True)
        .order_by("-rank", "page_id")
    )


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
    if query:
        paginator = Paginator(search_entries(pages, query), PER_PAGE)
        shown = paginator.get_page(number)
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
    )
