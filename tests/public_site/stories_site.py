"""The test site with a stories page in each language."""

from __future__ import annotations

from typing import Any

from himoya.public_site import content
from himoya.public_site.stories import StoryIndexPage
from tests.public_site.site import build_site
from tests.public_site.walk import ensure_wagtail_root

TITLES = {"ru": "Истории (тест)", "kk": "Оқиғалар (тест)", "tg": "Ҳикояҳо (тест)", "en": "Stories"}


def build_stories_site() -> dict[str, Any]:
    # A transactional (browser) test run before in the same process emptied Wagtail's tree.
    ensure_wagtail_root()
    site = build_site()
    index = content.child_page(
        site["home"], StoryIndexPage(title=TITLES["ru"], slug="stories", show_in_menus=True)
    )
    for code in ("kk", "tg", "en"):
        content.translation(index, code, title=TITLES[code])
    return {**site, "stories": index}
