"""Shared fixtures. Nothing of our own is mocked: tests run the real code on a real
database (SQLite or PostgreSQL, see the Makefile) and, for pages, a real Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client

from himoya.core.twofactor import SESSION_FLAG
from tests.factories import OrganisationFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HIMOYA_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
_LOUD_SKIPS: set[str] = set()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _LOUD_SKIPS:
        bar = "!" * 78
        terminalreporter.write_line(bar)
        for reason in sorted(_LOUD_SKIPS):
            terminalreporter.write_line(f"SKIPPED PART OF THE SUITE: {reason}")
        terminalreporter.write_line(bar)


def loud_skip(reason: str) -> None:
    _LOUD_SKIPS.add(reason)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _reference_data(request: Any) -> None:
    """The shipped vocabularies and regions, as after `himoya migrate`.

    Transactional tests (live server, browser) empty every table when they end, and
    serialized_rollback cannot restore them once Playwright's event loop is running; so
    every database test gets the reference data back before it starts (a no-op when
    it is there).
    """
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return
    from himoya.reference.models import Region, Term
    from himoya.reference.vocab_data import load_reference_data

    if not Term.objects.exists() or not Region.objects.exists():
        load_reference_data(Term, Region)


@pytest.fixture
def english() -> Iterator[None]:
    """English messages, for tests that read what a service or command says."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def org(db: Any) -> Any:
    return OrganisationFactory(slug="alpha", name="Альфа (тест)")


@pytest.fixture
def other_org(db: Any) -> Any:
    return OrganisationFactory(slug="beta", name="Бета (тест)", country="TJ")


@pytest.fixture
def fresh_cache() -> None:
    """Rate-limit counters live in the shared cache; a test that counts starts from
    zero."""
    cache.clear()


@pytest.fixture
def world(org: Any, other_org: Any, fresh_cache: None) -> Any:
    """Organisation A with one case and staff who must not see it, organisation B with
    none (tests/api/world.py)."""
    from tests.api.world import build_world

    return build_world(org, other_org)


def make_client(user: Any) -> Client:
    """A client for ``user`` whose session passed 2FA, as after a real TOTP login
    (the login itself is tested end to end in test_auth_flows)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_FLAG] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def user_factory(db: Any) -> Any:
    return UserFactory


@pytest.fixture
def staff_client() -> Any:
    return make_client


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        loud_skip(f"browser tests: Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        loud_skip("browser tests: the playwright package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


# ---------------------------------------------------------------- background workers

ROOT = Path(__file__).resolve().parent.parent


def worker_env() -> dict[str, str]:
    """The environment for a ``himoya worker`` subprocess on the test database, wherever
    it is (the embedded cluster or DATABASE_URL's server)."""
    from django.db import connections

    db = connections["default"]
    db.ensure_connection()
    params = db.settings_dict
    host = params["HOST"]
    netloc = f"{quote(params['USER'])}:{quote(params['PASSWORD'])}@"
    if host.startswith("/"):
        url = f"postgres://{netloc}:{params['PORT'] or 5432}/{params['NAME']}?host={host}"
    else:
        url = f"postgres://{netloc}{host}:{params['PORT'] or 5432}/{params['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "HIMOYA_DEBUG": "false",
    }


@pytest.fixture
def start_worker() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Starts real ``himoya worker`` processes; the test needs ``transaction=True`` (the
    worker sees only what the test committed). Those still running at the end are killed.
    They enqueue no periodic jobs unless ``schedule=True``; ``env`` adds to their
    environment."""
    started: list[subprocess.Popen[str]] = []

    def start(
        *options: str, schedule: bool = False, env: dict[str, str] | None = None
    ) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "himoya", "worker", "--no-startup-delay", "--no-reload"]
            + ["--interval", "0.1", *([] if schedule else ["--no-schedule"]), *options],
            cwd=ROOT,
            env={**worker_env(), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def finish(proc: subprocess.Popen[str], timeout: float = 30) -> tuple[int, str]:
    """Waits for a worker (or any command) started with ``start_worker``: (exit code,
    output)."""
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out


def until(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


def run_queued_tasks() -> int:
    """Runs the queued tasks in this process, in queue order, with django-tasks-db's own
    worker code (claim, signals, result), until none is left; returns how many ran. For
    tests that need a task's effect, not a second process (that is ``start_worker``)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-in-process",
        excluded_queue_names=[],
    )
    ran = 0
    while (row := DBTaskResult.objects.ready().first()) is not None:
        row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1
    return ran
