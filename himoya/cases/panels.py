"""The case page's registry of panels.

Every section of the case page is a panel registered here, ``cases``' own ones
included (``himoya/cases/views/panels.py``). An app that adds a section to the case page
(documentation, letters, monitoring) registers a ``himoya.core.panels.Panel`` on
``case_page`` from its own ``panels.py``, imported in its ``ready()``; ``cases`` never
imports it.

A panel on this page:

- ``visible(user, case)``: whether this reader sees the panel; the reader of a hidden
  panel never runs, so it reads nothing;
- ``context(request, case, forms)``: what its template shows; ``forms`` holds the forms of
  a POST that failed, by context name (``task_form``);
- ``column``: ``"main"`` or ``"side"``; ``order``: ``cases`` uses 100-900 for the main
  column and 1000-1300 for the side one, so a new panel slots between them;
- its template also sees what the page computed once for every panel: ``case``,
  ``can_edit``, ``can_note``, ``can_manage`` (the reader's rights on the case) and
  ``open_section`` (the anchor whose form failed, to open it again).

A panel's POST handler uses ``himoya.cases.views.case_action.CaseAction``, which
redirects to the panel's anchor, or shows the page again with the failed form.
"""

from __future__ import annotations

from typing import Any

from himoya.cases.models import Case
from himoya.core.panels import PanelRegistry

case_page: PanelRegistry[Case] = PanelRegistry("case page", columns=("main", "side"))

# The dashboard's sections from other apps (letters' overdue answers), the same way: a
# panel's object is the reader (``visible(user, user)``, ``context(request, user, {})``);
# they come after the alerts, before the reader's cases.
dashboard: PanelRegistry[Any] = PanelRegistry("dashboard")
