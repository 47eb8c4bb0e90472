"""The events of the search index (see himoya.core.events)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from himoya.core.events import register

register("search.rebuild", _("Search index rebuilt"))
