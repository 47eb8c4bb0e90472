"""Logging that never carries personal data."""

from __future__ import annotations

import logging
import re

from himoya.core import context

_QUERY = re.compile(r"\?\S*")


class NoPersonalDataFilter(logging.Filter):
    """Adds the request id and drops the request object (and with it bodies, query
    strings and headers) from records, so handlers cannot print them."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs 4xx/5xx responses after the middleware has returned (and unbound
        # the request facts); such records carry the request, which knows its id.
        request = getattr(record, "request", None)
        record.request_id = (
            context.current().request_id or getattr(request, "request_id", None) or "-"
        )
        if hasattr(record, "request"):
            record.request = None
        if record.name == "django.server" and isinstance(record.args, tuple) and record.args:
            # the request line's query string may carry search terms: drop it
            first, *rest = record.args
            if isinstance(first, str):
                record.args = (_QUERY.sub("", first), *rest)
        return True
