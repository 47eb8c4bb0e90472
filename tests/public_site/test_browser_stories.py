"""A visitor walks the stories, publications and reports pages in Russian and in Tajik,
with JavaScript switched off, through the menu and the links the pages offer. No request
leaves the site's own host and no cookie is set."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from himoya.documentation import services as documentation
from himoya.documentation.models import ConsentKind
from himoya.outreach.services import publication_create
from himoya.public_site import content, story_services
from himoya.public_site.reports import ReportsPage
from tests.documentation.conftest import TODAY
from tests.factories import UserFactory, register_appeal
from tests.public_site.stories_site import build_stories_site

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = {
    "ru": ("Жалоба, которая сработала (тест)", "Юрист подал жалобу, и давление прекратилось."),
    "tg": ("Шикояте, ки натиҷа дод (санҷиш)", "Ҳуқуқшинос шикоят навишт ва фишор қатъ шуд."),
}
MENU = {
    "ru": ("Истории (тест)", "Публикации", "Отчёты (тест)", "Статистика за 2025 год", "меньше 5"),
    "tg": ("Ҳикояҳо (тест)", "Интишорот", "Ҳисоботҳо (санҷиш)", "Омор барои", "камтар аз 5"),
}


def _content(staff: Any, org: Any) -> None:
    site = build_stories_site()
    documentation.consent_record(
        actor=staff.lawyer,
        case=staff.case,
        person=staff.victim,
        kind=ConsentKind.PUBLICATION,
        given_on=TODAY(),
    )
    for lang, (title, body) in TEXTS.items():
        review = story_services.story_propose(
            actor=staff.lawyer, case=staff.case, language=lang, title=title, summary="", body=body
        )
        story_services.story_approve(
            actor=staff.coordinator,
            review=review,
            no_names=True,
            no_identifying_details=True,
            no_faces=True,
        )
    for title, day, language, public in [
        ("Статья о праве на адвоката (тест)", dt.date(2025, 4, 2), "ru", True),
        ("Мақолаи тоҷикӣ дар бораи ҳуқуқҳо (санҷиш)", dt.date(2024, 9, 1), "tg", True),
        ("Служебная записка (тест)", dt.date(2025, 5, 1), "ru", False),
    ]:
        publication_create(
            actor=staff.coordinator,
            organisation=org,
            published_on=day,
            language=language,
            title=title,
            public=public,
        )
    intake = UserFactory(organisation=org, role="intake", totp=False)
    for n in range(6):
        register_appeal(intake, received_on=dt.date(2025, 1, 10 + n))
    document = Document(title="Отчёт 2025")
    document.file.save("report-2025.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    block = {"year": 2025, "title": "Годовой отчёт 2025 (тест)", "document": document}
    reports = content.child_page(
        site["home"],
        ReportsPage(
            title="Отчёты (тест)",
            slug="reports",
            show_in_menus=True,
            reports=[("report", block)],
            statistics_years=[("year", 2025)],
        ),
    )
    content.translation(reports, "tg", title="Ҳисоботҳо (санҷиш)")


@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_walk_stories_publications_and_reports(browser, live_server, org, staff, settings, lang):
    settings.HIMOYA_PUBLIC_ORGANISATION = org.slug
    _content(staff, org)
    context = browser.new_context(java_script_enabled=False)
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page: Any = context.new_page()
    page.set_default_timeout(15000)
    stories, publications, reports, stats_heading, fewer = MENU[lang]
    title, body = TEXTS[lang]
    try:
        page.goto(f"{live_server.url}/{lang}/")
        nav = page.locator("nav.mainnav")
        nav.get_by_role("link", name=stories).click()
        assert page.locator("h1").inner_text() == stories
        page.get_by_role("link", name=title).click()
        assert page.locator("h1").inner_text() == title
        assert body in page.locator("article").inner_text()
        assert "/staff/" not in page.content()
        assert staff.case.number not in page.content()
        # The other language's story is not listed here: each language has its own.
        other = TEXTS["tg" if lang == "ru" else "ru"][0]
        page.locator("nav.mainnav").get_by_role("link", name=stories).click()
        assert other not in page.content()

        page.locator("nav.mainnav").get_by_role("link", name=publications).click()
        assert page.locator("h1").inner_text() == publications
        text = page.locator("main").inner_text()
        assert "Статья о праве на адвоката (тест)" in text
        assert "Мақолаи тоҷикӣ дар бораи ҳуқуқҳо (санҷиш)" in text
        assert "Служебная записка" not in text
        page.locator("nav.filters").get_by_role("link", name="2024").click()
        text = page.locator("main").inner_text()
        assert "Мақолаи тоҷикӣ" in text and "Статья о праве" not in text

        page.locator("nav.mainnav").get_by_role("link", name=reports).click()
        text = page.locator("main").inner_text()
        assert "Годовой отчёт 2025 (тест)" in text
        assert stats_heading in text
        assert fewer in text  # 6 appeals, none about minors: small figures suppressed
        assert context.cookies() == []
    finally:
        context.close()
    assert hosts == {urlparse(live_server.url).netloc}
