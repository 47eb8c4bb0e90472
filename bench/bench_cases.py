"""The case list page and its search box, against the SQL they run and against
PostgreSQL's own full-text search on the same text.

    HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench .venv/bin/python -m bench.run \\
        --only case_list --only case_search --scale 100k --runs 20

Each sample is a real HTTP GET of ``/staff/cases/`` through ``django.test.Client``, as a
coordinator of the dataset's organisation whose session passed 2FA: middleware,
session, form, selectors, template and the audit event of the list view included;
"page" is a full page load, "htmx" the request the page's own filters and search box
send (the results part only). The statements one GET runs are captured
(``CaptureQueriesContext``) and replayed through a bare psycopg cursor ("raw": the same
SQL without Django, in autocommit like the page, each transaction rolled back instead
of committed, so the audit chain gets no copies). All the timings of one query are
taken in turn, round after round, so they share the load of the machine.

``case_search`` also times, for the same queries, the blind index alone
(``search_owner_ids``: the best 50 of the organisation) and PostgreSQL's full-text
search over the same decrypted text (``to_tsvector('russian', ...)``, GIN,
``plainto_tsquery``): the newest 50 matches, and the best 50 by ``ts_rank``. That
plaintext table exists only while the benchmark runs (``bench_plaintext_fts``, dropped
at the end, also after an error); the product never has one.

The search index of the dataset is filled here, like the case services fill it: for
each case the texts of ``cases.services.case_search_texts`` (names, number, summary,
appeal texts, violation descriptions, notes), through ``index_documents_bulk``. Only
cases without a current document are indexed, so a persistent ``DATABASE_URL`` keeps
the work of earlier runs. A big load drops the GIN index and builds it again after
(the documents are the same; it is only faster).
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.corpus import CORPUS
from bench.run import Context, benchmark, log, summary
from himoya.accounts.models import Organisation, Role, User
from himoya.cases.models import Appeal, Case, Note, Person, Violation
from himoya.cases.services import case_search_texts
from himoya.core.twofactor import SESSION_FLAG
from himoya.reference.models import Region, Term
from himoya.search.analysis import words
from himoya.search.selectors import search_owner_ids
from himoya.search.services import IndexItem, index_documents_bulk, owner_type_of
from himoya.search.sql import DOCS
from himoya.search.tokens import SCHEME, Tokeniser, search_key

OWNER = owner_type_of(Case)
PLAIN = "bench_plaintext_fts"
READ_BATCH = 2000
# Loads bigger than this drop the GIN index and build it again afterwards.
REBUILD_GIN_FROM = 50_000
TARGET_MS = 150.0
TARGET_RATIO = 2.0


# ---------------------------------------------------------------- the dataset's texts


def _decrypt(model: Any, field: str) -> Callable[[str | None], str]:
    convert = model._meta.get_field(field).from_db_value  # the fields' own decryption
    return lambda value: convert(value, None, connection) or ""


def read_texts(ids: Sequence[int]) -> list[tuple[int, int, dict[str, str]]]:
    """(case id, organisation id, texts) of the cases ``ids`` (sorted), the texts as
    ``cases.services.case_search_texts`` makes them (names of every party, number,
    summary, appeal texts, violation descriptions, notes): a few statements per batch,
    decrypted by the fields' own code (``check_texts`` compares the tokens)."""
    if not ids:
        return []
    wanted = [list(ids)]
    summary = _decrypt(Case, "summary")
    extra: dict[int, dict[str, list[str]]] = {pk: {"names": [], "text": []} for pk in ids}
    with connection.cursor() as cursor:
        for sql, key, field in (
            (
                "SELECT cp.case_id, p.full_name FROM cases_caseparty cp JOIN cases_person p "
                "ON p.id = cp.person_id WHERE cp.case_id = ANY(%s) ORDER BY cp.id",
                "names",
                _decrypt(Person, "full_name"),
            ),
            (
                "SELECT case_id, content FROM cases_appeal WHERE case_id = ANY(%s)",
                "text",
                _decrypt(Appeal, "content"),
            ),
            (
                "SELECT case_id, description FROM cases_violation WHERE case_id = ANY(%s)",
                "text",
                _decrypt(Violation, "description"),
            ),
            (
                "SELECT case_id, text FROM cases_note WHERE case_id = ANY(%s)",
                "text",
                _decrypt(Note, "text"),
            ),
        ):
            cursor.execute(sql, wanted)
            for case_id, value in cursor.fetchall():
                extra[case_id][key].append(field(value))
        cursor.execute(
            "SELECT id, organisation_id, number, external_id, summary FROM cases_case "
            "WHERE id = ANY(%s) ORDER BY id",
            wanted,
        )
        rows = cursor.fetchall()
    return [
        (
            pk,
            org_id,
            {
                "names": "\n".join(extra[pk]["names"]),
                "number": f"{number} {external or ''}",
                "summary": summary(text),
                "text": "\n".join(extra[pk]["text"]),
            },
        )
        for pk, org_id, number, external, text in rows
    ]


def check_texts(ids: Sequence[int]) -> None:
    """The bulk reader gives the same tokens as the case services' own texts."""
    for pk, org_id, texts in read_texts(ids):
        tokeniser = Tokeniser(search_key(org_id))
        ours = tokeniser.document_tokens(texts, owner_id=pk)
        theirs = tokeniser.document_tokens(case_search_texts(Case.objects.get(pk=pk)), owner_id=pk)
        assert ours == theirs, f"texts of case {pk} differ from case_search_texts"


def _case_ids(org: Organisation) -> list[int]:
    return list(Case.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True))


def _batches(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _unindexed(org: Organisation) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id FROM cases_case c WHERE c.organisation_id = %s AND NOT EXISTS ("
            f"SELECT 1 FROM {DOCS} d WHERE d.owner_type = %s AND d.owner_id = c.id "
            "AND d.scheme = %s)",
            [org.pk, OWNER, SCHEME],
        )
        return {row[0] for row in cursor.fetchall()}


def _gin_definition() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname = 'search_document_tokens'",
            [DOCS],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def prepare(org: Organisation, *, plaintext: bool) -> dict[str, Any]:
    """Indexes the cases of ``org`` that have no current document, and (``plaintext``)
    fills the bench-only plaintext table from the same decrypted texts. One pass."""
    ids = _case_ids(org)
    missing = _unindexed(org)
    info: dict[str, Any] = {"cases": len(ids), "indexed_now": len(missing)}
    if not missing and not plaintext:
        return info
    started = time.perf_counter()
    gin = _gin_definition() if len(missing) >= REBUILD_GIN_FROM else None
    if plaintext:
        _create_plaintext()
    with connection.cursor() as cursor:
        if gin:
            cursor.execute("DROP INDEX search_document_tokens")
    read = index = plain = 0.0
    try:
        done = 0
        for batch in _batches(ids, READ_BATCH):
            t0 = time.perf_counter()
            texts = read_texts(batch)
            t1 = time.perf_counter()
            items = [IndexItem(pk, org_id, t) for pk, org_id, t in texts if pk in missing]
            if items:
                index_documents_bulk(owner_type=Case, items=items, batch_size=1000)
            t2 = time.perf_counter()
            if plaintext:
                _fill_plaintext(texts)
            t3 = time.perf_counter()
            read, index, plain = read + t1 - t0, index + t2 - t1, plain + t3 - t2
            done += len(batch)
            if done % 100_000 < READ_BATCH:
                log(f"  {done:,} cases read ({len(missing):,} to index) ...")
    finally:
        if gin:
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                cursor.execute(gin)
                cursor.execute("RESET maintenance_work_mem")
            info["gin_build_s"] = round(time.perf_counter() - t0, 1)
    with connection.cursor() as cursor:
        if missing:
            cursor.execute(f"VACUUM ANALYZE {DOCS}")
        if plaintext:
            t0 = time.perf_counter()
            cursor.execute("DROP TABLE IF EXISTS bench_plaintext_src")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(f"CREATE INDEX {PLAIN}_tsv ON {PLAIN} USING gin (tsv)")
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute(f"VACUUM ANALYZE {PLAIN}")
            plain += time.perf_counter() - t0
    if missing:
        check_texts(sorted(random.Random(3).sample(ids, min(20, len(ids)))))
    info.update(
        read_decrypt_s=round(read, 1),
        index_s=round(index, 1),
        plaintext_s=round(plain, 1),
        total_s=round(time.perf_counter() - started, 1),
    )
    return info


def _create_plaintext() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLAIN}")
        cursor.execute(
            f"CREATE TABLE {PLAIN} (case_id bigint PRIMARY KEY, organisation_id bigint "
            "NOT NULL, tsv tsvector NOT NULL)"
        )
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_plaintext_src (case_id bigint, "
            "organisation_id bigint, names text, summary text, body text)"
        )


def _fill_plaintext(texts: Sequence[tuple[int, int, dict[str, str]]]) -> None:
    # The same fields, weighted like the blind index ranks them: names, summary, rest.
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY bench_plaintext_src (case_id, organisation_id, names, summary, body) FROM STDIN"
        ) as copy:
            for pk, org_id, t in texts:
                copy.write_row(
                    (pk, org_id, t["names"], t["summary"], f"{t['number']}\n{t['text']}")
                )
        cursor.execute(
            f"INSERT INTO {PLAIN} (case_id, organisation_id, tsv) SELECT case_id, "
            "organisation_id, setweight(to_tsvector('russian', names), 'A') || "
            "setweight(to_tsvector('russian', summary), 'B') || "
            "to_tsvector('russian', body) FROM bench_plaintext_src"
        )
        cursor.execute("TRUNCATE bench_plaintext_src")


def drop_plaintext() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLAIN}")
        cursor.execute("DROP TABLE IF EXISTS bench_plaintext_src")


# ---------------------------------------------------------------- the page and its SQL


def coordinator_client(org: Organisation) -> Client:
    user, _ = User.objects.get_or_create(
        email=f"bench-coordinator@{org.slug}.invalid",
        defaults={
            "full_name": "Координатор Бенчмарка",
            "organisation": org,
            "role": Role.COORDINATOR,
        },
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_FLAG] = str(user.pk)
    session.save()
    return client


_AUDIT_INSERT = re.compile(r'^(INSERT INTO "core_auditevent" \("seq", .*? VALUES \()(\d+)', re.S)


@dataclass
class Page:
    """One GET of the case list and the statements it ran."""

    client: Client
    url: str
    statements: list[str]
    headers: dict[str, str]

    @classmethod
    def capture(cls, client: Client, url: str, *, htmx: bool = False) -> Page:
        """``htmx``: as the page's own filters and search box ask (they swap in the
        results part only), else a full page load."""
        headers = {"HX-Request": "true", "HX-Target": "case-results"} if htmx else {}
        get(client, url, headers)  # warm: caches, the plan of every statement
        with CaptureQueriesContext(connection) as captured:
            get(client, url, headers)
        statements = [q["sql"] for q in captured.captured_queries]
        assert not any(re.match(r"^\d+ times: ", s) for s in statements), "executemany"
        return cls(client, url, statements, headers)

    def page(self) -> None:
        get(self.client, self.url, self.headers)

    def raw(self) -> None:
        """The same statements through the driver's own cursor, in autocommit like the
        page, with each transaction rolled back instead of committed: the audit event
        (its sequence number made unique) and the session write leave nothing."""
        seq = 2**62 + random.randrange(2**40)
        assert connection.get_autocommit()
        cursor = connection.connection.cursor()
        try:
            for sql in self.statements:
                if sql == "COMMIT":
                    sql = "ROLLBACK"
                cursor.execute(_AUDIT_INSERT.sub(lambda m: f"{m.group(1)}{seq}", sql))
                if cursor.description is not None:
                    cursor.fetchall()
        finally:
            if connection.connection.info.transaction_status:  # not idle: an error
                connection.connection.rollback()


def get(client: Client, url: str, headers: dict[str, str] | None = None) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, f"{url}: {response.status_code}"


def shapes(statements: Sequence[str]) -> list[str]:
    """The statements without their values, shortened, to show what a page runs."""
    out = []
    for sql in statements:
        sql = re.sub(r"'(?:[^']|'')*'", "'…'", sql)
        sql = re.sub(r"\b\d+\b", "N", sql)
        sql = re.sub(r"(?:N, )+N", "N, …", sql)
        out.append(sql[:100])
    return out


def ratio(a: dict[str, float], b: dict[str, float], key: str) -> float:
    return round(a[key] / b[key], 2) if b[key] else 0.0


def interleaved(
    funcs: dict[str, Sequence[Callable[[], Any]]], runs: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Seconds per call: each name has one function per query; run ``runs`` rounds,
    each calling every name once (queries in turn), so all share the same load."""
    out: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(warmup):
        for calls in funcs.values():
            for call in calls:
                call()
    for i in range(runs):
        for name, calls in funcs.items():
            call = calls[i % len(calls)]
            started = time.perf_counter()
            call()
            out[name].append(time.perf_counter() - started)
    return out


def figures(seconds: dict[str, list[float]]) -> dict[str, Any]:
    result: dict[str, Any] = {name: summary(values) for name, values in seconds.items()}
    for page, raw in (("page", "raw"), ("htmx", "htmx raw")):
        a, b = result[page], result[raw]
        result[f"{page}/raw"] = {"p50": ratio(a, b, "p50_ms"), "p95": ratio(a, b, "p95_ms")}
    result["meets_target"] = bool(
        result["page"]["p95_ms"] < TARGET_MS and result["page/raw"]["p95"] <= TARGET_RATIO
    )
    return result


def timed_pages(
    pages: Sequence[Page], partials: Sequence[Page]
) -> dict[str, Sequence[Callable[[], Any]]]:
    return {
        "page": [p.page for p in pages],
        "raw": [p.raw for p in pages],
        "htmx": [p.page for p in partials],
        "htmx raw": [p.raw for p in partials],
    }


def _print(title: str, rows: dict[str, dict[str, Any]], extra: Sequence[str] = ()) -> None:
    cols = ["page", "raw", "htmx", "htmx raw", *extra]
    head = " ".join(f"{c:>13} {'p95':>6}" for c in cols)
    lines = [f"{title} (p50 and p95, ms):", f"{'':22}{head}  page/raw   htmx/raw  stmts"]
    for name, row in rows.items():
        cells = " ".join(f"{row[c]['p50_ms']:13.1f} {row[c]['p95_ms']:6.1f}" for c in cols)
        ratios = "  ".join(
            f"{row[k]['p50']:4.2f} {row[k]['p95']:4.2f}" for k in ("page/raw", "htmx/raw")
        )
        lines.append(f"{name:22}{cells}  {ratios}  {row['statements']:5}")
    log("\n".join(lines))


# ---------------------------------------------------------------- the benchmarks


def _setup(ctx: Context, *, plaintext: bool) -> tuple[Organisation, Client]:
    org = ctx.dataset()
    story = Appeal.objects.filter(organisation=org).order_by("pk").first()
    if story is not None and not story.content:
        log(
            "warning: this dataset was made by an older bench/populate.py (no appeal texts): "
            "the search figures are not comparable; use a fresh database"
        )
    started = time.perf_counter()
    info = prepare(org, plaintext=plaintext)
    log(f"search index and texts ready in {time.perf_counter() - started:.1f} s: {info}")
    ctx._datasets[f"prepared-{ctx.scale}"] = info
    return org, coordinator_client(org)


def list_url(**params: Any) -> str:
    base = reverse("cases:list")
    return f"{base}?{urlencode(params)}" if params else base


def list_scenarios(org: Organisation) -> dict[str, str]:
    violation = Term.objects.filter(vocabulary="violation").order_by("order", "code").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT region_id FROM cases_case WHERE organisation_id = %s AND region_id IS NOT "
            "NULL GROUP BY region_id ORDER BY count(*) DESC LIMIT 1",
            [org.pk],
        )
        row = cursor.fetchone()
    region = row[0] if row else Region.objects.order_by("pk").values_list("pk", flat=True)[0]
    return {
        "first page": list_url(),
        "status": list_url(status="in_progress"),
        "violation": list_url(violation=violation.code if violation else ""),
        "region": list_url(region=region),
        "overdue": list_url(overdue="on"),
        "date range (a month)": list_url(opened_from="2023-03-01", opened_to="2023-03-31"),
        "status+region+dates": list_url(
            status="closed", region=region, opened_from="2022-01-01", opened_to="2022-12-31"
        ),
        "page 20": list_url(page=20),
        "page 20, oldest first": list_url(page=20, sort="opened"),
    }


@benchmark("case_list")
def case_list(ctx: Context) -> dict[str, Any]:
    """The case list page (first page, filters, a later page) against its own SQL."""
    org, client = _setup(ctx, plaintext=False)
    rows: dict[str, dict[str, Any]] = {}
    sql: dict[str, list[str]] = {}
    for name, url in list_scenarios(org).items():
        page = Page.capture(client, url)
        row = figures(
            interleaved(timed_pages([page], [Page.capture(client, url, htmx=True)]), ctx.runs)
        )
        row["statements"] = len(page.statements)
        rows[name] = row
        sql.setdefault("sql of the first page", shapes(page.statements))
    _print("case list", rows)
    return {
        "prepare": ctx._datasets.get(f"prepared-{ctx.scale}"),
        "target": f"p95 < {TARGET_MS:.0f} ms and page/raw <= {TARGET_RATIO}",
        **rows,
        **sql,
    }


def search_queries(org: Organisation, per_class: int = 4) -> dict[str, list[str]]:
    """Queries typed into the search box: words of the dataset's own cases."""
    rng = random.Random(17)
    tokeniser = Tokeniser(search_key(org.pk))

    def indexed(word: str) -> bool:
        return bool(tokeniser.query_terms(word))

    frequent = [w for w in CORPUS.vocabulary[:12] if indexed(w)][:per_class]
    ids = _case_ids(org)
    rare: list[str] = []
    surnames: list[str] = []
    pairs: list[str] = []
    mixed: list[str] = []
    rank = {word: i for i, word in enumerate(CORPUS.vocabulary)}
    for _pk, _org, t in read_texts(sorted(rng.sample(ids, min(len(ids), 400)))):
        story = [w for w in words(t["text"]) if indexed(w)]
        unknown = [w for w in story if w not in CORPUS.known]
        known = sorted({w for w in story if w in rank}, key=rank.__getitem__)
        if unknown:
            rare.append(unknown[0])
            if known:  # the commonest word of a case, and its rare one
                mixed.append(f"{known[0]} {unknown[0]}")
        surnames.append(t["names"].split()[0])
        if len(story) > 10:
            pairs.append(" ".join(rng.sample(sorted(set(story)), 2)))
    return {
        "frequent word": frequent,
        "rare word": rare[:per_class],
        "surname": surnames[:per_class],
        "two words of a case": pairs[:per_class],
        "frequent + rare word": mixed[-per_class:],
    }


PLAIN_NEWEST = f"""
SELECT case_id FROM {PLAIN}
WHERE organisation_id = %s AND tsv @@ plainto_tsquery('russian', %s)
ORDER BY case_id DESC LIMIT 50
"""
PLAIN_RANKED = f"""
SELECT case_id FROM {PLAIN}, plainto_tsquery('russian', %s) q
WHERE organisation_id = %s AND tsv @@ q
ORDER BY ts_rank(tsv, q) DESC, case_id DESC LIMIT 50
"""


def plain_search(sql: str, params: list[Any]) -> Callable[[], Any]:
    def run() -> Any:
        cursor = connection.connection.cursor()
        cursor.execute(sql, params)
        return cursor.fetchall()

    return run


def blind_search(org: Organisation, query: str) -> Callable[[], Any]:
    def run() -> Any:
        return search_owner_ids(owner_type=Case, query=query, organisation_ids=[org.pk], limit=50)

    return run


@benchmark("case_search")
def case_search(ctx: Context) -> dict[str, Any]:
    """Full-text queries through the case list's search box, against their own SQL, the
    blind index alone, and PostgreSQL's plaintext full-text search on the same text."""
    sql: dict[str, list[str]] = {}
    try:
        org, client = _setup(ctx, plaintext=True)
        rows: dict[str, dict[str, Any]] = {}
        for name, queries in search_queries(org).items():
            pages = [Page.capture(client, list_url(q=q)) for q in queries]
            partials = [Page.capture(client, list_url(q=q), htmx=True) for q in queries]
            seconds = interleaved(
                {
                    **timed_pages(pages, partials),
                    "blind": [blind_search(org, q) for q in queries],
                    "plain newest": [plain_search(PLAIN_NEWEST, [org.pk, q]) for q in queries],
                    "plain ranked": [plain_search(PLAIN_RANKED, [q, org.pk]) for q in queries],
                },
                ctx.runs,
            )
            row = figures(seconds)
            row["queries"] = len(queries)
            row["matches"] = statistics.mean(_plain_count(org, q) for q in queries)
            row["statements"] = len(pages[0].statements)
            rows[name] = row
            sql.setdefault("sql of a search", shapes(pages[0].statements))
        _print("case search", rows, extra=("blind", "plain newest", "plain ranked"))
        log(
            "matches per query (plaintext count): "
            + ", ".join(f"{n}: {r['matches']:.0f}" for n, r in rows.items())
        )
    finally:
        drop_plaintext()
    return {
        "prepare": ctx._datasets.get(f"prepared-{ctx.scale}"),
        "target": f"p95 < {TARGET_MS:.0f} ms and page/raw <= {TARGET_RATIO}",
        **rows,
        **sql,
    }


def _plain_count(org: Organisation, query: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {PLAIN} WHERE organisation_id = %s "
            "AND tsv @@ plainto_tsquery('russian', %s)",
            [org.pk, query],
        )
        return int(cursor.fetchone()[0])
