"""The public site with 10,000 legal documents: server time of the home page, the legal
database's search (several queries, with and without filters), its unfiltered listing
and an article page.

    HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench .venv/bin/python -m bench.run --only public_pages

Each figure is one request through Django's test client, in process: URL routing,
middleware, Wagtail's page routing, the queries and the template, no network and no
web server. The documents are written once (kept for the next run): the demo's legal
database in four languages, then 10,000 Russian documents under its Russian index,
their pages and search entries written in bulk (``index_documents``, the code that
publication runs); text from ``bench/corpus.py``, whose word list shares "пытки",
"пытками", "жалоба" and "заявление" with the queries."""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
import uuid
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from bench.corpus import Corpus
from bench.run import Context, benchmark, log, summary, timings

DOCUMENTS = 10_000
QUERIES = [
    {"q": "пытками"},
    {"q": "жалоба прокуратуру"},
    {"q": "заявление", "country": "KZ", "kind": "article"},
    {"q": "пытка", "page": "5"},
    {"q": "нет-такого-слова-ни-в-одном"},
]


def _site() -> Any:
    from himoya.public_site import content, legal_demo
    from himoya.public_site.demo import HOME

    title, intro = HOME["ru"]
    home = content.home_page(title=title, intro=intro)
    for code in ("kk", "tg", "en"):
        if home.get_translation_or_none(content.locale(code)) is None:
            content.translation(home, code, title=HOME[code][0], intro=HOME[code][1])
    return legal_demo.load(home)


def _fill(index: Any, count: int, seed: int = 11) -> None:
    """``count`` published legal documents under ``index``, written in bulk (page rows,
    their legal rows, topics, search entries), as if published one by one."""
    from wagtail.models import Page

    from himoya.public_site.legal import Country, Kind, LegalDocumentPage, LegalTopic
    from himoya.public_site.legal_index import index_documents

    rng = random.Random(seed)
    corpus = Corpus()
    content_type = ContentType.objects.get_for_model(LegalDocumentPage)
    topics = list(LegalTopic.objects.values_list("pk", flat=True))
    index = Page.objects.get(pk=index.pk)
    start = index.numchild
    now = timezone.now()
    with transaction.atomic():
        pages = []
        for n in range(count):
            step = start + n + 1
            slug = f"bench-{step}"
            title = " ".join(corpus.words(rng, rng.randint(4, 9))).capitalize()
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=content_type,
                    path=Page._get_path(index.path, index.depth + 1, step),
                    depth=index.depth + 1,
                    numchild=0,
                    url_path=f"{index.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    locale_id=index.locale_id,
                    translation_key=uuid.uuid4(),
                    first_published_at=now,
                    last_published_at=now,
                )
            )
        Page.objects.bulk_create(pages, batch_size=1000)
        kinds, countries = Kind.values, Country.values
        rows = []
        links = []
        for page in pages:
            body = "".join(f"<p>{corpus.story(rng)}</p>" for _ in range(rng.randint(2, 5)))
            date = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 12_000))
            rows.append(
                (
                    page.pk,
                    rng.choice(kinds),
                    rng.choice(countries),
                    "ru",
                    f"Документ № {page.pk}-{rng.randint(1, 999)}",
                    "",
                    "",
                    date,
                    rng.random() < 0.8,
                    None,
                    None,
                    body,
                    None,
                )
            )
            for topic in rng.sample(topics, rng.randint(1, 2)):
                links.append((page.pk, topic))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO public_site_legaldocumentpage (page_ptr_id, kind, country, "
                "document_language, source_citation, source_url, source_link_text, date, "
                "in_force, in_force_since, in_force_until, body, file_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            cursor.executemany(
                "INSERT INTO public_site_legaldocumentpage_topics (legaldocumentpage_id, "
                "legaltopic_id) VALUES (%s, %s)",
                links,
            )
        Page.objects.filter(pk=index.pk).update(numchild=start + count)
        documents = LegalDocumentPage.objects.filter(pk__in=[p.pk for p in pages]).select_related(
            "locale"
        )
        for offset in range(0, count, 1000):
            index_documents(documents[offset : offset + 1000])


def _request(get: Any, params: dict[str, str]) -> Any:
    return lambda: get("/ru/legal/", params)


@benchmark("public_pages")
def public_pages(ctx: Context) -> dict[str, Any]:
    from himoya.public_site.legal import LegalDocumentPage
    from himoya.public_site.legal_selectors import browse

    legal = _site()
    ru_index = legal.localized if legal.locale.language_code != "ru" else legal
    existing = LegalDocumentPage.objects.child_of(ru_index).count()
    if existing < DOCUMENTS:
        log(f"writing {DOCUMENTS - existing:,} legal documents ...")
        started = time.perf_counter()
        _fill(ru_index, DOCUMENTS - existing)
        log(f"written in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE public_site_legalsearchentry; ANALYZE wagtailcore_page")
    client = Client(HTTP_HOST="localhost")
    article = LegalDocumentPage.objects.child_of(ru_index).live().order_by("-pk").first()
    assert article is not None
    article_url = article.get_url()

    def get(path: str, params: dict[str, str] | None = None) -> None:
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, params, response.status_code)

    figures: dict[str, Any] = {"documents": LegalDocumentPage.objects.child_of(ru_index).count()}
    figures["home"] = summary(timings(lambda: get("/ru/"), ctx.runs))
    figures["article"] = summary(timings(lambda: get(article_url), ctx.runs))
    figures["listing"] = summary(timings(lambda: get("/ru/legal/"), ctx.runs))
    figures["filtered_listing"] = summary(
        timings(lambda: get("/ru/legal/", {"country": "TJ", "topic": "torture"}), ctx.runs)
    )
    for params in QUERIES:
        label = "search " + " ".join(f"{k}={v}" for k, v in params.items())
        figures[label] = summary(timings(_request(get, params), ctx.runs))
        shown = browse(ru_index, params)
        figures[label]["found"] = _found(ru_index, params)
        figures[label]["shown"] = shown.more_than or shown.paginator_page.paginator.count
    # The database's part alone, the ranked query of the first version (ts_rank and a
    # full count) against SearchResults, in the same run: the machine's load moves both.
    for params in QUERIES[:3]:
        label = "queries " + " ".join(f"{k}={v}" for k, v in params.items())
        figures[label + " ts_rank+count"] = summary(
            timings(functools.partial(_ranked_page, ru_index, params), ctx.runs)
        )
        figures[label + " capped"] = summary(
            timings(functools.partial(_capped_page, ru_index, params), ctx.runs)
        )
    return figures


def _filtered(index: Any, params: dict[str, str]) -> Any:
    from himoya.public_site.legal import LegalDocumentPage

    pages = LegalDocumentPage.objects.child_of(index).live()
    for name in ("country", "kind"):
        if name in params:
            pages = pages.filter(**{name: params[name]})
    return pages


def _found(index: Any, params: dict[str, str]) -> int:
    """The exact number found, which the page no longer counts past 1,000."""
    from himoya.public_site.legal import LegalSearchEntry
    from himoya.public_site.legal_search import parse

    tsquery = parse(params["q"]).tsquery
    return (
        LegalSearchEntry.objects.filter(page__in=_filtered(index, params).values("pk"))
        .extra(where=["legal_vector @@ %s::tsquery"], params=[tsquery])
        .count()
    )


def _ranked_page(index: Any, params: dict[str, str]) -> list[Any]:
    """The first version's search (until 5 Dec 2026): full count, order by ts_rank."""
    from django.core.paginator import Paginator
    from django.db.models import BooleanField, FloatField
    from django.db.models.expressions import RawSQL

    from himoya.public_site.legal import LegalDocumentPage, LegalSearchEntry
    from himoya.public_site.legal_search import parse

    tsquery = parse(params["q"]).tsquery
    entries = (
        LegalSearchEntry.objects.filter(page__in=_filtered(index, params).values("pk"))
        .annotate(
            found=RawSQL("legal_vector @@ %s::tsquery", [tsquery], output_field=BooleanField()),
            rank=RawSQL("ts_rank(legal_vector, %s::tsquery)", [tsquery], output_field=FloatField()),
        )
        .filter(found=True)
        .order_by("-rank", "page_id")
    )
    page = Paginator(entries, 20).get_page(1)
    by_pk = LegalDocumentPage.objects.in_bulk([entry.page_id for entry in page])
    return [by_pk[entry.page_id] for entry in page]


def _capped_page(index: Any, params: dict[str, str]) -> list[Any]:
    """The same first page through SearchResults, as ``browse`` reads it (no excerpts)."""
    from django.core.paginator import Paginator

    from himoya.public_site.legal import LegalDocumentPage
    from himoya.public_site.legal_search import parse
    from himoya.public_site.legal_selectors import COUNT_CAP, SearchResults

    found = SearchResults(_filtered(index, params), parse(params["q"]), COUNT_CAP)
    page = Paginator(cast(Any, found), 20).get_page(1)
    by_pk = LegalDocumentPage.objects.in_bulk([entry.page_id for entry in page])
    return [by_pk[entry.page_id] for entry in page]
