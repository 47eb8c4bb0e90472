"""The WSGI application ``bench_audit`` serves with gunicorn, in one of the modes it
compares (``BENCH_AUDIT_MODE``):

- ``chain`` (default): the application as it is.
- ``none``: the view of a case writes no audit event at all; the ceiling the chain is
  measured against. Only this benchmark's server ever runs so.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

MODE = os.environ.get("BENCH_AUDIT_MODE", "chain")


def _apply(mode: str) -> None:
    if mode == "none":
        from himoya.core import access

        def no_audit(**kwargs: Any) -> None:
            return None

        access.audit_record = no_audit  # type: ignore[assignment]
    elif mode != "chain":
        raise RuntimeError(f"unknown BENCH_AUDIT_MODE {mode!r}")


_apply(MODE)
