"""Search benchmark: synthetic cases on PostgreSQL, search latency against its raw SQL.

    HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench .venv/bin/python -m bench.search_bench \\
        --docs 200000 [--replicate 5] [--explain] [--keep]

Generates ``--docs`` documents (names, a summary of ~12 words, notes of ~60 words) from a
vocabulary of pseudo-words with Zipf-like frequencies, indexes them through
``index_documents_bulk`` (the real tokeniser and writer), then runs classes of queries
through ``search_owner_ids`` and, for comparison, the same SQL statement through a bare
cursor; and the sub-select of ``filter_queryset`` inside a typical list query (ordered,
paginated, counted). Prints percentiles per class. ``--keep`` reuses documents already
generated with the same ``--docs`` and ``--seed``.

``--replicate K`` then copies the generated documents K-1 times in SQL under new owner
ids (with their block tokens recomputed under their organisation's key), for K times as
many documents with the same text statistics: a quick way to a million rows when
indexing them all through Python would take long for a benchmark run.

Documents belong to five organisations in turn. Queries rotate over three scopes: one
organisation (a user's own cases), two (their own and those another one shared with
them: the words tokenised under both keys) and every organisation (``None``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from itertools import accumulate

OWNER = "bench.case"
CONSONANTS = "бвгджзклмнпрстхчшқғҳҷ"
VOWELS = "аеиоуыәөӯ"


def pseudo_words(rng: random.Random, n: int, syllables: tuple[int, int]) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < n:
        k = rng.randint(*syllables)
        word = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(k))
        found.setdefault(word + rng.choice(["", "", "н", "р", "в", "ст"]))
    return list(found)


class Zipf:
    def __init__(self, items: list[str], s: float = 1.0) -> None:
        self.items = items
        self.cum = list(accumulate(1 / (r**s) for r in range(1, len(items) + 1)))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.items, cum_weights=self.cum, k=k)


class Corpus:
    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.vocabulary = pseudo_words(rng, 5000, (2, 4))
        self.surnames = [
            w.capitalize() + rng.choice(["ов", "ова", "ев", "зода", "улы"])
            for w in pseudo_words(rng, 3000, (2, 3))
        ]
        self.first_names = [w.capitalize() for w in pseudo_words(rng, 400, (2, 3))]
        self.words = Zipf(self.vocabulary)
        self.surname = Zipf(self.surnames, 0.8)
        self.first_name = Zipf(self.first_names)

    def texts(self, rng: random.Random) -> dict[str, str]:
        names = self.surname.sample(rng, 1) + self.first_name.sample(rng, 1)
        return {
            "names": " ".join(names),
            "summary": " ".join(self.words.sample(rng, 12)),
            "notes": " ".join(self.words.sample(rng, 60) + names[:1]),
        }


def generate(corpus: Corpus, docs: int, seed: int, orgs: list[int]) -> None:
    from himoya.search.services import IndexItem, index_documents_bulk

    rng = random.Random(seed + 1)
    # As dense as a register of a million cases over ten years, ending now.
    step = dt.timedelta(days=3650) / 1_000_000
    end = dt.datetime.now(dt.UTC)

    def items() -> Iterator[IndexItem]:
        for i in range(1, docs + 1):
            yield IndexItem(
                owner_id=i,
                organisation_id=orgs[i % len(orgs)],
                texts=corpus.texts(rng),
                updated_at=end - step * (docs - i),
            )
            if i % 50000 == 0:
                print(f"  {i} documents", file=sys.stderr)

    t0 = time.perf_counter()
    index_documents_bulk(owner_type=OWNER, items=items(), batch_size=2000)
    print(f"indexed {docs} documents in {time.perf_counter() - t0:.1f} s")


def replicate(docs: int, copies: int, orgs: list[int]) -> None:
    """Copies of the generated documents under new owner ids (``docs`` further up each
    time), with their block tokens replaced (under their organisation's key)."""
    from django.db import connection

    from himoya.search.tokens import BUCKET_SHIFTS, bucket_token, search_key

    blocks = [
        (org, level, block, bucket_token(search_key(org), level, block))
        for org in orgs
        for level, shift in enumerate(BUCKET_SHIFTS)
        for block in range(0, (docs * copies >> shift) + 1)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_block (org int, level int, block bigint, token bigint, "
            "PRIMARY KEY (org, level, block))"
        )
        cursor.executemany("INSERT INTO bench_block VALUES (%s, %s, %s, %s)", blocks)

        def block_tokens(owner: str) -> str:
            return " || ".join(
                f"(SELECT array_agg(token) FROM bench_block WHERE org = d.organisation_id "
                f"AND level = {level} AND block = ({owner}) >> {shift})"
                for level, shift in enumerate(BUCKET_SHIFTS)
            )

        # Loading into a GIN index row by row is slow: drop it, load, build it again
        # (as migration 0002 makes it).
        cursor.execute("DROP INDEX IF EXISTS search_document_tokens")
        for i in range(1, copies):
            t0 = time.perf_counter()
            cursor.execute(
                "INSERT INTO search_searchdocument (owner_type, owner_id, organisation_id, "
                "updated_at, scheme, tokens) "
                "SELECT d.owner_type, d.owner_id + %s, d.organisation_id, d.updated_at, "
                "d.scheme, ARRAY(SELECT t FROM unnest(d.tokens) t EXCEPT SELECT unnest("
                f"{block_tokens('d.owner_id')})) || {block_tokens(f'd.owner_id + {docs * i}')} "
                "FROM search_searchdocument d WHERE d.owner_type = %s AND d.owner_id <= %s",
                [docs * i, OWNER, docs],
            )
            print(f"copy {i}: {cursor.rowcount} documents in {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX search_document_tokens ON search_searchdocument "
            "USING gin (tokens) WITH (fastupdate = on, gin_pending_list_limit = 1024)"
        )
        print(f"GIN index built in {time.perf_counter() - t0:.0f} s")


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def query_classes(corpus: Corpus, rng: random.Random, n: int) -> dict[str, list[str]]:
    v, s = corpus.vocabulary, corpus.surnames
    sample_texts = [corpus.texts(rng) for _ in range(n)]
    return {
        "frequent+frequent": [f"{rng.choice(v[:20])} {rng.choice(v[:20])}" for _ in range(n)],
        "frequent+medium": [f"{rng.choice(v[:20])} {rng.choice(v[100:1000])}" for _ in range(n)],
        "medium+medium": [f"{rng.choice(v[30:300])} {rng.choice(v[30:300])}" for _ in range(n)],
        "rare single": [rng.choice(v[1000:]) for _ in range(n)],
        "rare+rare": [f"{rng.choice(v[1000:])} {rng.choice(v[1000:])}" for _ in range(n)],
        "surname": [rng.choice(s[:300]) for _ in range(n)],
        "surname+word": [f"{rng.choice(s)} {rng.choice(v[:50])}" for _ in range(n)],
        "2 words of a document": [
            " ".join(rng.sample(t["notes"].split(), 2)) for t in sample_texts
        ],
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=25, help="queries per class")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--replicate", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from himoya.accounts.models import Organisation
    from himoya.search.models import SearchDocument
    from himoya.search.selectors import query_terms, search_owner_ids, searched_organisations
    from himoya.search.sql import (
        DOCS,
        Scope,
        SearchLimits,
        bands_below,
        owner_ids_sql,
        search_sql,
    )
    from himoya.search.tokens import search_key

    call_command("migrate", verbosity=0)
    orgs = [
        Organisation.objects.get_or_create(slug=f"bench{i}", defaults={"name": f"Bench {i}"})[0].pk
        for i in range(5)
    ]
    corpus = Corpus(args.seed)
    existing = SearchDocument.objects.filter(owner_type=OWNER).count()
    if not (args.keep and existing == args.docs * args.replicate):
        if not (args.keep and existing == args.docs):
            SearchDocument.objects.filter(owner_type=OWNER).delete()
            generate(corpus, args.docs, args.seed, orgs)
        SearchDocument.objects.filter(owner_type=OWNER, owner_id__gt=args.docs).delete()
        replicate(args.docs, args.replicate, orgs)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_searchdocument")
        cursor.execute("DROP TABLE IF EXISTS bench_case")
        cursor.execute(
            "CREATE TABLE bench_case AS SELECT owner_id AS id, organisation_id, "
            "(DATE '2015-01-01' + (owner_id * 7919 %% 3650)::int) AS opened_on "
            "FROM search_searchdocument WHERE owner_type = %s",
            [OWNER],
        )
        cursor.execute("ALTER TABLE bench_case ADD PRIMARY KEY (id)")
        cursor.execute("CREATE INDEX ON bench_case (opened_on, id)")
        cursor.execute("ANALYZE bench_case")
        cursor.execute(
            "SELECT pg_size_pretty(pg_table_size('search_searchdocument')), "
            "pg_size_pretty(pg_relation_size('search_document_tokens')), "
            "(SELECT avg(cardinality(tokens))::int FROM search_searchdocument), "
            "current_setting('shared_buffers'), current_setting('work_mem')"
        )
        table, gin, avg_tokens, shared, work_mem = cursor.fetchone()
    print(
        f"documents: table {table}, GIN {gin}, {avg_tokens} tokens per document on average; "
        f"shared_buffers {shared}, work_mem {work_mem}"
    )

    rng = random.Random(args.seed + 2)
    all_search: list[float] = []
    all_raw: list[float] = []
    print(
        f"\n{'class':24} {'search p50':>10} {'p95':>7} {'raw p50':>8} {'p95':>7} "
        f"{'ratio':>6} {'hits':>6}   list p50  p95  count p50  p95"
    )
    for name, queries in query_classes(corpus, rng, args.queries).items():
        search_t: list[float] = []
        raw_t: list[float] = []
        list_t: list[float] = []
        count_t: list[float] = []
        hits: list[int] = []
        for i, query in enumerate(queries):
            orgs_filter = [orgs[:1], orgs[:2], None][i % 3]

            def search(
                query: str = query,
                orgs_filter: list[int] | None = orgs_filter,
                hits: list[int] = hits,
            ) -> None:
                hits.append(
                    len(
                        search_owner_ids(
                            owner_type=OWNER,
                            query=query,
                            organisation_ids=orgs_filter,
                            limit=args.limit,
                        )
                    )
                )

            # The statements search_owner_ids runs: the newest owner id, then the search.
            newest_sql = f"SELECT max(owner_id) FROM {DOCS} WHERE owner_type = %s"
            with connection.cursor() as cursor:
                cursor.execute(newest_sql, [OWNER])
                newest = cursor.fetchone()[0]
            keys = [search_key(o) for o in searched_organisations(orgs_filter)]
            sql, params = search_sql(
                scope=Scope(OWNER, orgs_filter),
                terms=query_terms(query, orgs_filter),
                limit=args.limit,
                limits=SearchLimits(),
                bands=bands_below(newest, keys),
            )
            sub, sub_params = owner_ids_sql(
                owner_type=OWNER,
                terms=query_terms(query, orgs_filter),
                organisation_ids=orgs_filter,
            )

            def run(sql: str, params: list, first: str = "") -> Callable[[], object]:
                def go() -> object:
                    with connection.cursor() as cursor:
                        if first:
                            cursor.execute(first, [OWNER])
                            cursor.fetchone()
                        cursor.execute(sql, params)
                        return cursor.fetchall()

                return go

            search_t += timed(search, args.runs)
            raw_t += timed(run(sql, params, newest_sql), args.runs)
            list_t += timed(
                run(
                    f"SELECT id FROM bench_case WHERE id IN ({sub}) "
                    "ORDER BY opened_on DESC, id DESC LIMIT 25",
                    sub_params,
                ),
                1,
            )
            count_t += timed(
                run(f"SELECT count(*) FROM bench_case WHERE id IN ({sub})", sub_params), 1
            )
            if args.explain and i == 0:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    print(f"--- {name}: {query!r}")
                    print("\n".join(r[0] for r in cursor.fetchall()))
        all_search += search_t
        all_raw += raw_t
        print(
            f"{name:24} {pct(search_t, 50):10.1f} {pct(search_t, 95):7.1f} "
            f"{pct(raw_t, 50):8.1f} {pct(raw_t, 95):7.1f} "
            f"{statistics.median(s / r for s, r in zip(search_t, raw_t, strict=True)):6.2f} "
            f"{statistics.mean(hits):6.1f}   {pct(list_t, 50):8.1f} {pct(list_t, 95):5.1f} "
            f"{pct(count_t, 50):9.1f} {pct(count_t, 95):5.1f}"
        )
    print(
        f"{'all':24} {pct(all_search, 50):10.1f} {pct(all_search, 95):7.1f} "
        f"{pct(all_raw, 50):8.1f} {pct(all_raw, 95):7.1f}  (milliseconds)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
