"""The audit chain under concurrency: audited case pages read by 1, 8 and 32 sessions of
several organisations at once, over real HTTP, and the audit append alone.

    HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench .venv/bin/python -m bench.run --only audit_pages
    HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench .venv/bin/python -m bench.run --only audit_append

Every view of a case appends an event to the audit chain ("case.view"), so reads write.
Appending takes an advisory lock on the chain's head until the end of its transaction;
requests are not atomic (no ``ATOMIC_REQUESTS``), so that transaction is ``audit_record``'s
own: lock, read the head, insert, commit. The commit is inside the lock, so with a
durable commit (``synchronous_commit = on``, ``fsync = on``, as in production) the WAL
flushes of all appends wait for each other. The figures are taken both ways:
``fast`` is the test cluster's setting (fsync and synchronous commit off), ``durable``
switches both on for the run (``ALTER SYSTEM``, restored afterwards).

``audit_pages``: ``ORGS`` organisations, each with ``CASES_PER_ORG`` fictional cases
(``bench/populate.py``) and eight coordinators whose sessions passed 2FA. A gunicorn
server (``bench/audit_server.py``; 4 workers of 8 threads, so 32 requests can be in the
application at once) runs on a loopback port against the bench database; client threads,
one per session, each with a kept-alive connection, GET ``/staff/cases/<id>/`` pages of
their own organisation for ``SECONDS`` seconds after a warm-up. Sessions are dealt to
the organisations in turn (1 session: one organisation; 8: two each; 32: eight each).
The server runs in the two modes of ``audit_server``: ``chain`` (the application) and
``none`` (the same pages writing no audit event: the ceiling the chain is compared
with). Figures: requests/s, p50/p95 latency, the load average, and the ratio of each
mode's throughput to ``none``'s at the same concurrency and durability.

``audit_append``: ``audit_record`` alone from K threads (1, 8, 32) in this process, each
with its own connection, for ``SECONDS`` seconds, the threads spread over the ``ORGS``
organisations; against the same rows
(hashed the same way) inserted into a scratch table with the same indexes but no chain
and no lock (``bench_audit_nolock``, seq from a sequence, dropped afterwards).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.test import Client

from bench.populate import populate
from bench.run import Context, benchmark, log
from himoya.accounts.models import Organisation, Role, User
from himoya.cases.models import Case
from himoya.core import audit, context
from himoya.core.embedded_db import FAST_UNSAFE
from himoya.core.models import AuditEvent
from himoya.core.twofactor import SESSION_FLAG

ORGS = 4
CASES_PER_ORG = 200
USERS_PER_ORG = 8
CONCURRENCY = (1, 8, 32)
SECONDS = float(os.environ.get("BENCH_AUDIT_SECONDS", "8"))
WARMUP_SECONDS = 3.0
WORKERS, THREADS = 4, 8
DURABILITY = {
    "fast": FAST_UNSAFE,
    "durable": {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"},
}
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- data and sessions


@dataclass
class Tenant:
    org: Organisation
    case_ids: list[int]
    users: list[User] = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)


def tenants() -> list[Tenant]:
    """``ORGS`` organisations with cases and coordinators, made once per database."""
    out = []
    for i in range(1, ORGS + 1):
        org, _ = Organisation.objects.get_or_create(
            slug=f"bench-audit-{i}", defaults={"name": f"Bench audit {i}", "country": "KZ"}
        )
        if not org.cases.exists():
            log(f"populating {CASES_PER_ORG} cases in {org.slug} ...")
            populate(org, CASES_PER_ORG, seed=100 + i)
        tenant = Tenant(
            org, list(Case.objects.filter(organisation=org).values_list("pk", flat=True))
        )
        for u in range(USERS_PER_ORG):
            user, _ = User.objects.get_or_create(
                email=f"bench-audit-{u}@{org.slug}.invalid",
                defaults={
                    "full_name": f"Координатор {u}",
                    "organisation": org,
                    "role": Role.COORDINATOR,
                },
            )
            tenant.users.append(user)
            tenant.cookies.append(_session_cookie(user))
        out.append(tenant)
    return out


def _session_cookie(user: User) -> str:
    """A session of ``user`` that passed 2FA, as the login flow leaves it."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_FLAG] = str(user.pk)
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def deal(tenants_: list[Tenant], sessions: int) -> list[tuple[Tenant, str]]:
    """Sessions dealt to the organisations in turn, each with a user of its own."""
    return [
        (tenants_[n % len(tenants_)], tenants_[n % len(tenants_)].cookies[n // len(tenants_)])
        for n in range(sessions)
    ]


# ---------------------------------------------------------------- the database's durability


def set_durability(name: str) -> None:
    with connection.cursor() as cursor:
        for key, value in DURABILITY[name].items():
            cursor.execute(f"ALTER SYSTEM SET {key} = '{value}'")
        cursor.execute("SELECT pg_reload_conf()")
    close_old_connections()
    connection.close()  # new connections see the reloaded settings at once
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == DURABILITY[name]["synchronous_commit"]


@contextlib.contextmanager
def durability(name: str) -> Iterator[None]:
    set_durability(name)
    try:
        yield
    finally:
        set_durability("fast")


def database_url() -> str:
    """The bench database as a URL, for the server: with ``DATABASE_URL`` set its processes
    connect to it as to any server, and do not reset the cluster's settings."""
    params = connection.get_connection_params()
    host = params.get("host") or "localhost"
    return (
        f"postgresql://{params.get('user', '')}@/{params['dbname']}?host={host}"
        f"&port={params.get('port') or 5432}"
    )


# ---------------------------------------------------------------- server and clients


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(mode: str) -> Iterator[int]:
    port = _free_port()
    env = dict(os.environ, BENCH_AUDIT_MODE=mode, DATABASE_URL=database_url())
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.audit_server:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            f"--threads={THREADS}",
            "--worker-class=gthread",
            "--keep-alive=30",
            "--preload",  # Django set up once, before the workers fork
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start (exit {process.poll()})")
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _session_loop(
    port: int, tenant: Tenant, cookie: str, seed: int, until: float, warm_until: float
) -> tuple[list[float], int]:
    """GETs case pages of ``tenant`` until ``until``; latencies after ``warm_until``."""
    rng = random.Random(seed)
    latencies: list[float] = []
    errors = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Accept-Language": "ru"}
    try:
        while (started := time.perf_counter()) < until:
            conn.request("GET", f"/staff/cases/{rng.choice(tenant.case_ids)}/", headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200 or b"<html" not in body[:2000].lower():
                errors += 1
            elif started >= warm_until:
                latencies.append(elapsed)
    finally:
        conn.close()
    return latencies, errors


def load(port: int, sessions: list[tuple[Tenant, str]]) -> dict[str, Any]:
    warm_until = time.perf_counter() + WARMUP_SECONDS
    until = warm_until + SECONDS
    results: list[tuple[list[float], int]] = [([], 0)] * len(sessions)

    def run(n: int) -> None:
        tenant, cookie = sessions[n]
        results[n] = _session_loop(port, tenant, cookie, n, until, warm_until)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    return {
        "requests_per_s": round(len(latencies) / SECONDS, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[round(0.95 * (len(latencies) - 1))] * 1000, 1)
        if latencies
        else None,
        "requests": len(latencies),
        "errors": errors,
        "load_avg": round(os.getloadavg()[0], 1),
    }


@benchmark("audit_pages")
def audit_pages(ctx: Context) -> dict[str, Any]:
    tenants_ = tenants()
    modes = ("chain", "none")
    out: dict[str, Any] = {}
    for dur in DURABILITY:
        with durability(dur):
            figures: dict[str, dict[str, Any]] = {}
            for mode in modes:
                with server(mode) as port:
                    for sessions in CONCURRENCY:
                        before = AuditEvent.objects.count()
                        row = load(port, deal(tenants_, sessions))
                        row["events_written"] = AuditEvent.objects.count() - before
                        figures[f"{mode}@{sessions}"] = row
                        log(f"{dur} {mode} x{sessions}: {row}")
            for key, row in figures.items():
                base = figures[f"none@{key.split('@')[1]}"]["requests_per_s"]
                row["of_no_audit"] = round(row["requests_per_s"] / base, 2) if base else None
            out[dur] = figures
    report = audit.verify_chain()
    out["verify_audit_ok"] = report.ok
    return out


# ---------------------------------------------------------------- audit_record alone

NOLOCK = "bench_audit_nolock"


def _nolock_record(actor: User, obj: Case) -> None:
    """What ``audit_record`` does without the chain: the same event, hashed the same way
    over a fixed previous hash, inserted in its own transaction with no lock."""
    event = audit._new_event(
        user=actor,
        actor=actor,
        action="bench.append",
        obj=obj,
        organisation=actor.organisation,
        data={"bench": 1},
        facts=context.current(),
    )
    event.seq, event.prev_hash = 0, audit.GENESIS
    event.hash = audit.compute_hash(event)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {NOLOCK} (seq, created_at, actor_id, actor_label, organisation_id,"
            " action, object_type, object_id, request_id, ip, data, prev_hash, hash)"
            f" VALUES (nextval('{NOLOCK}_seq'), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb,"
            " %s, %s)",
            [
                event.created_at,
                event.actor_id,
                event.actor_label,
                event.organisation_id,
                event.action,
                event.object_type,
                event.object_id,
                event.request_id,
                event.ip,
                json.dumps(event.data),
                event.prev_hash,
                event.hash,
            ],
        )


def _append_rate(threads: int, write: Callable[[int], None]) -> dict[str, Any]:
    counts = [0] * threads
    start = threading.Barrier(threads + 1)
    until = [0.0]

    def run(n: int) -> None:
        try:
            try:
                write(n)  # connect and warm up before the clock starts
            except BaseException:
                start.abort()
                raise
            start.wait()
            while time.perf_counter() < until[0]:
                write(n)
                counts[n] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    until[0] = time.perf_counter() + SECONDS
    start.wait()
    for worker in workers:
        worker.join()
    total = sum(counts)
    return {"events_per_s": round(total / SECONDS, 1), "events": total}


@benchmark("audit_append")
def audit_append(ctx: Context) -> dict[str, Any]:
    tenants_ = tenants()
    cases = {t.org.pk: Case.objects.filter(organisation=t.org).first() for t in tenants_}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NOLOCK}")
        cursor.execute(f"CREATE TABLE {NOLOCK} (LIKE core_auditevent INCLUDING ALL)")
        cursor.execute(f"CREATE SEQUENCE {NOLOCK}_seq OWNED BY {NOLOCK}.seq")

    def writer(chain: bool) -> Callable[[int], None]:
        def write(n: int) -> None:
            tenant = tenants_[n % ORGS]
            user = tenant.users[(n // ORGS) % USERS_PER_ORG]
            obj = cases[tenant.org.pk]
            if chain:
                audit.audit_record(actor=user, action="bench.append", obj=obj, data={"bench": 1})
            else:
                _nolock_record(user, obj)

        return write

    variants = {"chain": writer(chain=True), "no_lock": writer(chain=False)}
    out: dict[str, Any] = {}
    try:
        for dur in DURABILITY:
            with durability(dur):
                figures = {}
                for k in CONCURRENCY:
                    for name, write in variants.items():
                        figures[f"{name}@{k}"] = _append_rate(k, write)
                        log(f"{dur} {name} x{k}: {figures[f'{name}@{k}']}")
                    figures[f"chain@{k}"]["of_no_lock"] = round(
                        figures[f"chain@{k}"]["events_per_s"]
                        / figures[f"no_lock@{k}"]["events_per_s"],
                        2,
                    )
                out[dur] = figures
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {NOLOCK}")
    out["verify_audit_ok"] = audit.verify_chain().ok
    return out
