"""A small public site for tests: home in four languages, the steps page in four, and
an "about" page in Russian and English only (so Kazakh and Tajik show the notice)."""

from __future__ import annotations

from typing import Any

from himoya.public_site import content
from himoya.public_site.models import ContentPage, StepsPage
from tests.public_site.walk import ensure_wagtail_root


def build_site() -> dict[str, Any]:
    # A transactional test run before (the public walk) may have emptied the page tree.
    ensure_wagtail_root()
    home = content.home_page(title="Главная (тест)", intro="<p>Помощь (тест)</p>")
    steps = content.child_page(
        home,
        StepsPage(
            title="Семь шагов (тест)",
            slug="steps",
            show_in_menus=True,
            steps=[
                (
                    "step",
                    {
                        "title": "Сообщите третьим лицам",
                        "meaning": "<p>Смысл шага (тест)</p>",
                        "where": "<p>Куда идти (тест)</p>",
                    },
                )
            ],
        ),
    )
    about = content.child_page(
        home, ContentPage(title="О нас (тест)", slug="about", show_in_menus=True)
    )
    for code, title in [("kk", "Басты бет"), ("tg", "Саҳифаи асосӣ"), ("en", "Home")]:
        content.translation(home, code, title=f"{title} (test)")
        content.translation(steps, code, title=f"Steps {code} (test)")
    content.translation(about, "en", title="About (test)")
    return {"home": home, "steps": steps, "about": about}
