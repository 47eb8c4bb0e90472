"""Shared fixtures. Nothing of our own is mocked: tests run the real code on a real
database (SQLite or PostgreSQL, see the Makefile) and, for pages, a real Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
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
