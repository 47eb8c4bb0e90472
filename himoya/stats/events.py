"""The events of the statistics (see himoya.core.events)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from himoya.core.events import register

register("stats.rebuild", _l("Statistics recounted"))
