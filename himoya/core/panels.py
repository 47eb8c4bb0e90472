"""Pages made of panels that apps contribute (Wagtail's hooks are the model).

A page such as the case page does not list its sections: each app registers its panels on
the page's registry, from its ``ready()`` (``himoya/<app>/panels.py``), so the page's own
app never imports the apps that add to it. A panel declares its anchor, its entry in the
page's table of contents, its place, its template, who sees it and the function that reads
its data. The reading function runs only for a reader who sees the panel, so a hidden panel
reads nothing.

The registry belongs to the page's app (``himoya.cases.panels.case_page``); this module is
the mechanism, so that another page can be built the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.functional import Promise
from django.utils.safestring import SafeString

T = TypeVar("T")
Text = str | Promise
# (user, object) -> whether the user sees the panel at all.
Visible = Callable[[Any, T], bool]
# (request, object, forms) -> the template's context. ``forms`` holds the bound forms of a
# POST that failed, by context name, so the panel shows them with their errors; it is empty
# on a plain GET.
Reader = Callable[[HttpRequest, T, Mapping[str, Any]], Mapping[str, Any]]

# An anchor is written into URLs (``#tasks``) and HTML ids; keep it plain.
_ANCHOR = re.compile(r"^[a-z][a-z0-9-]*$")


def always(user: Any, obj: Any) -> bool:
    return True


@dataclass(frozen=True)
class Panel(Generic[T]):
    # The section's HTML id: the table of contents links to it and the page's POST
    # handlers redirect to it (``#tasks``), so it never changes once published.
    id: str
    # Its entry in the table of contents (a lazy translation).
    title: Text
    template: str
    context: Reader[T]
    order: int = 0
    visible: Visible[T] = always
    column: str = "main"
    in_toc: bool = True


@dataclass(frozen=True)
class RenderedPanel:
    panel: Panel[Any]
    html: SafeString

    @property
    def id(self) -> str:
        return self.panel.id

    @property
    def title(self) -> Text:
        return self.panel.title


@dataclass(frozen=True)
class RenderedPage:
    """The panels one reader sees, in order, as the page's template lays them out."""

    panels: list[RenderedPanel]

    @property
    def toc(self) -> list[RenderedPanel]:
        return [p for p in self.panels if p.panel.in_toc]

    def column(self, name: str) -> list[RenderedPanel]:
        return [p for p in self.panels if p.panel.column == name]


class PanelRegistry(Generic[T]):
    """The panels of one page, kept in their declared order (then registration order)."""

    def __init__(self, page: str, *, columns: Sequence[str] = ("main",)) -> None:
        self.page = page
        self.columns = tuple(columns)
        self._panels: dict[str, Panel[T]] = {}

    def register(self, panel: Panel[T]) -> Panel[T]:
        if not _ANCHOR.match(panel.id):
            raise ImproperlyConfigured(f"{self.page}: panel id {panel.id!r} is not a plain anchor")
        if panel.id in self._panels:
            raise ImproperlyConfigured(f"{self.page}: panel {panel.id!r} is registered twice")
        if panel.column not in self.columns:
            raise ImproperlyConfigured(
                f"{self.page}: panel {panel.id!r} names an unknown column {panel.column!r}"
            )
        self._panels[panel.id] = panel
        return panel

    @contextmanager
    def registered_temporarily(self, *panels: Panel[T]) -> Iterator[None]:
        """For tests: the panels are on the page inside the block only."""
        for panel in panels:
            self.register(panel)
        try:
            yield
        finally:
            for panel in panels:
                self._panels.pop(panel.id, None)

    def panels(self) -> list[Panel[T]]:
        # sorted() is stable, so equal orders keep the order of registration.
        return sorted(self._panels.values(), key=lambda p: p.order)

    def render(
        self,
        request: HttpRequest,
        obj: T,
        *,
        user: Any,
        shared: Mapping[str, Any],
        forms: Mapping[str, Any] | None = None,
    ) -> RenderedPage:
        """Renders the panels ``user`` sees. Each template gets ``shared`` (what the page
        computed once for all its panels) and then what its own reader returned."""
        rendered = []
        for panel in self.panels():
            if not panel.visible(user, obj):
                continue
            context = {**shared, **panel.context(request, obj, forms or {})}
            html = get_template(panel.template).render(context, request)
            rendered.append(RenderedPanel(panel, SafeString(html)))
        return RenderedPage(rendered)
