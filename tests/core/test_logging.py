"""Logs carry request ids, never query strings or request objects (personal data)."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client, override_settings

from himoya.core import context
from himoya.core.logging import NoPersonalDataFilter

MARKER = "Zq7xLogMarker"
REQUEST_ID = "trace-12345678"


@contextlib.contextmanager
def request_context(request_id: str = REQUEST_ID) -> Iterator[None]:
    token = context.bind(context.RequestFacts(request_id=request_id, ip="192.0.2.1"))
    try:
        yield
    finally:
        context.reset(token)


def configured_output(emit: Callable[[], Any]) -> str:
    """Runs ``emit`` and returns what the project's logging configuration writes (every
    stream handler of every logger, and Python's last-resort handler for records that
    find no handler)."""
    buffer = io.StringIO()
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    swapped = []
    for lg in loggers:
        for handler in lg.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture, not part of the project's configuration
            if isinstance(handler, logging.StreamHandler) and handler is not logging.lastResort:
                swapped.append((handler, handler.stream))
                handler.setStream(buffer)
    try:
        with contextlib.redirect_stderr(buffer):
            emit()
    finally:
        for handler, stream in swapped:
            handler.setStream(stream)
    return buffer.getvalue()


def server_log(status: int, requestline: str) -> None:
    """What ``runserver`` logs for a request: Django's own WSGIRequestHandler."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.requestline = requestline
    handler.request = object()  # the socket; the filter must drop it
    handler.log_date_time_string = lambda: "22/Nov/2026 03:00:00"  # type: ignore[method-assign]
    handler.log_request(status, 1234)


@pytest.mark.parametrize("status", [200, 302, 404, 500])
def test_server_request_line_is_logged_without_its_query(status: int) -> None:
    """runserver writes the request line after the response, outside the request: the
    line goes through the project's handler (its format, its filter) without the query."""
    line = f"GET /staff/cases/?q={MARKER}&name=%D0%90%D1%81%D0%B5%D0%BB%D1%8C HTTP/1.1"
    out = configured_output(lambda: server_log(status, line))
    assert '"GET /staff/cases/ HTTP/1.1"' in out
    assert f" {status} 1234" in out
    assert "django.server [-] " in out
    assert MARKER not in out and "%D0%90" not in out
    assert out.count("GET /staff/cases/") == 1, "logged once, by one handler"


def test_filter_on_a_log_record() -> None:
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"POST /staff/people/?email={MARKER}@example.org HTTP/1.1", "200", "5"),
        None,
    )
    record.request = object()
    assert NoPersonalDataFilter().filter(record) is True
    assert record.request is None
    assert record.request_id == "-"
    assert record.getMessage() == '"POST /staff/people/ HTTP/1.1" 200 5'
    fmt = settings.LOGGING["formatters"]["plain"]["format"]
    assert MARKER not in logging.Formatter(fmt).format(record)


def test_filter_adds_the_bound_request_id_and_leaves_other_records_alone() -> None:
    record = logging.LogRecord(
        "himoya.cases", logging.INFO, __file__, 1, "case %s opened?%s", (7, "x"), None
    )
    with request_context("req-abcdefgh"):
        NoPersonalDataFilter().filter(record)
    assert record.request_id == "req-abcdefgh"
    assert record.getMessage() == "case 7 opened?x"


@pytest.mark.django_db
@override_settings(HIMOYA_BEHIND_PROXY=True)
def test_request_id_of_a_real_request_reaches_its_log_lines() -> None:
    """A record logged while a request is handled carries that request's id (set by the
    trusted proxy here, so the test can look for it) and not the query string."""
    request_logger = logging.getLogger("django.request")
    old_level = request_logger.level
    request_logger.setLevel(logging.WARNING)
    try:
        out = configured_output(
            lambda: Client().get(
                f"/ru/no-such-page/?q={MARKER}", HTTP_X_REQUEST_ID="trace-abcdef123456"
            )
        )
    finally:
        request_logger.setLevel(old_level)
    assert "Not Found: /ru/no-such-page/" in out
    assert "[trace-abcdef123456]" in out
    assert MARKER not in out
