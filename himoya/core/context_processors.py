from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def himoya(request: HttpRequest) -> dict[str, Any]:
    return {
        "HIMOYA_ENV": settings.HIMOYA_ENV,
        "himoya_languages": settings.LANGUAGES,
    }
