"""Values that do not open: a page shows the record as damaged instead of failing.

A ciphertext moved to another row, column or organisation, altered, or under a key this
server does not have raises ``DamagedValue`` when it is first read. The staff pages say
so in place of the page (``DamagedRecordMiddleware``) and lists put ``DAMAGED`` in place
of the value; each time, a ``crypto.damaged`` audit event names the record (model, id,
field; never the stored bytes), so the operator learns that the database was written to.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from himoya.core.crypto import DecryptionError

logger = logging.getLogger(__name__)

DAMAGED = _(
    "This record is damaged (it cannot be decrypted with the keys this server has); "
    "the incident was logged"
)


class DamagedValue(DecryptionError):
    """A stored value of a known record that does not open."""

    def __init__(self, message: str, *, model: str, pk: Any, field: str) -> None:
        super().__init__(message)
        self.model = model
        self.pk = pk
        self.field = field
        _latest.set(self)


# The latest DamagedValue raised in this context. Pydantic turns an exception raised while
# reading an attribute into a message (``get_attribute_error``) and drops the exception,
# so the API's response validation would otherwise lose which record was damaged.
_latest: contextvars.ContextVar[DamagedValue | None] = contextvars.ContextVar(
    "himoya_damaged", default=None
)


def latest_damaged() -> DamagedValue | None:
    return _latest.get()


def report(actor: Any, error: DecryptionError) -> None:
    """Records the damaged record in the audit chain (its own transaction: the page's
    request may be rolling back)."""
    from himoya.core.audit import audit_record

    data: dict[str, Any] = {}
    if isinstance(error, DamagedValue):
        data = {"model": error.model, "id": error.pk, "field": error.field}
    logger.warning("damaged encrypted value: %s", data or "unknown record")
    with transaction.atomic():
        audit_record(actor=actor, action="crypto.damaged", data=data)


class DamagedRecordMiddleware:
    """A staff page that meets a value which does not open answers with a page that says
    the record is damaged (and the incident was logged), not with a server error."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not isinstance(exception, DecryptionError):
            return None
        report(getattr(request, "user", None), exception)
        return render(request, "core/damaged.html", {"message": DAMAGED}, status=200)
