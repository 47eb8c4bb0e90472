"""The staff member page's registry of panels (``staff:staff_edit``).

An app that adds a section to a member's page (the public site's content role)
registers a ``himoya.core.panels.Panel`` on ``member_page`` from its own ``panels.py``, so
``accounts`` never imports it. A panel's object is the member; its template also sees
``member``. Its POST handler lives in its own app and redirects back to the page.
"""

from __future__ import annotations

from typing import Any

from himoya.core.panels import PanelRegistry

member_page: PanelRegistry[Any] = PanelRegistry("staff member page")
